/**
 * The GraphQL API over a store-backed indexer, wired as `indexer/src/main.ts`
 * wires it, for tests and benchmarks that seed a store and query it.
 */

import type { Address } from "viem";
import { afterEach, beforeEach } from "vitest";
import { type Api, type ApiOptions, createApi } from "#indexer/api/yoga.ts";
import { createStoreAttentionService } from "#indexer/attention/store-service.ts";
import { exportLog } from "#indexer/engagement/export.ts";
import { createEngagementService } from "#indexer/engagement/submit.ts";
import { type Db, openDb } from "#indexer/store/db.ts";
import { createQueries } from "#indexer/store/queries.ts";
import { SOCIAL, seedChain, tempDir } from "./helpers.ts";
import { chainStore, engagementStore } from "./stores.ts";

/** A database in a fresh temporary folder, its chain tables seeded with `posts` posts by `author`. */
export async function seededStore(author: Address, posts: number): Promise<{ db: Db; close: () => void }> {
  const tmp = tempDir();
  const db = openDb(`${tmp.dir}/db.sqlite`);
  await seedChain(chainStore(db), author, posts);
  return {
    db,
    close: () => {
      db.close();
      tmp.cleanup();
    },
  };
}

/**
 * `createApi` over `db` on chain 31337 with every contract at `SOCIAL`: store queries, the
 * store's attention service, an engagement service on `now`, no CORS origins, no GraphiQL and
 * limits of depth 10 and cost 5000. Each given option replaces its default.
 */
export function storeApi(db: Db, options: Partial<ApiOptions> = {}): Api {
  const queries = options.queries ?? createQueries(db);
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  return createApi({
    queries,
    exportLog: (from, to) => exportLog(db, from, to),
    engagement: createEngagementService({
      store: engagementStore(db),
      chainId: 31337,
      verifyingContract: SOCIAL,
      now,
    }),
    attention: createStoreAttentionService({ queries }),
    chainId: 31337,
    deployment: {
      chainId: 31337,
      startBlock: 0,
      contracts: { AMPToken: SOCIAL, AMPSocial: SOCIAL, AMPEscrow: SOCIAL },
    },
    now,
    corsOrigins: [],
    graphiql: false,
    limits: { maxDepth: 10, maxCost: 5000 },
    ...options,
  });
}

export interface GqlAnswer {
  // biome-ignore lint/suspicious/noExplicitAny: answers are asserted by value
  data?: any;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

/** POSTs one operation to `api` through `api.fetch`, as a client would, and reads the JSON answer. */
export function gqlClient(api: () => Api) {
  return async (query: string, variables: Record<string, unknown> = {}): Promise<GqlAnswer> => {
    const res = await api().fetch("http://localhost/graphql", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query, variables }),
    });
    return (await res.json()) as GqlAnswer;
  };
}

/**
 * Registers hooks that give each test of the suite its own seeded store and API over it:
 * `setUp` may add rows to the store and returns the API's options.
 */
export function seededApiEachTest(
  author: Address,
  posts: number,
  setUp: (db: Db) => Partial<ApiOptions> | Promise<Partial<ApiOptions>>,
) {
  let store: { db: Db; close: () => void } | undefined;
  let api: Api | undefined;
  const current = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error("the seeded API exists only while a test runs");
    return value;
  };
  beforeEach(async () => {
    store = await seededStore(author, posts);
    api = storeApi(store.db, await setUp(store.db));
  });
  afterEach(() => store?.close());
  return {
    db: () => current(store).db,
    api: () => current(api),
    gql: gqlClient(() => current(api)),
  };
}
