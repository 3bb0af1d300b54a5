/** The profile and media queries on both engines over the same rows. */
import { describe, expect, it } from "vitest";
import { enginePairForSuite } from "#test-kit/engine-pair.ts";
import { MEDIA_HASHES, seedSocial, socialAlice, socialBob, socialCarol } from "#test-kit/social-seed.ts";
import { profileQueries } from "./profiles.ts";

describe("profile queries on SQLite and PostgreSQL", () => {
  const pair = enginePairForSuite(seedSocial);

  it("reads a profile and sets of profiles", async () => {
    expect(await pair.same((r) => profileQueries(r).profile(socialAlice))).toMatchObject({
      account: socialAlice,
      name: "Alice Liddell",
      bio: "down the rabbit hole",
      avatar: `0x${MEDIA_HASHES[0]}`,
    });
    expect(await pair.same((r) => profileQueries(r).profile(socialCarol))).toBeNull();
    const some = await pair.same(async (r) =>
      (await profileQueries(r).profilesOf([socialBob, socialCarol, socialAlice])).sort((a, b) =>
        a.account < b.account ? -1 : 1,
      ),
    );
    expect(some.map((p) => p.account)).toEqual([socialAlice, socialBob].sort());
    expect(typeof some[0]?.updatedAt).toBe("number");
    expect(await pair.same((r) => profileQueries(r).profilesOf([]))).toEqual([]);
  });

  it("reads media records one at a time and in the order asked", async () => {
    expect(await pair.same((r) => profileQueries(r).media(MEDIA_HASHES[1] as string))).toEqual({
      hash: MEDIA_HASHES[1],
      mimeType: "image/png",
      size: 1001,
      width: 20,
      height: 20,
    });
    expect(await pair.same((r) => profileQueries(r).media("00"))).toBeNull();
    const asked = [MEDIA_HASHES[2], "00", MEDIA_HASHES[0]] as string[];
    expect((await pair.same((r) => profileQueries(r).mediaByHashes(asked))).map((m) => m.hash)).toEqual([
      MEDIA_HASHES[2],
      MEDIA_HASHES[0],
    ]);
    expect(await pair.same((r) => profileQueries(r).mediaByHashes([]))).toEqual([]);
  });
});
