import { type ChildProcess, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import Database from "better-sqlite3";
import type { PrivateKeyAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AmpDeployment } from "#protocol";
import { ampEscrowAbi, ampSocialAbi, canonicalMessage } from "#protocol";
import { createLogger, type Logger } from "#protocol/logger.ts";
import { type FlakyProxy, startFlakyProxy } from "#test-kit/flaky-proxy.ts";
import { deploy, type HardhatNode, send, startHardhat, type Wallet } from "#test-kit/hardhat.ts";
import { sign, tempDir } from "#test-kit/helpers.ts";
import { engagementStore } from "#test-kit/stores.ts";
import { loadConfig } from "../config.ts";
import { type Db, openDb } from "../store/db.ts";
import { createSettler, settlerKey } from "./settler.ts";

/** A JSON logger whose lines land in `lines`. */
function linesLogger(lines: string[]): Logger {
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(
        ...String(chunk)
          .split("\n")
          .filter((l) => l !== ""),
      );
      done();
    },
  });
  return createLogger({ destination, level: "debug" });
}

const ROOT = join(import.meta.dirname, "..", "..", "..");

describe("settlement lease", () => {
  let node: HardhatNode;
  let d: AmpDeployment;
  let tmp: ReturnType<typeof tempDir>;
  let db: Db;
  let slow: FlakyProxy;
  let child: ChildProcess | null = null;
  const dbPath = () => join(tmp.dir, "indexer.sqlite");
  const lastEpoch = () =>
    node.publicClient.readContract({
      address: d.contracts.AMPEscrow,
      abi: ampEscrowAbi,
      functionName: "lastEpoch",
    });
  const settler = (lines: string[]) =>
    createSettler(
      loadConfig({ rpcUrl: node.url, chainId: 31337, deployment: d, dbPath: dbPath() }, { env: {} }),
      db,
      { key: settlerKey("dev", 31337) as `0x${string}`, logger: linesLogger(lines), settleEmpty: true },
    );

  beforeAll(async () => {
    tmp = tempDir("amp-lease-");
    node = await startHardhat();
    d = await deploy(node, 60);
    const [, alice] = node.wallets as [Wallet, Wallet];
    const social = (fn: string, args: unknown[]) =>
      send(
        node,
        alice.writeContract({
          address: d.contracts.AMPSocial,
          abi: ampSocialAbi,
          functionName: fn as never,
          args: args as never,
        }),
      );
    await social("createCommunity", ["general", "all"]);
    await social("publish", [1n, [], "hello", `0x${"0".repeat(64)}`, ""]);
    db = openDb(dbPath());
    const message = {
      account: alice.account.address,
      postId: 1n,
      timestamp: BigInt(Math.floor(Date.now() / 1000)),
      nonce: 1n,
    };
    const { signature } = await sign(
      alice.account as PrivateKeyAccount,
      "Like",
      message,
      31337,
      d.contracts.AMPSocial,
    );
    const json = canonicalMessage("Like", message);
    await engagementStore(db).append({
      kind: "Like",
      signer: alice.account.address.toLowerCase(),
      message: JSON.parse(json),
      json,
      signature,
      receivedAt: Math.floor(Date.now() / 1000),
    });
    slow = await startFlakyProxy({ upstream: node.url, minDelayMs: 500 });
  }, 120_000);

  afterAll(async () => {
    child?.kill("SIGKILL");
    await slow?.close();
    db?.close();
    await node?.stop();
    tmp?.cleanup();
  });

  it("replaces a settler killed mid-run within seconds, settling the epoch once", async () => {
    const deploymentFile = join(tmp.dir, "deployment.json");
    writeFileSync(deploymentFile, JSON.stringify(d));
    // node itself (not the tsx launcher, which would run the script in a second process).
    const proc = spawn(process.execPath, ["--import", "tsx", "scripts/settle-epoch.ts"], {
      cwd: ROOT,
      env: {
        ...process.env,
        AMP_RPC_URL: slow.url,
        AMP_CHAIN_ID: "31337",
        AMP_DB_PATH: dbPath(),
        AMP_DEPLOYMENT_FILE: deploymentFile,
        AMP_SETTLER_KEY: "dev",
      },
      stdio: "ignore",
    });
    child = proc;
    // Wait until the child holds the lease (it is then inside its run, slowed by the proxy).
    const watch = new Database(dbPath(), { readonly: true });
    const holder = () => {
      try {
        const row = watch.prepare("SELECT owner FROM settlement_lease WHERE id = 1").get();
        return (row as { owner: string } | undefined)?.owner;
      } catch {
        return undefined; // the child has not created the settlement tables yet
      }
    };
    const deadline = Date.now() + 60_000;
    while (!holder()?.includes(`:${proc.pid}:`)) {
      if (Date.now() > deadline) throw new Error("the child settler never took the lease");
      await new Promise((r) => setTimeout(r, 50));
    }
    proc.kill("SIGKILL");
    await new Promise((r) => proc.once("exit", r));
    expect(holder()).toContain(`${hostname()}:${proc.pid}:`);
    watch.close();

    const lines: string[] = [];
    const started = Date.now();
    const outcome = await settler(lines).runOnce();
    expect(outcome).toMatchObject({ status: "settled", epoch: 1 });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(lines.some((l) => l.includes("took over the lease") && l.includes("process gone"))).toBe(true);
    expect(await lastEpoch()).toBe(1n);
    // Nothing left: a further run does not settle anything again.
    const again = await settler([]).runOnce();
    expect(again.status).toBe("settled");
    expect(again.epoch).toBe(2);
    expect(await lastEpoch()).toBe(2n);
  }, 120_000);

  it("logs busy while another live settler holds the lease and takes an expired one over", async () => {
    const t = Math.floor(Date.now() / 1000);
    db.prepare("INSERT OR REPLACE INTO settlement_lease (id, owner, until) VALUES (1, ?, ?)").run(
      "elsewhere:1:abc",
      t + 60,
    );
    const lines: string[] = [];
    expect((await settler(lines).runOnce()).status).toBe("busy");
    expect(lines.some((l) => l.includes("busy") && l.includes("elsewhere:1:abc"))).toBe(true);

    db.prepare("UPDATE settlement_lease SET until = ?").run(t - 1);
    const later: string[] = [];
    expect((await settler(later).runOnce()).status).toBe("settled");
    expect(
      later.some(
        (l) => l.includes("took over the lease") && l.includes("elsewhere:1:abc") && l.includes("expired"),
      ),
    ).toBe(true);
  }, 60_000);
});
