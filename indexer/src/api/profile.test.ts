import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { mediaCommitment, mediaHash, NO_AVATAR, type ProfileMessage } from "#protocol";
import { gqlClient, seededStore, storeApi } from "#test-kit/api.ts";
import { sign, wallets } from "#test-kit/helpers.ts";
import { GIF_1X1, JPEG_3X2, png } from "#test-kit/images.ts";
import { publishPosts } from "#test-kit/media.ts";
import { createMediaStore, type MediaStore } from "../store/media/content-store.ts";
import type { Api } from "./yoga.ts";

const [alice, bob] = wallets() as [ReturnType<typeof wallets>[number], ReturnType<typeof wallets>[number]];
const NOW = 1_800_000_000;
let nonce = 1n;

const PROFILE_QUERY = `query($a: String!) { account(address: $a) { profile { account name bio avatarHash updatedAt avatar { hash url mimeType width height size } } } }`;
const SUBMIT = `mutation($k: MessageKind!, $m: String!, $s: String!) { submitMessage(kind: $k, message: $m, signature: $s) { seq kind } }`;

describe("profiles and post images in GraphQL", () => {
  let seeded: Awaited<ReturnType<typeof seededStore>>;
  let api: Api;
  let media: MediaStore;
  const gql = gqlClient(() => api);
  beforeEach(async () => {
    seeded = await seededStore(alice.address, 1);
    media = createMediaStore(seeded.db, { dir: null });
    api = storeApi(seeded.db, { now: () => NOW });
  });
  afterEach(() => seeded.close());

  const profile = (fields: Partial<ProfileMessage> = {}, signer = alice) =>
    sign(signer, "Profile", {
      account: signer.address,
      name: "Alice",
      avatar: NO_AVATAR,
      bio: "",
      timestamp: BigInt(NOW),
      nonce: nonce++,
      ...fields,
    });
  const submit = async (m: Awaited<ReturnType<typeof profile>>) =>
    gql(SUBMIT, { k: m.kind, m: m.json, s: m.signature });

  it("shows the latest signed profile with its avatar from the media store", async () => {
    expect((await gql(PROFILE_QUERY, { a: alice.address })).data.account.profile).toBeNull();
    const { record } = media.put(JPEG_3X2);
    expect((await submit(await profile({ name: "Alice", bio: "first" }))).errors).toBeUndefined();
    const avatar = `0x${record.hash}` as const;
    const second = await submit(await profile({ name: "Alice Liddell", bio: "down the hole", avatar }));
    expect(second.errors).toBeUndefined();
    expect(second.data.submitMessage.kind).toBe("Profile");
    const got = (await gql(PROFILE_QUERY, { a: alice.address })).data.account.profile;
    expect(got).toEqual({
      account: alice.address.toLowerCase(),
      name: "Alice Liddell",
      bio: "down the hole",
      avatarHash: avatar,
      updatedAt: NOW,
      avatar: {
        hash: record.hash,
        url: `/media/${record.hash}`,
        mimeType: "image/jpeg",
        width: 3,
        height: 2,
        size: JPEG_3X2.length,
      },
    });
    // Clearing the avatar is a profile without one.
    await submit(await profile({ name: "Alice", avatar: NO_AVATAR }));
    expect((await gql(PROFILE_QUERY, { a: alice.address })).data.account.profile).toMatchObject({
      name: "Alice",
      avatar: null,
    });
  });

  const refusals: [string, () => Promise<{ kind: string; json: string; signature: string }>, string][] = [
    ["an avatar the store does not hold", () => profile({ avatar: `0x${"ab".repeat(32)}` }), "UNKNOWN_MEDIA"],
    ["a name over 50 bytes", () => profile({ name: "é".repeat(26) }), "BAD_USER_INPUT"],
    ["a name with a newline", () => profile({ name: "Al\nice" }), "BAD_USER_INPUT"],
    ["a bio over 300 bytes", () => profile({ bio: "x".repeat(301) }), "BAD_USER_INPUT"],
    [
      "a profile signed by someone else",
      async () => ({ ...(await profile({}, bob)), json: (await profile()).json }),
      "UNKNOWN_DELEGATION",
    ],
    [
      "an avatar that is not 32 bytes",
      async () => {
        const m = await profile();
        return { ...m, json: m.json.replace(NO_AVATAR, "0x1234") };
      },
      "BAD_USER_INPUT",
    ],
  ];
  for (const [what, message, code] of refusals) {
    it(`refuses ${what} with ${code} and stores nothing`, async () => {
      const m = await message();
      const r = await gql(SUBMIT, { k: "Profile", m: m.json, s: m.signature });
      expect(r.errors?.[0]?.extensions?.code).toBe(code);
      expect(seeded.db.prepare("SELECT COUNT(*) FROM profiles").pluck().get()).toBe(0);
      expect(seeded.db.prepare("SELECT COUNT(*) FROM engagement_log").pluck().get()).toBe(0);
    });
  }

  it("shows the images a post commits to, in order, and none when the commitment does not match", async () => {
    const a = media.put(png(6, 4)).record;
    const b = media.put(GIF_1X1).record;
    const good = mediaCommitment([b.hash, a.hash]);
    const missing = mediaCommitment([a.hash, mediaHash(Buffer.from("never uploaded"))]);
    await publishPosts(seeded.db, [
      { id: 2, author: alice.address, text: "two pictures", ...good },
      { id: 3, author: alice.address, text: "forged", uri: good.uri, contentHash: `0x${"11".repeat(32)}` },
      { id: 4, author: alice.address, text: "one of two uploaded", ...missing },
      {
        id: 5,
        author: alice.address,
        text: "not media",
        uri: "https://example.com/x.png",
        contentHash: good.contentHash,
      },
    ]);
    const q = `query($id: ID!) { post(id: $id) { media { hash url mimeType width height } } }`;
    const shown = async (id: string) => (await gql(q, { id })).data.post.media;
    expect(await shown("2")).toEqual([
      { hash: b.hash, url: `/media/${b.hash}`, mimeType: "image/gif", width: 1, height: 1 },
      { hash: a.hash, url: `/media/${a.hash}`, mimeType: "image/png", width: 6, height: 4 },
    ]);
    expect(await shown("3")).toEqual([]);
    expect(await shown("4")).toEqual([expect.objectContaining({ hash: a.hash })]);
    expect(await shown("5")).toEqual([]);
    expect(await shown("1")).toEqual([]);
  });

  it("reads many profiles at once", async () => {
    await submit(await profile({ name: "Alice" }));
    await submit(await profile({ name: "Bob" }, bob));
    const q = `query($a: [String!]!) { profiles(addresses: $a) { account name } }`;
    const r = await gql(q, {
      a: [bob.address, alice.address.toUpperCase().replace("0X", "0x"), `0x${"12".repeat(20)}`],
    });
    expect(r.data.profiles.map((p: { name: string }) => p.name).sort()).toEqual(["Alice", "Bob"]);
    const tooMany = await gql(q, { a: Array.from({ length: 101 }, () => alice.address) });
    expect(tooMany.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    const bad = await gql(q, { a: ["nope"] });
    expect(bad.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });

  it("looks an image up by hash and refuses a malformed one", async () => {
    const { record } = media.put(GIF_1X1);
    const q = `query($h: String!) { media(hash: $h) { hash mimeType } }`;
    expect((await gql(q, { h: record.hash })).data.media).toEqual({
      hash: record.hash,
      mimeType: "image/gif",
    });
    expect((await gql(q, { h: `0x${record.hash.toUpperCase()}` })).data.media.hash).toBe(record.hash);
    expect((await gql(q, { h: "ab".repeat(32) })).data.media).toBeNull();
    expect((await gql(q, { h: "'; DROP TABLE media; --" })).errors?.[0]?.extensions?.code).toBe(
      "BAD_USER_INPUT",
    );
  });
});
