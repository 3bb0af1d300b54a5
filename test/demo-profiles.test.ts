/**
 * The demo world's profiles: every name fits a Profile message and is unique (so a demo post's
 * @Name has one holder), and every avatar is an image the indexer's media store accepts.
 */
import { describe, expect, it } from "vitest";
import { createMediaStore } from "#indexer/store/media/content-store.ts";
import { PROFILE_LIMITS } from "#protocol";
import { seededStore } from "#test-kit/api.ts";
import { tempDir } from "#test-kit/helpers.ts";
import { avatarPng, DEMO_AVATARS, DEMO_NAMES } from "../scripts/lib/demo-profiles.ts";

describe("demo profiles", () => {
  it("names each person once, within the profile limits", () => {
    expect(new Set(DEMO_NAMES.map((n) => n.toLowerCase())).size).toBe(DEMO_NAMES.length);
    for (const name of DEMO_NAMES)
      expect(Buffer.byteLength(name)).toBeLessThanOrEqual(PROFILE_LIMITS.nameBytes);
  });

  it("draws avatars the media store takes: distinct 80 x 80 PNGs", async () => {
    const store = await seededStore("0x0000000000000000000000000000000000000001", 0);
    const tmp = tempDir();
    try {
      const media = createMediaStore(store.db, { dir: tmp.dir });
      const hashes = new Set<string>();
      for (let i = 0; i < DEMO_AVATARS; i++) {
        const { record } = media.put(avatarPng(i));
        expect(record).toMatchObject({ mimeType: "image/png", width: 80, height: 80 });
        hashes.add(record.hash);
      }
      expect(hashes.size).toBe(DEMO_AVATARS);
    } finally {
      store.close();
      tmp.cleanup();
    }
  });
});
