/** Builds an in-process indexer against a test chain and drives it to the head. */

import { type ConfigInput, loadConfig } from "#indexer/config.ts";
import { createIndexer, type Indexer, type IndexerOptions } from "#indexer/main.ts";
import type { AmpDeployment } from "#protocol";
import { silentLogger } from "#protocol/logger.ts";

export function testIndexer(
  rpcUrl: string,
  deployment: AmpDeployment,
  dbPath: string,
  overrides: ConfigInput = {},
  options: IndexerOptions = {},
): Indexer {
  const config = loadConfig(
    {
      rpcUrl,
      chainId: 31337,
      deployment,
      dbPath,
      port: 0,
      finalityDepth: 8,
      batchBlocks: 16,
      pollIntervalMs: 50,
      rpcRetryBaseMs: 5,
      graphiql: false,
      ...overrides,
    },
    { env: {} },
  );
  return createIndexer(config, { logger: silentLogger(), ...options });
}

/** Syncs until the indexer has nothing left to read. */
export async function catchUp(indexer: Indexer): Promise<void> {
  for (let i = 0; i < 10_000; i++) {
    if (!(await indexer.follower.syncOnce())) return;
  }
  throw new Error("indexer did not catch up");
}

// biome-ignore lint/suspicious/noExplicitAny: answers are asserted by value in tests
export async function gql<T = Record<string, any>>(
  indexer: Indexer,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<T> {
  const res = await indexer.yoga.fetch("http://localhost/graphql", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: T; errors?: Array<{ message: string }> };
  if (body.errors?.length) throw new Error(`GraphQL: ${body.errors.map((e) => e.message).join("; ")}`);
  return body.data as T;
}
