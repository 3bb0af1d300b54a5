/**
 * What the writer failover test and benchmark stand on: a throwaway
 * PostgreSQL database, a Hardhat node with the contracts deployed, the
 * deployment file the indexer processes read, the environment of an indexer
 * process with a given name and port, and a load that keeps chain events
 * coming (AMP mints, one transaction at a time) while writers die.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Address } from "viem";
import { type AmpDeployment, ampTokenAbi } from "#protocol";
import { deploy, type HardhatNode, startHardhat } from "./hardhat.ts";
import { tempDir } from "./helpers.ts";
import { type PostgresServer, startPostgres } from "./postgres.ts";

export interface FailoverWorld {
  postgres: PostgresServer;
  databaseUrl: string;
  node: HardhatNode;
  deployment: AmpDeployment;
  deploymentFile: string;
  dir: string;
  /** The AMP_* environment of an indexer process (every role shares the database). */
  env(name: string, port: number, extra?: Record<string, string>): Record<string, string>;
  /** Mints to fresh addresses, one mined transaction after another, until stopped; resolves with the count. */
  chainLoad(pauseMs?: number): { stop(): Promise<number> };
  stop(): Promise<void>;
}

export async function startFailoverWorld(): Promise<FailoverWorld> {
  const tmp = tempDir("amp-failover-");
  const postgres = await startPostgres();
  const databaseUrl = await postgres.createDatabase("amp");
  let node: HardhatNode | null = null;
  try {
    node = await startHardhat();
    const deployment = await deploy(node);
    const deploymentFile = join(tmp.dir, "deployment.json");
    writeFileSync(deploymentFile, JSON.stringify(deployment));
    const hardhat = node;
    const minter = hardhat.wallets[0] as HardhatNode["wallets"][number];
    const dataDir = (name: string) => {
      const dir = join(tmp.dir, name);
      mkdirSync(dir, { recursive: true });
      return dir;
    };
    return {
      postgres,
      databaseUrl,
      node: hardhat,
      deployment,
      deploymentFile,
      dir: tmp.dir,
      // Each process its own data folder (epoch exports, media), as on machines of their own.
      env: (name, port, extra = {}) => ({
        AMP_RPC_URL: hardhat.url,
        AMP_CHAIN_ID: "31337",
        AMP_DEPLOYMENT_FILE: deploymentFile,
        AMP_DATABASE_URL: databaseUrl,
        AMP_DB_PATH: join(dataDir(name), "indexer.sqlite"),
        AMP_MEDIA_DIR: join(dataDir(name), "media"),
        AMP_HOST: "127.0.0.1",
        AMP_PORT: String(port),
        AMP_POLL_INTERVAL_MS: "100",
        AMP_LEASE_POLL_MS: "200",
        AMP_ATTENTION: "store",
        ...extra,
      }),
      chainLoad(pauseMs = 100) {
        let running = true;
        let sent = 0;
        const loop = (async () => {
          while (running) {
            const to = `0x${(0x1000 + sent).toString(16).padStart(40, "0")}` as Address;
            const hash = await minter.writeContract({
              address: deployment.contracts.AMPToken,
              abi: ampTokenAbi,
              functionName: "mint",
              args: [to, 1n],
            });
            await hardhat.publicClient.waitForTransactionReceipt({ hash });
            sent++;
            await new Promise((r) => setTimeout(r, pauseMs));
          }
        })();
        return {
          async stop() {
            running = false;
            await loop;
            return sent;
          },
        };
      },
      async stop() {
        await hardhat.stop();
        await postgres.stop();
        tmp.cleanup();
      },
    };
  } catch (error) {
    await node?.stop();
    await postgres.stop();
    tmp.cleanup();
    throw error;
  }
}
