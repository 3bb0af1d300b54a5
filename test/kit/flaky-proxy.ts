/**
 * A local JSON-RPC proxy that misbehaves on purpose: it resets some
 * connections, answers some requests with HTTP 503 and delays others, and on
 * demand refuses everything with a chosen HTTP status. The
 * choice is driven by a seeded generator so a run is reproducible.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { rng } from "#indexer/attention/fixtures.ts";

export interface FlakyOptions {
  upstream: string;
  seed?: number;
  dropRate?: number;
  errorRate?: number;
  delayRate?: number;
  /** Delay range in ms for delayed requests; `minDelayMs` applies to every request. */
  maxDelayMs?: number;
  minDelayMs?: number;
  /** Refuse eth_getLogs spanning more blocks than this, as hosted RPCs do. */
  maxLogRange?: number;
}

export interface FlakyProxy {
  url: string;
  stats: { forwarded: number; dropped: number; failed: number; delayed: number; refused: number };
  /** Answers every request with this HTTP status (as a provider refusing a key) until set back to null. */
  refuseWith(status: number | null): void;
  close(): Promise<void>;
}

export async function startFlakyProxy(options: FlakyOptions): Promise<FlakyProxy> {
  const random = rng(options.seed ?? 42);
  const stats = { forwarded: 0, dropped: 0, failed: 0, delayed: 0, refused: 0 };
  let refusal: number | null = null;
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    if (refusal !== null) {
      stats.refused++;
      res.writeHead(refusal, { "content-type": "text/plain" }).end("forbidden: key not allowed");
      return;
    }
    if (options.maxLogRange !== undefined) {
      const call = JSON.parse(Buffer.concat(chunks).toString("utf8")) as {
        id: number;
        method: string;
        params: Array<{ fromBlock: string; toBlock: string }>;
      };
      const filter = call.params?.[0];
      if (call.method === "eth_getLogs" && filter) {
        const span = Number(BigInt(filter.toBlock) - BigInt(filter.fromBlock)) + 1;
        if (span > options.maxLogRange) {
          stats.refused++;
          const error = {
            code: -32602,
            message: `block range ${span} exceeds the limit of ${options.maxLogRange}`,
          };
          res
            .writeHead(200, { "content-type": "application/json" })
            .end(JSON.stringify({ jsonrpc: "2.0", id: call.id, error }));
          return;
        }
      }
    }
    const roll = random();
    const drop = options.dropRate ?? 0;
    const fail = drop + (options.errorRate ?? 0);
    const delay = fail + (options.delayRate ?? 0);
    if (roll < drop) {
      stats.dropped++;
      req.socket.destroy();
      return;
    }
    if (roll < fail) {
      stats.failed++;
      res.writeHead(503, { "content-type": "text/plain" }).end("unavailable");
      return;
    }
    let wait = options.minDelayMs ?? 0;
    if (roll < delay) {
      stats.delayed++;
      wait += Math.floor(random() * (options.maxDelayMs ?? 50));
    }
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    try {
      const upstream = await fetch(options.upstream, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: Buffer.concat(chunks),
      });
      stats.forwarded++;
      res.writeHead(upstream.status, { "content-type": "application/json" }).end(await upstream.text());
    } catch {
      res.writeHead(502).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stats,
    refuseWith: (status) => {
      refusal = status;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
