/**
 * The media endpoint beside GraphQL on the same server:
 *
 * - `POST /media`: the body is the image's bytes (at most MEDIA_LIMITS.maxBytes; the
 *   Content-Type a client sends is ignored, the type is sniffed from the bytes). An optional
 *   `X-Amp-Sha256` header (or `?sha256=`) names the hash the client expects. Answers 201 with
 *   the media record (200 when the store already had it); a refusal answers JSON with
 *   `extensions.code` (MEDIA_TOO_LARGE 413, UNSUPPORTED_MEDIA_TYPE 415, MEDIA_CORRUPT,
 *   MEDIA_DIMENSIONS and HASH_MISMATCH 422, RATE_LIMITED 429, MEDIA_STORE_FULL 507) and stores nothing.
 * - `GET`/`HEAD /media/<sha256>`: the bytes with their type, `Cache-Control: immutable`, an
 *   ETag (the hash), `X-Content-Type-Options: nosniff`, a CSP that runs nothing, and single
 *   byte ranges.
 */
import { createReadStream } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { isMediaHash, MEDIA_LIMITS } from "#protocol";
import { type BucketOptions, createTokenBuckets } from "../engagement/quota.ts";
import type { AsyncMediaStore, ExclusiveMediaStore, MediaStore } from "../store/media/content-store.ts";
import { MediaError } from "../store/media/errors.ts";
import { MEDIA_PATH } from "./resolvers/profile.ts";

export interface MediaHttpOptions {
  /** The content store: SQLite's (`createSqliteMediaStore`) or either engine's (`createKyselyMediaStore`). */
  store: MediaStore | ExclusiveMediaStore | AsyncMediaStore;
  corsOrigins: string[];
  /** Uploads per client address (default 2/s, burst 30). */
  uploads?: BucketOptions;
  /** The address upload quotas charge (default: the socket's peer); see `client-address.ts`. */
  clientAddress?: (req: IncomingMessage) => string | undefined;
}

/** Handles the request when its path is under /media; returns false for any other path. */
export type MediaHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

const JSON_TYPE = "application/json; charset=utf-8";

function send(res: ServerResponse, status: number, body: object, headers: Record<string, string> = {}) {
  const payload = Buffer.from(JSON.stringify(body));
  res
    .writeHead(status, { ...headers, "content-type": JSON_TYPE, "content-length": String(payload.length) })
    .end(payload);
}

function refuse(res: ServerResponse, error: MediaError, headers: Record<string, string> = {}) {
  send(
    res,
    error.status,
    { errors: [{ message: error.shortMessage, extensions: { code: error.code } }] },
    headers,
  );
}

/** A single `bytes=a-b`, `bytes=a-` or `bytes=-n` range within `size`; null: not satisfiable. */
export function parseRange(header: string, size: number): { start: number; end: number } | null {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === "" && m[2] === "")) return null;
  let start: number;
  let end: number;
  if (m[1] === "") {
    const n = Number(m[2]);
    if (n === 0) return null;
    start = Math.max(0, size - n);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === "" ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  return start <= end && start < size ? { start, end } : null;
}

