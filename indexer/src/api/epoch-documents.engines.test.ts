/** An epoch's manifest and log documents served alike from SQLite and PostgreSQL (the log read in slices). */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { addr, seedChainRows } from "#test-kit/chain-rows.ts";
import { enginePairForSuite } from "#test-kit/engine-pair.ts";
import { engagementStore } from "#test-kit/stores.ts";
import { DEFAULT_PARAMS } from "../attention/params.ts";
import { exportLog } from "../engagement/export.ts";
import { encodeManifest, manifestHash, manifestHex, manifestOf } from "../settlement/manifest.ts";
import type { Db } from "../store/db.ts";
import type { NewLogEntry } from "../store/engine/engagement-store.ts";
import { epochQueries } from "../store/queries/epochs.ts";
import { createReader } from "../store/queries/sql-reader.ts";
import { createEpochDocuments } from "./epoch-documents.ts";

const ENTRIES = 2500;

async function seed(db: Db) {
  await seedChainRows(db);
  const entries: NewLogEntry[] = [];
  for (let i = 0; i < ENTRIES; i++) {
    const message = {
      account: addr(50),
      postId: String((i % 12) + 1),
      timestamp: "1700000100",
      nonce: String(1000 + i),
    };
    entries.push({
      kind: "Like",
      signer: addr(50),
      message,
      json: JSON.stringify(message),
      signature: "0x",
      receivedAt: 1_700_000_101,
    });
  }
  await engagementStore(db).appendMany(entries);
  const toSeq = (db.prepare("SELECT MAX(seq) AS n FROM engagement_log").get() as { n: number }).n;
  const text = encodeManifest(
    manifestOf({
      epoch: 20,
      periodEnd: 1_700_000_200,
      fromSeq: 0,
      toSeq,
      exportHash: exportLog(db, 1, toSeq).hash,
      factsBlock: 25,
      params: DEFAULT_PARAMS,
    }),
  );
  db.prepare(
    "INSERT INTO epoch_manifests (epoch, manifest, block_number, log_index) VALUES (20, ?, 28, 0)",
  ).run(manifestHex(text));
  db.prepare(
    "INSERT INTO epochs (epoch, root, inputs_hash, total_spent, active_at, revoked_block, block_number, log_index) VALUES (20, ?, ?, '0', 0, NULL, 28, 1)",
  ).run(`0x${"ab".repeat(32)}`, manifestHash(text));
}

describe("epoch documents on SQLite and PostgreSQL", () => {
  const pair = enginePairForSuite(seed);
  const servers: Server[] = [];
  afterAll(() => Promise.all(servers.map((s) => new Promise((done) => s.close(done)))));

  const serve = async (engine: "sqlite" | "postgres") => {
    const documents = createEpochDocuments({
      db: engine === "sqlite" ? pair.db() : pair.engine(),
      queries: epochQueries(engine === "sqlite" ? createReader(pair.db()) : createReader(pair.engine())),
      corsOrigins: [],
    });
    const server = createServer((req, res) => {
      void documents(req, res).then((served) => {
        if (!served) res.writeHead(404).end();
      });
    });
    servers.push(server);
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };

  it("serves the same manifest, log and refusals from either engine", async () => {
    const [a, b] = await Promise.all([serve("sqlite"), serve("postgres")]);
    for (const path of [
      "/epochs/20/manifest.json",
      "/epochs/20/log.ndjson",
      "/epochs/4/manifest.json",
      "/epochs/77/log.ndjson",
    ]) {
      const [x, y] = await Promise.all([fetch(a + path), fetch(b + path)]);
      const [tx, ty] = await Promise.all([x.text(), y.text()]);
      expect([y.status, y.headers.get("etag"), ty]).toEqual([x.status, x.headers.get("etag"), tx]);
    }
    const log = await (await fetch(`${b}/epochs/20/log.ndjson`)).text();
    const toSeq = (pair.db().prepare("SELECT MAX(seq) AS n FROM engagement_log").get() as { n: number }).n;
    expect(log).toBe(exportLog(pair.db(), 1, toSeq).ndjson);
    expect(log.split("\n").length - 1).toBe(toSeq);
    expect((await fetch(`${b}/epochs/77/log.ndjson`)).status).toBe(404);
  });
});
