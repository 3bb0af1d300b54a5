/**
 * `tsx scripts/verify-epoch.ts --epoch N [--dir exports]`: recomputes epochs
 * 1..N from the published log exports and manifests and the chain, without the
 * indexer's database, and checks each root and inputs hash against AMPEscrow
 * and every exported message's signature.
 * Exit code 0 when every epoch matches.
 *
 * Environment: AMP_RPC_URL (default http://127.0.0.1:8545), AMP_DEPLOYMENT_FILE
 * (default deployments/<AMP_CHAIN_ID or 31337>.json), AMP_EPOCH_EXPORT_DIR (default
 * `epochs/` beside AMP_DB_PATH, else ./data/epochs).
 */
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { createPublicClient, http, type PublicClient } from "viem";
import { verifyEpochs } from "#indexer/settlement/verify.ts";
import { deploymentPath } from "#protocol";
import { readDeployment } from "#protocol/deployment-file.ts";

const { values } = parseArgs({
  options: { epoch: { type: "string" }, dir: { type: "string" } },
});
const rpcUrl = process.env.AMP_RPC_URL ?? "http://127.0.0.1:8545";
const chainId = Number(process.env.AMP_CHAIN_ID ?? 31337);
const deploymentFile = resolve(process.env.AMP_DEPLOYMENT_FILE ?? deploymentPath(chainId));
const deployment = readDeployment(deploymentFile);
const exportDir = resolve(
  values.dir ??
    process.env.AMP_EPOCH_EXPORT_DIR ??
    (process.env.AMP_DB_PATH ? join(dirname(process.env.AMP_DB_PATH), "epochs") : join("data", "epochs")),
);
const client = createPublicClient({ transport: http(rpcUrl) }) as PublicClient;

let epoch = values.epoch ? Number(values.epoch) : Number.NaN;
if (!Number.isInteger(epoch) || epoch < 1) {
  const { ampEscrowAbi } = await import("#protocol");
  epoch = Number(
    await client.readContract({
      address: deployment.contracts.AMPEscrow,
      abi: ampEscrowAbi,
      functionName: "lastEpoch",
    }),
  );
  if (epoch < 1) {
    console.error("verify-epoch: no epoch has been settled yet");
    process.exit(1);
  }
}

const checks = await verifyEpochs(client, {
  social: deployment.contracts.AMPSocial,
  escrow: deployment.contracts.AMPEscrow,
  startBlock: BigInt(deployment.startBlock),
  exportDir,
  epoch,
  ...(deployment.roles?.impressions ? { impressionIssuers: [deployment.roles.impressions] } : {}),
});
let ok = true;
for (const c of checks) {
  ok &&= c.ok;
  console.log(
    `epoch ${c.epoch}: ${c.ok ? "OK" : "MISMATCH"} root ${c.root}${c.root === c.chainRoot ? "" : ` (chain ${c.chainRoot})`}` +
      ` inputs ${c.inputsHash}${c.inputsHash === c.chainInputsHash ? "" : ` (chain ${c.chainInputsHash})`}` +
      `${c.exportHashOk ? "" : " (export hash or range does not match its manifest)"}` +
      `${c.badEntry ? ` (log entry #${c.badEntry.seq}: ${c.badEntry.reason})` : ""}`,
  );
}
process.exit(ok ? 0 : 1);
