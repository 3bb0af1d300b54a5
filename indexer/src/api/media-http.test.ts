import { readdirSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MEDIA_LIMITS, mediaHash } from "#protocol";
import { seededStore, storeApi } from "#test-kit/api.ts";
import { tempDir, wallets } from "#test-kit/helpers.ts";
import { GIF_1X1, JPEG_3X2, png, pngOfSize, WEBP_3X2 } from "#test-kit/images.ts";
import { type ServedApi, serveWithMedia } from "#test-kit/media.ts";
import { createMediaStore, type MediaStore } from "../store/media/content-store.ts";
import { parseRange } from "./media-http.ts";

const [alice] = wallets();
const DAPP = "http://127.0.0.1:5173";

describe("the /media endpoint", () => {
  let seeded: Awaited<ReturnType<typeof seededStore>>;
  let media: ReturnType<typeof tempDir>;
  let store: MediaStore;
  let served: ServedApi;
  beforeEach(async () => {
    seeded = await seededStore(alice?.address as `0x${string}`, 1);
    media = tempDir("amp-media-");
    store = createMediaStore(seeded.db, { dir: media.dir });
    served = await serveWithMedia(storeApi(seeded.db), store, {
      corsOrigins: [DAPP],
      uploads: { ratePerSec: 0.001, burst: 12 },
    });
  });
  afterEach(async () => {
    await served.close();
    seeded.close();
    media.cleanup();
  });

  const upload = (body: Uint8Array, headers: Record<string, string> = {}, query = "") =>
    fetch(`${served.origin}/media${query}`, {
      method: "POST",
      headers: { "content-type": "application/octet-stream", ...headers },
      body: new Uint8Array(body),
    });
  /** Every file under the media folder, temporary ones included. */
  const storedFiles = () =>
    readdirSync(media.dir, { recursive: true, withFileTypes: true })
      .filter((d) => d.isFile())
      .map((d) => join(d.parentPath, d.name));
  const codeOf = async (res: Response) =>
    ((await res.json()) as { errors: { extensions: { code: string } }[] }).errors[0]?.extensions.code;

  it("takes each accepted type, sniffed from the bytes whatever the header says, and serves it", async () => {
    for (const [bytes, type] of [
      [JPEG_3X2, "image/jpeg"],
      [png(5, 4), "image/png"],
      [WEBP_3X2, "image/webp"],
      [GIF_1X1, "image/gif"],
    ] as const) {
      const hash = mediaHash(bytes);
      const res = await upload(bytes, { "content-type": "text/html", "x-amp-sha256": hash });
      expect(res.status).toBe(201);
      expect(await res.json()).toMatchObject({
        hash,
        mimeType: type,
        size: bytes.length,
        url: `/media/${hash}`,
      });
      const again = await upload(bytes);
      expect(again.status).toBe(200);

      const got = await fetch(`${served.origin}/media/${hash}`, { headers: { origin: DAPP } });
      expect(got.status).toBe(200);
      expect(Buffer.from(await got.arrayBuffer())).toEqual(Buffer.from(bytes));
      expect(Object.fromEntries(got.headers)).toMatchObject({
        "content-type": type,
        "content-length": String(bytes.length),
        "cache-control": "public, max-age=31536000, immutable",
        etag: `"${hash}"`,
        "x-content-type-options": "nosniff",
        "accept-ranges": "bytes",
        "access-control-allow-origin": DAPP,
      });
      expect(got.headers.get("content-security-policy")).toContain("default-src 'none'");
    }
  });

  it("answers conditional, ranged and HEAD requests", async () => {
    const bytes = png(40, 40);
    const hash = mediaHash(bytes);
    expect((await upload(bytes)).status).toBe(201);
    const url = `${served.origin}/media/${hash}`;
    const notModified = await fetch(url, { headers: { "if-none-match": `"${hash}"` } });
    expect(notModified.status).toBe(304);
    const ranged = await fetch(url, { headers: { range: "bytes=10-19" } });
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get("content-range")).toBe(`bytes 10-19/${bytes.length}`);
    expect(Buffer.from(await ranged.arrayBuffer())).toEqual(bytes.subarray(10, 20));
    const suffix = await fetch(url, { headers: { range: "bytes=-5" } });
    expect(Buffer.from(await suffix.arrayBuffer())).toEqual(bytes.subarray(bytes.length - 5));
    const unsatisfiable = await fetch(url, { headers: { range: `bytes=${bytes.length}-` } });
    expect(unsatisfiable.status).toBe(416);
    expect(unsatisfiable.headers.get("content-range")).toBe(`bytes */${bytes.length}`);
    const head = await fetch(url, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe(String(bytes.length));
  });

  const refusals: [string, () => Uint8Array, number, string, Record<string, string>?][] = [
    [
      "HTML labelled image/png",
      () => Buffer.from("<!doctype html><script>alert(1)</script>"),
      415,
      "UNSUPPORTED_MEDIA_TYPE",
      { "content-type": "image/png" },
    ],
    ["a truncated JPEG", () => JPEG_3X2.subarray(0, 300), 422, "MEDIA_CORRUPT"],
    [
      "a PNG with a script appended",
      () => Buffer.concat([png(3, 3), Buffer.from("<script>")]),
      422,
      "MEDIA_CORRUPT",
    ],
    ["a PNG taller than the limit", () => png(1, MEDIA_LIMITS.maxDimension + 1), 422, "MEDIA_DIMENSIONS"],
    [
      "bytes that do not match the hash given",
      () => png(3, 3),
      422,
      "HASH_MISMATCH",
      { "x-amp-sha256": "00".repeat(32) },
    ],
    ["a body past the size limit", () => pngOfSize(MEDIA_LIMITS.maxBytes + 1000), 413, "MEDIA_TOO_LARGE"],
  ];
  for (const [what, body, status, code, headers] of refusals) {
    it(`refuses ${what} with ${status} ${code} and keeps nothing`, async () => {
      const res = await upload(body(), headers);
      expect(res.status).toBe(status);
      expect(await codeOf(res)).toBe(code);
      expect(storedFiles()).toEqual([]);
      expect(seeded.db.prepare("SELECT COUNT(*) FROM media").pluck().get()).toBe(0);
    });
  }

  it("refuses a streamed body past the limit without a declared length", async () => {
    const big = pngOfSize(MEDIA_LIMITS.maxBytes + 1000);
    const stream = new ReadableStream({
      start(c) {
        for (let i = 0; i < big.length; i += 65536) c.enqueue(big.subarray(i, i + 65536));
        c.close();
      },
    });
    const res = await fetch(`${served.origin}/media`, {
      method: "POST",
      body: stream,
      duplex: "half",
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(await codeOf(res)).toBe("MEDIA_TOO_LARGE");
    expect(storedFiles()).toEqual([]);
  });

  it("answers unknown images, bad paths and methods with coded errors, and preflights for the dApp", async () => {
    const missing = await fetch(`${served.origin}/media/${"ab".repeat(32)}`);
    expect(missing.status).toBe(404);
    expect(await codeOf(missing)).toBe("MEDIA_NOT_FOUND");
    for (const path of ["../db.sqlite", "%2e%2e%2fdb.sqlite", "ABCD", `${"AB".repeat(32)}`]) {
      const res = await fetch(`${served.origin}/media/${path}`);
      expect(res.status, path).toBe(404);
    }
    const get = await fetch(`${served.origin}/media`);
    expect(get.status).toBe(405);
    const del = await fetch(`${served.origin}/media/${"ab".repeat(32)}`, { method: "DELETE" });
    expect(del.status).toBe(405);
    const preflight = await fetch(`${served.origin}/media`, {
      method: "OPTIONS",
      headers: { origin: DAPP, "access-control-request-method": "POST" },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe(DAPP);
    const stranger = await fetch(`${served.origin}/media`, {
      method: "OPTIONS",
      headers: { origin: "http://evil.test" },
    });
    expect(stranger.headers.get("access-control-allow-origin")).toBeNull();
    // GraphQL still answers on the same server.
    const gql = await fetch(`${served.origin}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "{ indexerStatus { chainId } }" }),
    });
    expect(((await gql.json()) as { data: unknown }).data).toEqual({ indexerStatus: { chainId: 31337 } });
  });

  it("limits uploads per client", async () => {
    const codes: number[] = [];
    for (let i = 0; i < 14; i++) codes.push((await upload(png(2, 2))).status);
    expect(codes.slice(0, 12).every((c) => c === 201 || c === 200)).toBe(true);
    expect(codes.slice(12)).toEqual([429, 429]);
  });

  it("parses single byte ranges", () => {
    expect(parseRange("bytes=0-0", 10)).toEqual({ start: 0, end: 0 });
    expect(parseRange("bytes=5-", 10)).toEqual({ start: 5, end: 9 });
    expect(parseRange("bytes=-3", 10)).toEqual({ start: 7, end: 9 });
    expect(parseRange("bytes=8-100", 10)).toEqual({ start: 8, end: 9 });
    for (const bad of ["bytes=10-", "bytes=5-2", "bytes=-0", "bytes=-", "bytes=0-1,3-4", "items=0-1"]) {
      expect(parseRange(bad, 10), bad).toBeNull();
    }
  });
});
