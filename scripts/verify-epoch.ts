/**
 * `npm run verify-epoch -- [--graphql URL] [--rpc URL] [--epoch N]`: recomputes
 * settled epochs from public data alone, the indexer's served log exports and
 * manifests (beside its GraphQL endpoint) and the chain, and checks each
 * manifest against the on-chain inputs hash, each log against its manifest,
 * every entry's signature, and each recomputed root against the escrow's.
 * Every epoch is reported when --epoch is omitted. Nothing of the indexer's
 * files is read, so it runs from any folder.
 *
 * Defaults are the local network of `npm start`: --graphql
 * http://127.0.0.1:4000/graphql (AMP_GRAPHQL_URL), --rpc http://127.0.0.1:8545
 * (AMP_RPC_URL). Exit code 0 when every reported epoch verifies, 1 when one
 * does not, 2 when verification could not run (one line on stderr).
 */
import { parseArgs } from "node:util";
import { verifyFromPublicData } from "#indexer/settlement/public-verify.ts";
import { isAmpError } from "#protocol";

function fail(message: string): never {
  process.stderr.write(`verify-epoch: ${message}\n`);
  process.exit(2);
}

async function main() {
  let values: { graphql?: string; rpc?: string; epoch?: string };
  try {
    ({ values } = parseArgs({
      options: { graphql: { type: "string" }, rpc: { type: "string" }, epoch: { type: "string" } },
    }));
  } catch (error) {
    fail(
      `${(error as Error).message}; usage: npm run verify-epoch -- [--graphql URL] [--rpc URL] [--epoch N]`,
    );
  }
  const graphql = values.graphql ?? process.env.AMP_GRAPHQL_URL ?? "http://127.0.0.1:4000/graphql";
  const rpc = values.rpc ?? process.env.AMP_RPC_URL ?? "http://127.0.0.1:8545";
  let epochs: number[] | undefined;
  if (values.epoch !== undefined) {
    if (!/^[1-9][0-9]*$/.test(values.epoch))
      fail(`--epoch must be a positive integer, got "${values.epoch}"`);
    epochs = [Number(values.epoch)];
  }
  const checks = await verifyFromPublicData({ graphql, rpc, ...(epochs ? { epochs } : {}) });
  let ok = true;
  for (const c of checks) {
    ok &&= c.ok;
    console.log(
      c.ok
        ? `epoch ${c.epoch}: OK root ${c.root} inputs ${c.inputsHash} (${c.ms} ms)`
        : `epoch ${c.epoch}: MISMATCH ${c.problem} (on-chain root ${c.chainRoot})`,
    );
  }
  process.exit(ok ? 0 : 1);
}

main().catch((error: unknown) => {
  if (isAmpError(error)) fail(error.shortMessage);
  fail(error instanceof Error ? (error.message.split("\n")[0] ?? "failed") : String(error));
});
