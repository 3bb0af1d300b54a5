import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "#test-kit/hardhat.ts";
import { SOCIAL, sign, tempDir, wallets } from "#test-kit/helpers.ts";
import { DEFAULT_PARAMS } from "../attention/params.ts";
import { exportLog } from "../engagement/export.ts";
import { writeEpochFiles } from "../settlement/epoch-files.ts";
import { encodeManifest, manifestOf } from "../settlement/manifest.ts";
import { ackMarkPath, writeAckMark } from "../store/ack-mark.ts";
import { openDb } from "../store/db.ts";
import { checkAcknowledgedLog, LogMissingError } from "./log-check.ts";

const ROOT = join(import.meta.dirname, "..", "..", "..");
type W = ReturnType<typeof wallets>[number];
const [alice, bob, carol] = wallets() as [W, W, W];

/** Starts the indexer as `npm start` does (its own process), with an RPC that is not there. */
function startIndexer(env: Record<string, string>): {
  child: ChildProcess;
  ready: Promise<string>;
  exit: Promise<{ code: number | null; stderr: string }>;
} {
  const child = spawn(process.execPath, ["--import", "tsx", "indexer/src/main.ts"], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  const lines = createInterface({ input: child.stderr as NodeJS.ReadableStream });
  const ready = new Promise<string>((resolve) => {
    lines.on("line", (l) => {
      stderr += `${l}\n`;
      const m = /api: GraphQL on (http[^"\s]+)/.exec(l);
      if (m?.[1]) resolve(m[1]);
    });
  });
  const exit = new Promise<{ code: number | null; stderr: string }>((resolve) =>
    child.once("exit", (code) => resolve({ code, stderr })),
  );
  return { child, ready, exit };
}

describe("durable acknowledgements", () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeAll(() => {
    tmp = tempDir("amp-durable-");
  });
  afterAll(() => tmp?.cleanup());

  it("refuses to start after the WAL holding acknowledged messages was deleted, naming the missing entries", async () => {
    const dbPath = join(tmp.dir, "wal", "indexer.sqlite");
    mkdirSync(join(tmp.dir, "wal"), { recursive: true });
    const deploymentFile = join(tmp.dir, "deployment.json");
    writeFileSync(
      deploymentFile,
      JSON.stringify({
        chainId: 31337,
        startBlock: 0,
        contracts: { AMPToken: SOCIAL, AMPSocial: SOCIAL, AMPEscrow: SOCIAL },
      }),
    );
    const env = {
      AMP_RPC_URL: `http://127.0.0.1:${await freePort()}`,
      AMP_CHAIN_ID: "31337",
      AMP_DEPLOYMENT_FILE: deploymentFile,
      AMP_DB_PATH: dbPath,
      AMP_PORT: "0",
      AMP_ATTENTION: "store",
    };
    const first = startIndexer(env);
    const url = await first.ready;
    const now = BigInt(Math.floor(Date.now() / 1000));
    const acked: number[] = [];
    for (let i = 0; i < 12; i++) {
      const [from, to] = (i % 2 === 0 ? [alice, bob] : [bob, carol]) as [W, W];
      const m = await sign(from, "Follow", {
        account: from.address,
        target: to.address,
        follow: i % 4 < 2,
        timestamp: now,
        nonce: BigInt(i + 1),
      });
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          query:
            "mutation($k: MessageKind!, $m: String!, $s: String!) { submitMessage(kind: $k, message: $m, signature: $s) { seq } }",
          variables: { k: "Follow", m: m.json, s: m.signature },
        }),
      });
      const body = (await res.json()) as { data?: { submitMessage: { seq: number } }; errors?: unknown };
      expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
      acked.push(body.data?.submitMessage.seq as number);
    }
    expect(acked).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    first.child.kill("SIGKILL");
    await first.exit;
    // The acknowledged entries are in the WAL, not yet checkpointed into the database file.
    expect(existsSync(`${dbPath}-wal`)).toBe(true);
    rmSync(`${dbPath}-wal`);
    rmSync(`${dbPath}-shm`, { force: true });

    const second = startIndexer(env);
    const result = await Promise.race([
      second.exit,
      second.ready.then(() => {
        second.child.kill("SIGKILL");
        return { code: -1, stderr: "started" };
      }),
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/entries 1\.\.12 were acknowledged but are missing/);
    expect(result.stderr).toContain("-wal");
  }, 60_000);

  it("refuses a log that lacks, or differs from, the range the latest epoch settled", () => {
    const dir = join(tmp.dir, "epochs-case");
    const db = openDb(join(dir, "indexer.sqlite"));
    const sig = `0x${"11".repeat(65)}`;
    const insert = db.prepare(
      "INSERT INTO engagement_log (kind, account, signer, nonce, json, signature, timestamp, received_at) VALUES ('Follow', ?, ?, ?, ?, ?, 1, 1)",
    );
    for (let i = 1; i <= 5; i++) insert.run(alice.address, alice.address, String(i), `{"n":${i}}`, sig);
    const exportDir = join(dir, "epochs");
    const settle = (toSeq: number, exportHash: `0x${string}`) =>
      writeEpochFiles(
        exportDir,
        1,
        encodeManifest(
          manifestOf({
            epoch: 1,
            periodEnd: 1,
            fromSeq: 0,
            toSeq,
            exportHash,
            factsBlock: 1,
            params: DEFAULT_PARAMS,
          }),
        ),
        "",
      );
    settle(5, exportLog(db, 1, 5).hash);
    checkAcknowledgedLog(db, { exportDir });
    settle(8, exportLog(db, 1, 5).hash);
    expect(() => checkAcknowledgedLog(db, { exportDir })).toThrow(
      /entries 6\.\.8 settled in epoch 1 are missing/,
    );
    settle(5, `0x${"ab".repeat(32)}`);
    expect(() => checkAcknowledgedLog(db, { exportDir })).toThrow(LogMissingError);
    expect(() => checkAcknowledgedLog(db, { exportDir })).toThrow(/differ from what epoch 1 settled/);
    const mark = ackMarkPath(join(dir, "indexer.sqlite"));
    writeAckMark(mark, 5);
    expect(() => checkAcknowledgedLog(db, { ackMark: mark })).not.toThrow();
    writeAckMark(mark, 9);
    expect(() => checkAcknowledgedLog(db, { ackMark: mark })).toThrow(
      /entries 6\.\.9 were acknowledged but are missing/,
    );
    db.close();
  });
});
