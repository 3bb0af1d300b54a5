/**
 * An epoch's public documents at stable paths beside /graphql:
 *
 * - `GET /epochs/<n>/manifest.json`: the exact manifest bytes the settlement
 *   published on chain (`application/json`); ETag is its keccak256, the
 *   epoch's on-chain inputs hash.
 * - `GET /epochs/<n>/log.ndjson`: the log range the manifest names, as the
 *   NDJSON export whose keccak256 is the manifest's `exportHash`
 *   (`application/x-ndjson`, ETag that hash), streamed in slices so a large
 *   range never holds the event loop.
 *
 * `<n>` is the epoch number; its current settlement is served (the latest,
 * revoked or not). Refusals answer JSON `{errors: [{message, extensions: {code}}]}`:
 * EPOCH_NOT_FOUND (404), MANIFEST_NOT_FOUND (404, settled without a valid
 * manifest), BAD_REQUEST (400), METHOD_NOT_ALLOWED (405).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { setImmediate as yieldToLoop } from "node:timers/promises";
import type { Hex } from "viem";
import { exportLine } from "../engagement/export.ts";
import { type EpochManifest, manifestText, parseManifest } from "../settlement/manifest.ts";
import { createLogRange, type StoreSource } from "../store/log-range.ts";
import type { Queries } from "../store/queries.ts";

const SLICE = 1000;
const PATH = /^\/epochs\/([^/]+)\/(manifest\.json|log\.ndjson)$/;

/** Resolves when the socket can take more, or is gone. */
const drained = (res: ServerResponse) =>
  new Promise<void>((resolve) => {
    const done = () => {
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    res.on("drain", done);
    res.on("close", done);
  });

export interface EpochDocumentOptions {
  /** The store (either engine) whose log the documents are read from. */
  db: StoreSource;
  queries: Pick<Queries, "epoch">;
  corsOrigins: readonly string[];
}

/** Returns a handler that answers the two paths (true) or leaves the request alone (false). */
export function createEpochDocuments(options: EpochDocumentOptions) {
  const log = createLogRange(options.db);
  const origins = new Set(options.corsOrigins);

  const refuse = (res: ServerResponse, status: number, code: string, message: string, extra = {}) => {
    const body = Buffer.from(JSON.stringify({ errors: [{ message, extensions: { code } }] }));
    res
      .writeHead(status, {
        "content-type": "application/json; charset=utf-8",
        "content-length": String(body.length),
        ...extra,
      })
      .end(body);
  };

  return async function serve(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    const match = PATH.exec(path);
    if (!match) return false;
    const [, raw, doc] = match as unknown as [string, string, string];
    const cors: Record<string, string> = {};
    const origin = req.headers.origin;
    if (origin && origins.has(origin)) {
      cors["access-control-allow-origin"] = origin;
      cors["access-control-expose-headers"] = "etag";
      cors.vary = "Origin";
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      refuse(res, 405, "METHOD_NOT_ALLOWED", `${path} answers GET and HEAD only`, {
        allow: "GET, HEAD",
        ...cors,
      });
      return true;
    }
    if (!/^[1-9][0-9]{0,9}$/.test(raw)) {
      refuse(res, 400, "BAD_REQUEST", `epoch must be a positive integer, got ${JSON.stringify(raw)}`, cors);
      return true;
    }
    const number = Number(raw);
    const epoch = await options.queries.epoch(number);
    if (!epoch) {
      refuse(res, 404, "EPOCH_NOT_FOUND", `epoch ${number} has not been settled`, cors);
      return true;
    }
    let text: string | null = null;
    let manifest: EpochManifest | null = null;
    try {
      if (epoch.manifest) {
        text = manifestText(epoch.manifest as Hex);
        manifest = parseManifest(text);
      }
    } catch {
      manifest = null;
    }
    if (doc === "manifest.json") {
      if (text === null) {
        refuse(res, 404, "MANIFEST_NOT_FOUND", `epoch ${number} was settled without a manifest`, cors);
        return true;
      }
      const etag = `"${epoch.inputsHash}"`;
      const headers = {
        "content-type": "application/json; charset=utf-8",
        etag,
        "cache-control": "no-cache",
        ...cors,
      };
      if (req.headers["if-none-match"] === etag) {
        res.writeHead(304, headers).end();
        return true;
      }
      const body = Buffer.from(text, "utf8");
      res.writeHead(200, { ...headers, "content-length": String(body.length) });
      res.end(req.method === "HEAD" ? undefined : body);
      return true;
    }
    if (!manifest) {
      refuse(
        res,
        404,
        "MANIFEST_NOT_FOUND",
        `epoch ${number} has no valid manifest naming its log range`,
        cors,
      );
      return true;
    }
    const etag = `"${manifest.exportHash}"`;
    const headers = {
      "content-type": "application/x-ndjson; charset=utf-8",
      etag,
      "cache-control": "no-cache",
      "x-amp-from-seq": String(manifest.fromSeq),
      "x-amp-to-seq": String(manifest.toSeq),
      ...cors,
    };
    if (req.headers["if-none-match"] === etag) {
      res.writeHead(304, headers).end();
      return true;
    }
    res.writeHead(200, headers);
    if (req.method === "HEAD") {
      res.end();
      return true;
    }
    // One slice of the range in memory at a time (keyset reads), written before the next is read.
    for await (const rows of log.batches(manifest.fromSeq, manifest.toSeq, SLICE)) {
      if (res.destroyed) return true;
      let chunk = "";
      for (const r of rows) chunk += exportLine(r);
      if (res.write(chunk)) await yieldToLoop();
      else await drained(res);
    }
    res.end();
    return true;
  };
}