export function createMediaHandler(options: MediaHttpOptions): MediaHandler {
  const { store } = options;
  const origins = new Set(options.corsOrigins);
  const quota = createTokenBuckets(options.uploads ?? { ratePerSec: 2, burst: 30 });

  const cors = (req: IncomingMessage): Record<string, string> => {
    const origin = req.headers.origin;
    return origin && origins.has(origin)
      ? { "access-control-allow-origin": origin, vary: "Origin", "access-control-expose-headers": "etag" }
      : {};
  };

  function upload(req: IncomingMessage, res: ServerResponse, url: URL): void {
    const headers = cors(req);
    const fail = (e: MediaError) => refuse(res, e, headers);
    const client = (options.clientAddress ?? ((r) => r.socket.remoteAddress))(req) ?? "unknown";
    const take = quota.take(client);
    if (!take.ok) {
      req.resume();
      fail(new MediaError("RATE_LIMITED", `too many uploads; retry after ${take.retryAfterSeconds} s`));
      return;
    }
    const expected = (req.headers["x-amp-sha256"] as string | undefined) ?? url.searchParams.get("sha256");
    const declared = Number(req.headers["content-length"] ?? Number.NaN);
    const tooLarge = () =>
      new MediaError("MEDIA_TOO_LARGE", `an image is at most ${MEDIA_LIMITS.maxBytes} bytes`);
    if (declared > MEDIA_LIMITS.maxBytes) {
      // Answer at once and close: nothing of the body is read or kept.
      fail(tooLarge());
      res.once("finish", () => req.destroy());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on("data", (c: Buffer) => {
      if (over) return;
      size += c.length;
      if (size > MEDIA_LIMITS.maxBytes) {
        over = true;
        chunks.length = 0;
        fail(tooLarge());
        res.once("finish", () => req.destroy());
        return;
      }
      chunks.push(c);
    });
    req.on("end", async () => {
      if (over) return;
      try {
        const { record, created } = await store.put(
          Buffer.concat(chunks),
          expected === null || expected === undefined ? undefined : expected.toLowerCase().replace(/^0x/, ""),
        );
        send(res, created ? 201 : 200, { ...record, url: `${MEDIA_PATH}${record.hash}` }, headers);
      } catch (error) {
        if (error instanceof MediaError) fail(error);
        else {
          send(res, 500, {
            errors: [{ message: "internal error", extensions: { code: "INTERNAL_SERVER_ERROR" } }],
          });
        }
      }
    });
  }

  async function serve(req: IncomingMessage, res: ServerResponse, hash: string): Promise<void> {
    const record = isMediaHash(hash) ? await store.get(hash) : null;
    const located = record ? await store.locate(hash) : null;
    if (!record || !located) {
      refuse(
        res,
        new MediaError("MEDIA_NOT_FOUND", `no image ${hash.slice(0, 64)} in the media store`),
        cors(req),
      );
      return;
    }
    const etag = `"${hash}"`;
    const headers: Record<string, string> = {
      ...cors(req),
      "content-type": record.mimeType,
      "cache-control": "public, max-age=31536000, immutable",
      etag,
      "x-content-type-options": "nosniff",
      "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; sandbox",
      "cross-origin-resource-policy": "cross-origin",
      "accept-ranges": "bytes",
    };
    const inm = req.headers["if-none-match"];
    if (inm?.split(",").some((t) => t.trim() === etag || t.trim() === "*")) {
      res.writeHead(304, headers).end();
      return;
    }
    let start = 0;
    let end = record.size - 1;
    let status = 200;
    const range = req.headers.range;
    const ifRange = req.headers["if-range"];
    if (range && (ifRange === undefined || ifRange === etag)) {
      const r = parseRange(range, record.size);
      if (!r) {
        res
          .writeHead(416, { ...headers, "content-range": `bytes */${record.size}`, "content-length": "0" })
          .end();
        return;
      }
      ({ start, end } = r);
      status = 206;
      headers["content-range"] = `bytes ${start}-${end}/${record.size}`;
    }
    headers["content-length"] = String(end - start + 1);
    res.writeHead(status, headers);
    if (req.method === "HEAD") {
      res.end();
      return;
    }
    if ("bytes" in located) {
      res.end(located.bytes.subarray(start, end + 1));
      return;
    }
    const stream = createReadStream(located.path, { start, end });
    stream.on("error", () => res.destroy());
    stream.pipe(res);
  }

  return (req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const path = url.pathname;
    if (path !== "/media" && !path.startsWith(MEDIA_PATH)) return false;
    if (req.method === "OPTIONS") {
      res
        .writeHead(204, {
          ...cors(req),
          "access-control-allow-methods": "GET, HEAD, POST, OPTIONS",
          "access-control-allow-headers": "content-type, x-amp-sha256",
          "access-control-max-age": "600",
        })
        .end();
      return true;
    }
    if (path === "/media" || path === MEDIA_PATH) {
      if (req.method === "POST") upload(req, res, url);
      else {
        req.resume();
        refuse(res, new MediaError("METHOD_NOT_ALLOWED", "POST an image to /media"), {
          allow: "POST, OPTIONS",
        });
      }
      return true;
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      req.resume();
      refuse(res, new MediaError("METHOD_NOT_ALLOWED", "images are read with GET"), {
        allow: "GET, HEAD, OPTIONS",
      });
      return true;
    }
    serve(req, res, path.slice(MEDIA_PATH.length)).catch(() => {
      if (!res.headersSent) res.writeHead(500, { "content-type": JSON_TYPE });
      res.end();
    });
    return true;
  };
}
