/**
 * Ponder indexing the three AMP contracts from block 0, on the chain and the
 * deployment the benchmark names (AMP_RPC_URL, AMP_DEPLOYMENT_FILE).
 */
import { readFileSync } from "node:fs";
import { createConfig } from "ponder";
import { http } from "viem";
import { ampEscrowAbi, ampSocialAbi, ampTokenAbi } from "../../../protocol/abi.ts";

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new TypeError(`ponder bench: ${name} is not set`);
  return value;
};
const deployment = JSON.parse(readFileSync(env("AMP_DEPLOYMENT_FILE"), "utf8")) as {
  chainId: number;
  contracts: { AMPToken: `0x${string}`; AMPSocial: `0x${string}`; AMPEscrow: `0x${string}` };
};

export default createConfig({
  database: { kind: "pglite", directory: env("AMP_PONDER_DB_DIR") },
  networks: {
    local: {
      chainId: deployment.chainId,
      // Ponder 1.0 keeps its eth_getLogs ranges when viem refuses a response over its 10 MB default
      // (dense blocks of this world pass that) and stops after 10 attempts: lift the limit.
      transport: http(env("AMP_RPC_URL"), { maxResponseBodySize: 512 * 1024 * 1024 }),
      pollingInterval: 250,
      // A local node, so no provider rate limit applies (the default is 50 requests/s).
      maxRequestsPerSecond: 10_000,
      disableCache: true,
    },
  },
  contracts: {
    AMPToken: { network: "local", abi: ampTokenAbi, address: deployment.contracts.AMPToken, startBlock: 0 },
    AMPSocial: {
      network: "local",
      abi: ampSocialAbi,
      address: deployment.contracts.AMPSocial,
      startBlock: 0,
    },
    AMPEscrow: {
      network: "local",
      abi: ampEscrowAbi,
      address: deployment.contracts.AMPEscrow,
      startBlock: 0,
    },
  },
});
