/**
 * Hostile GraphQL requests (from an attack on a running indexer) and a monitor
 * of how long the event loop was held while each was answered.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createHttpHandler } from "#indexer/api/http.ts";
import type { Api } from "#indexer/api/yoga.ts";
import type { Db } from "#indexer/store/db.ts";
import { engagementStore } from "./stores.ts";

export interface HostileRequest {
  name: string;
  body: string;
  contentType?: string;
}

const json = (query: string, variables?: Record<string, unknown>) => JSON.stringify({ query, variables });

/** Every request here must be refused with a code, or answered, without holding the loop. */
export function hostileRequests(): HostileRequest[] {
  const fanOut = (levels: number, leaf: string) => {
    const defs = [`fragment F0 on Query { ${leaf} }`];
    for (let i = 1; i <= levels; i++) defs.push(`fragment F${i} on Query { ...F${i - 1} ...F${i - 1} }`);
    return `query { ...F${levels} } ${defs.join(" ")}`;
  };
  const aliases = (n: number, field: string) =>
    `{ ${Array.from({ length: n }, (_, i) => `a${i}: ${field}`).join(" ")} }`;
  return [
    { name: "fragment fan-out, 26 levels (1 KB)", body: json(fanOut(26, "indexerStatus { logSize }")) },
    {
      name: "fragment fan-out with object fields (1.1 KB)",
      body: json(fanOut(24, "posts(first: 100) { edges { node { id text likes views } } }")),
    },
    {
      name: "400 aliased logExport (18 KB)",
      body: json(aliases(400, "logExport(fromSeq: 1, toSeq: 10000) { ndjson }")),
    },
    {
      name: "200 aliased logExport",
      body: json(aliases(200, "logExport(fromSeq: 1, toSeq: 10000) { hash }")),
    },
    {
      name: "20 aliased full logExport",
      body: json(aliases(20, "logExport(fromSeq: 1, toSeq: 10000) { ndjson }")),
    },
    {
      name: "one full logExport",
      body: json("{ logExport(fromSeq: 1, toSeq: 10000) { count hash ndjson } }"),
    },
    {
      name: "logExport range from variables",
      body: json(
        "query($a: Int!, $b: Int!) { x: logExport(fromSeq: $a, toSeq: $b) { ndjson } y: logExport(fromSeq: $a, toSeq: $b) { ndjson } }",
        { a: 1, b: 10000 },
      ),
    },
    { name: "300 aliased __schema", body: json(aliases(300, "__schema { types { name fields { name } } }")) },
    {
      name: "10 aliased __schema",
      body: json(aliases(10, "__schema { types { name fields { name args { name } } } }")),
    },
    {
      name: "2,000 nested selections",
      body: json(`{ ${"posts { edges { node { ".repeat(1)}${"{".repeat(2000)}${"}".repeat(2000)} } } } }`),
    },
    {
      name: "2,000 nested list values",
      body: json(`{ post(id: ${"[".repeat(2000)}1${"]".repeat(2000)}) { id } }`),
    },
    {
      name: "1,000 nested inline fragments",
      body: json(`{ ${"... on Query { ".repeat(1000)}indexerStatus { logSize }${" }".repeat(1000)} }`),
    },
    { name: "6,000 tokens", body: json(`{ indexerStatus { ${"logSize ".repeat(6000)} } }`) },
    {
      name: "nested pages (100 x 100)",
      body: json(
        "{ posts(first: 100) { edges { node { comments(first: 100) { edges { node { text } } } } } } }",
      ),
    },
    {
      name: "largest allowed page of messages",
      body: json(
        "{ messages(first: 100) { edges { cursor node { seq kind account signer message signature timestamp receivedAt } } } }",
      ),
    },
    { name: "syntax error", body: json("{ posts { ") },
    { name: "bad variable", body: json("query($n: Int!) { epoch(number: $n) { root } }", { n: "x" }) },
    { name: "60 KB of whitespace", body: json(`{ indexerStatus { logSize } ${" ".repeat(60_000)}}`) },
    { name: "body over 64 KB", body: "x".repeat(70_000) },
    { name: "text/plain body", body: "{ indexerStatus { logSize } }", contentType: "text/plain" },
  ];
}

/** Largest gap between 1 ms ticks since `start()`: how long the loop was held at most. */
export function blockMonitor() {
  let last = performance.now();
  let worst = 0;
  const timer = setInterval(() => {
    const t = performance.now();
    worst = Math.max(worst, t - last - 1);
    last = t;
  }, 1);
  return {
    start() {
      last = performance.now();
      worst = 0;
    },
    /** The worst gap since `start()`, in ms. */
    read: () => Math.max(worst, performance.now() - last - 1),
    stop: () => clearInterval(timer),
  };
}

export async function serve(api: Api, corsOrigins: string[] = []): Promise<{ url: string; server: Server }> {
  const server = createServer(createHttpHandler(api, { corsOrigins }));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/graphql`, server };
}

export async function post(url: string, r: HostileRequest) {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": r.contentType ?? "application/json" },
    body: r.body,
  });
  const text = await res.text();
  let body: { data?: unknown; errors?: Array<{ message: string; extensions?: { code?: string } }> } = {};
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: the caller's assertion on `body.errors` reports it
  }
  return { status: res.status, body, bytes: text.length };
}

/** Appends `n` log entries (unsigned: the store takes verified entries as given) in one transaction. */
export async function fillLog(db: Db, n: number, accounts = 500): Promise<void> {
  const store = engagementStore(db);
  const sig = `0x${"11".repeat(65)}`;
  const entries = Array.from({ length: n }, (_, i) => {
    const account = `0x${(0x100000 + (i % accounts)).toString(16).padStart(40, "0")}`;
    const message = {
      account,
      postId: String((i % 20) + 1),
      dwellMs: "3000",
      campaignId: "0",
      timestamp: String(1_700_000_000 + i),
      nonce: String(i + 1),
    };
    return {
      kind: "View" as const,
      signer: account,
      message,
      json: JSON.stringify(message),
      signature: sig,
      receivedAt: 1_700_000_000 + i,
    };
  });
  await store.appendMany(entries);
}
