/**
 * A real Hardhat node as a child process on a free local port, with the AMP
 * contracts deployed by the project's deploy function.
 */

import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { join } from "node:path";
import {
  type Account,
  type Chain,
  createPublicClient,
  createWalletClient,
  type Hex,
  http,
  type PublicClient,
  type Transport,
  type WalletClient,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import type { AmpDeployment } from "#protocol";
import { ampChain } from "#protocol";
import { deployAmp, LOCAL_ROLE_KEYS } from "#protocol/deploy.ts";

/** Indexes in `HardhatNode.wallets` of the local deployment's role holders. */
export const ROLE_WALLET = { settler: 5, guardian: 6, pauser: 7 } as const;

import { DEV_KEYS } from "./helpers.ts";

const ROOT = join(import.meta.dirname, "..", "..");

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export type Wallet = WalletClient<Transport, Chain, Account>;

export interface HardhatNode {
  url: string;
  chain: Chain;
  publicClient: PublicClient;
  wallets: Wallet[];
  rpc<T = unknown>(method: string, params?: unknown[]): Promise<T>;
  stop(): Promise<void>;
}

export async function startHardhat(): Promise<HardhatNode> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    join(ROOT, "node_modules", ".bin", "hardhat"),
    ["node", "--hostname", "127.0.0.1", "--port", String(port)],
    { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], detached: true },
  );
  let output = "";
  child.stdout?.on("data", (d) => {
    output += String(d);
  });
  child.stderr?.on("data", (d) => {
    output += String(d);
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

  const rpc = async <T>(method: string, params: unknown[] = []): Promise<T> => {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
    });
    const body = (await res.json()) as { result?: T; error?: { message: string } };
    if (body.error) throw new Error(`${method}: ${body.error.message}`);
    return body.result as T;
  };

  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      await rpc("eth_chainId");
      break;
    } catch {
      if (child.exitCode !== null || Date.now() > deadline) {
        throw new Error(`hardhat node did not start:\n${output.slice(-2000)}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  const chain = ampChain(31337, url);
  const publicClient = createPublicClient({ chain, transport: http(url) }) as PublicClient;
  // The development keys, then the local deployment's settler, guardian and pauser.
  const keys: Hex[] = [
    ...DEV_KEYS,
    LOCAL_ROLE_KEYS.settler,
    LOCAL_ROLE_KEYS.guardian,
    LOCAL_ROLE_KEYS.pauser,
  ];
  const wallets = keys.map((k: Hex) =>
    createWalletClient({ account: privateKeyToAccount(k), chain, transport: http(url) }),
  ) as Wallet[];
  return {
    url,
    chain,
    publicClient,
    wallets,
    rpc,
    async stop() {
      if (child.exitCode === null && child.pid) {
        try {
          process.kill(-child.pid, "SIGTERM");
        } catch {
          child.kill("SIGTERM");
        }
        await exited;
      }
    },
  };
}

export async function deploy(node: HardhatNode, challengeWindow = 60): Promise<AmpDeployment> {
  return deployAmp(node.wallets[0] as Wallet, node.publicClient, { challengeWindow });
}

/** Sends a contract write and waits until it is mined successfully. */
export async function send(node: HardhatNode, hash: Promise<Hex>): Promise<void> {
  const receipt = await node.publicClient.waitForTransactionReceipt({ hash: await hash });
  if (receipt.status !== "success") throw new Error(`transaction reverted: ${receipt.transactionHash}`);
}
