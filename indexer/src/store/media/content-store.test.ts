import { readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { MEDIA_LIMITS, mediaHash } from "#protocol";
import { tempDir } from "#test-kit/helpers.ts";
import { GIF_1X1, JPEG_3X2, png, pngOfSize, WEBP_3X2 } from "#test-kit/images.ts";
import { type PostgresServer, startPostgres } from "#test-kit/postgres.ts";
import { type Db, openDb } from "../db.ts";
import { openPostgres, type StoreEngine, sqliteEngine } from "../engine/engine.ts";
import {
  type AsyncMediaStore,
  createKyselyMediaStore,
  createMediaStore,
  type MediaStore,
} from "./content-store.ts";
import { MediaError } from "./errors.ts";

/** Every file under `dir`, temporary ones included. */
function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name));
}

describe("media content store", () => {
  let tmp: ReturnType<typeof tempDir>;
  let db: Db;
  let store: MediaStore;
  const dir = () => join(tmp.dir, "media");
  beforeEach(() => {
    tmp = tempDir();
    db = openDb(join(tmp.dir, "db.sqlite"));
    store = createMediaStore(db, { dir: dir(), maxTotalBytes: 3 * 1024 * 1024 });
  });
  afterEach(() => {
    db.close();
    tmp.cleanup();
  });

  it("stores JPEG, PNG, WebP and GIF under the sha256 of their bytes, once", () => {
    const cases = [
      [JPEG_3X2, "image/jpeg", 3, 2],
      [png(7, 5), "image/png", 7, 5],
      [WEBP_3X2, "image/webp", 3, 2],
      [GIF_1X1, "image/gif", 1, 1],
    ] as const;
    for (const [bytes, mimeType, width, height] of cases) {
      const { record, created } = store.put(bytes);
      expect(created).toBe(true);
      expect(record).toMatchObject({ hash: mediaHash(bytes), mimeType, width, height, size: bytes.length });
      expect(store.put(bytes, record.hash).created).toBe(false);
      expect(store.get(record.hash)).toMatchObject({ mimeType, size: bytes.length });
      expect(store.locate(record.hash)).toEqual({ path: join(dir(), record.hash.slice(0, 2), record.hash) });
    }
    expect(files(dir())).toHaveLength(4);
  });

  const refusals: [string, () => Uint8Array, string, string?][] = [
    ["an HTML page", () => Buffer.from("<html><script>alert(1)</script></html>"), "UNSUPPORTED_MEDIA_TYPE"],
    [
      "an SVG image",
      () => Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'),
      "UNSUPPORTED_MEDIA_TYPE",
    ],
    ["an empty body", () => new Uint8Array(0), "UNSUPPORTED_MEDIA_TYPE"],
    ["a file past the size limit", () => pngOfSize(MEDIA_LIMITS.maxBytes + 10), "MEDIA_TOO_LARGE"],
    ["a truncated PNG", () => png(20, 20).subarray(0, 200), "MEDIA_CORRUPT"],
    ["a PNG with trailing bytes", () => Buffer.concat([png(4, 4), Buffer.from("<script>")]), "MEDIA_CORRUPT"],
    ["a truncated JPEG", () => JPEG_3X2.subarray(0, JPEG_3X2.length - 40), "MEDIA_CORRUPT"],
    ["a truncated WebP", () => WEBP_3X2.subarray(0, WEBP_3X2.length - 1), "MEDIA_CORRUPT"],
    ["a GIF without its trailer", () => GIF_1X1.subarray(0, GIF_1X1.length - 1), "MEDIA_CORRUPT"],
    ["a PNG signature with a garbage header", () => corruptHeader(png(3, 3)), "MEDIA_CORRUPT"],
    ["a PNG wider than the limit", () => png(MEDIA_LIMITS.maxDimension + 1, 1), "MEDIA_DIMENSIONS"],
    ["bytes that do not hash to the hash given", () => png(3, 3), "HASH_MISMATCH", "ab".repeat(32)],
    ["a malformed expected hash", () => png(3, 3), "BAD_REQUEST", "not-a-hash"],
  ];
  for (const [what, bytes, code, expected] of refusals) {
    it(`refuses ${what} with ${code} and stores nothing`, () => {
      const error = (() => {
        try {
          store.put(bytes(), expected);
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(MediaError);
      expect((error as MediaError).code).toBe(code);
      expect(files(dir())).toEqual([]);
      expect(db.prepare("SELECT COUNT(*) FROM media").pluck().get()).toBe(0);
      expect(store.totalBytes()).toBe(0);
    });
  }

  it("refuses uploads once the store is full, keeping what it has", () => {
    const first = pngOfSize(2 * 1024 * 1024);
    store.put(first);
    expect(() => store.put(pngOfSize(1024 * 1024 + 1))).toThrow(
      expect.objectContaining({ code: "MEDIA_STORE_FULL" }),
    );
    expect(files(dir())).toHaveLength(1);
    // Uploading what it already holds is not new bytes.
    expect(store.put(first).created).toBe(false);
  });

  it("keeps bytes in memory for an in-memory database", () => {
    const memDb = openDb(":memory:");
    const mem = createMediaStore(memDb, { dir: null });
    const { record } = mem.put(GIF_1X1);
    const located = mem.locate(record.hash);
    expect(located && "bytes" in located ? Buffer.from(located.bytes) : null).toEqual(GIF_1X1);
    memDb.close();
  });
});

function corruptHeader(bytes: Buffer): Buffer {
  const b = Buffer.from(bytes);
  b.write("XXXX", 12, "ascii"); // the IHDR chunk type
  return b;
}

describe.each(["sqlite", "postgres"] as const)("media content store through Kysely (%s)", (kind) => {
  let pg: PostgresServer | null = null;
  let tmp: ReturnType<typeof tempDir>;
  let engine: StoreEngine;
  let store: AsyncMediaStore;
  const dir = () => join(tmp.dir, "media");
  const rows = async () =>
    Number(
      (
        await engine.db
          .selectFrom("media")
          .select((eb) => eb.fn.countAll().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    );
  afterAll(async () => {
    await pg?.stop();
  }, 60_000);
  beforeEach(async () => {
    tmp = tempDir();
    if (kind === "sqlite") engine = sqliteEngine(openDb(join(tmp.dir, "db.sqlite")));
    else {
      pg ??= await startPostgres();
      engine = await openPostgres(await pg.createDatabase());
    }
    store = await createKyselyMediaStore(engine.db, { dir: dir(), maxTotalBytes: 3 * 1024 * 1024 });
  }, 60_000);
  afterEach(async () => {
    await engine.close();
    tmp.cleanup();
  });

  it("stores each image once under its sha256, also when uploaded twice at the same time", async () => {
    const image = png(7, 5);
    const [a, b] = await Promise.all([store.put(image), store.put(Buffer.from(image))]);
    expect([a.created, b.created].sort()).toEqual([false, true]);
    expect(a.record).toMatchObject({
      hash: mediaHash(image),
      mimeType: "image/png",
      width: 7,
      height: 5,
    });
    const { record } = await store.put(JPEG_3X2);
    expect(await store.get(record.hash)).toMatchObject({ mimeType: "image/jpeg", size: JPEG_3X2.length });
    expect(await store.has(record.hash)).toBe(true);
    expect(await store.has("ab".repeat(32))).toBe(false);
    expect((await store.getMany([record.hash, a.record.hash, "ab".repeat(32), "bad"])).length).toBe(2);
    expect(await store.locate(record.hash)).toEqual({
      path: join(dir(), record.hash.slice(0, 2), record.hash),
    });
    expect(files(dir())).toHaveLength(2);
    expect(await rows()).toBe(2);
    expect(store.totalBytes()).toBe(image.length + JPEG_3X2.length);
    // A store opened later counts what is there.
    const again = await createKyselyMediaStore(engine.db, { dir: dir() });
    expect(again.totalBytes()).toBe(store.totalBytes());
  });

  it("refuses bad bytes and a full store, writing nothing, also for concurrent uploads", async () => {
    const error = await store.put(Buffer.from("<svg/>")).catch((e: unknown) => e);
    expect((error as MediaError).code).toBe("UNSUPPORTED_MEDIA_TYPE");
    const mismatch = await store.put(png(3, 3), "ab".repeat(32)).catch((e: unknown) => e);
    expect((mismatch as MediaError).code).toBe("HASH_MISMATCH");
    expect(await rows()).toBe(0);
    // Two 2 MiB uploads at once into 3 MiB: one is stored, the other refused.
    const results = await Promise.allSettled([
      store.put(pngOfSize(2 * 1024 * 1024)),
      store.put(pngOfSize(2 * 1024 * 1024 + 100_000)),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const refused = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect((refused.reason as MediaError).code).toBe("MEDIA_STORE_FULL");
    expect(files(dir())).toHaveLength(1);
    expect(await rows()).toBe(1);
  });
});
