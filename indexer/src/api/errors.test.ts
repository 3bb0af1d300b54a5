import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AmpError } from "#protocol";
import { createLogger } from "#protocol/logger.ts";
import { seededStore, storeApi } from "#test-kit/api.ts";
import { SOCIAL, wallets } from "#test-kit/helpers.ts";
import { createStoreAttentionService } from "../attention/store-service.ts";
import type { Db } from "../store/db.ts";
import { createQueries } from "../store/queries.ts";
import { createHttpHandler } from "./http.ts";
import type { Api } from "./yoga.ts";

const [alice] = wallets() as [ReturnType<typeof wallets>[number]];
const NOW = 1_800_000_000;

interface Answer {
  data?: unknown;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}
type Transport = (body: object) => Promise<Answer>;

/** Each case: an operation, the code and message the client must see. */
const cases: Array<{ name: string; body: object; code: string; message: string | RegExp }> = [
  {
    name: "an AmpError subclass from the attention service (ATTENTION_UNAVAILABLE)",
    body: { query: `{ reputation(account: "${SOCIAL}", community: "1") }` },
    code: "ATTENTION_UNAVAILABLE",
    message: "reputation is not available: the attention model is not running",
  },
  {
    name: "an AmpError's shortMessage, without its details",
    body: { query: `{ quote(promoter: "${SOCIAL}", community: "1", budget: "10") { views } }` },
    code: "TEST_QUOTE_REFUSED",
    message: "quote refused",
  },
  {
    name: "an EngagementError from a mutation (BAD_SIGNATURE)",
    body: {
      query: `mutation { submitMessage(kind: View, message: "not json", signature: "0x00") { seq } }`,
    },
    code: "BAD_SIGNATURE",
    message: /signature/i,
  },
  {
    name: "an API error from a scalar, keeping graphql's variable prefix",
    body: {
      query: `query($b: BigInt!) { quote(promoter: "${SOCIAL}", community: "1", budget: $b) { views } }`,
      variables: { b: "-1" },
    },
    code: "BAD_USER_INPUT",
    message: /^Variable "\$b" got invalid value "-1"; .*BigInt must be a non-negative decimal string/,
  },
  {
    name: "a plain Error, masked",
    body: { query: `{ leaderboard(community: "1") { account } }` },
    code: "INTERNAL_SERVER_ERROR",
    message: "Unexpected error.",
  },
  {
    name: "a syntax error, unchanged",
    body: { query: "{ posts(" },
    code: "GRAPHQL_PARSE_FAILED",
    message: /Syntax Error/,
  },
];

describe("GraphQL errors: an AmpError's code becomes extensions.code", () => {
  let db: Db;
  let api: Api;
  let close: () => void;
  let server: Server;
  let url: string;
  let logged = "";

  beforeAll(async () => {
    ({ db, close } = await seededStore(alice.address, 3));
    const queries = createQueries(db);
    const store = createStoreAttentionService({ queries });
    const sink = new Writable({
      write(chunk, _encoding, done) {
        logged += chunk.toString();
        done();
      },
    });
    api = storeApi(db, {
      queries,
      now: () => NOW,
      attention: {
        ...store,
        quote() {
          throw new AmpError("TEST_QUOTE_REFUSED", "quote refused", {
            details: "internal: row 42 of /var/db",
          });
        },
        leaderboard() {
          throw new Error("leaderboard exploded at /srv/internal/path");
        },
      },
      limits: { maxDepth: 8, maxCost: 3000 },
      logger: createLogger({ destination: sink }).child({ service: "api" }),
    });
    server = createServer(createHttpHandler(api, { corsOrigins: [] }));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    close();
  });

  const post = (fetchFn: (url: string, init: RequestInit) => Promise<Response>, target: () => string) =>
    (async (body) => {
      const res = await fetchFn(target(), {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      return (await res.json()) as Answer;
    }) satisfies Transport;
  const transports: Array<[string, Transport]> = [
    [
      "yoga.fetch",
      post(
        (u, init) => Promise.resolve(api.fetch(u, init)),
        () => "http://localhost/graphql",
      ),
    ],
    ["HTTP", post(fetch, () => url)],
  ];

  for (const [transport, send] of transports) {
    for (const c of cases) {
      it(`${transport}: ${c.name}`, async () => {
        const answer = await send(c.body);
        expect(answer.errors).toHaveLength(1);
        const [error] = answer.errors ?? [];
        expect(error?.extensions?.code).toBe(c.code);
        if (typeof c.message === "string") expect(error?.message).toBe(c.message);
        else expect(error?.message).toMatch(c.message);
        const raw = JSON.stringify(answer);
        expect(raw).not.toContain("/var/db");
        expect(raw).not.toContain("/srv/internal");
      });
    }
  }

  it("logs the masked error with its original message, and no AmpError", async () => {
    logged = "";
    await transports[0]?.[1]({ query: `{ leaderboard(community: "1") { account } }` });
    await transports[0]?.[1]({ query: `{ reputation(account: "${SOCIAL}", community: "1") }` });
    const lines = logged
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: "error", service: "api", path: "leaderboard" });
    expect(JSON.stringify(lines[0])).toContain("leaderboard exploded");
  });
});
