/**
 * Settlement on either engine, on a real Hardhat chain and a real PostgreSQL
 * server: the same log settled from a SQLite store and from a PostgreSQL store
 * gives the same root, payouts and records; two settlers on one PostgreSQL
 * database (a writer and its standby) submit an epoch once, and a stalled
 * holder of the lease is never overtaken; a settler that dies after sending and
 * before recording resumes from the chain; a fresh PostgreSQL database holding
 * only the log rebuilds every settled epoch from the chain.
 */
import { join } from "node:path";
import { type Address, type Hex, type PublicClient, parseEther } from "viem";
import type { PrivateKeyAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AmpDeployment } from "#protocol";
import {
  AmpError,
  ampEscrowAbi,
  ampSocialAbi,
  ampTokenAbi,
  canonicalMessage,
  type MessageByKind,
  type MessageKind,
  PolicyMode,
} from "#protocol";
import { deploy, type HardhatNode, ROLE_WALLET, send, startHardhat, type Wallet } from "#test-kit/hardhat.ts";
import { sign, tempDir } from "#test-kit/helpers.ts";
import { mirrorToPostgres } from "#test-kit/mirror.ts";
import { type PostgresServer, startPostgres } from "#test-kit/postgres.ts";
import { engagementStore } from "#test-kit/stores.ts";
import { exportLog, exportLogFrom } from "../engagement/export.ts";
import { createChunkedExport } from "../engagement/export-chunked.ts";
import { createImpressionIssuer, impressionKey } from "../engagement/impressions.ts";
import { type Db, openDb } from "../store/db.ts";
import type { NewLogEntry } from "../store/engine/engagement-store.ts";
import { createKyselyEngagementStore } from "../store/engine/engagement-store.ts";
import { openPostgres, type StoreEngine } from "../store/engine/engine.ts";
import { createReader, sql } from "../store/queries/sql-reader.ts";
import { createSettlementJob } from "./job.ts";
import { checkLogDurability, LogMissingError } from "./log-check.ts";
import { createEpochPreview } from "./preview.ts";
import { createRebuilder } from "./rebuild.ts";
import { createSettlementStore, type StoreSource } from "./store.ts";

describe("settlement on SQLite and PostgreSQL", () => {
  let node: HardhatNode;
  let d: AmpDeployment;
  let tmp: ReturnType<typeof tempDir>;
  let db: Db;
  let server: PostgresServer;
  let url: string;
  let pg: StoreEngine;
  let w: Wallet[];
  let nonce = 1n;
  const [founder, viewer, optedOut, promoter, author] = [0, 1, 2, 3, 4];
  const addr = (i: number) => (w[i] as Wallet).account.address.toLowerCase() as Address;

  /** A signed message, appended to the SQLite log and, once mirrored, to the PostgreSQL log too. */
  let mirrored = false;
  const append = async <K extends MessageKind>(kind: K, message: MessageByKind[K]) => {
    const account = (message as { account: string }).account.toLowerCase();
    const wallet = w.find((x) => x.account.address.toLowerCase() === account) as Wallet;
    const { signature } = await sign(
      wallet.account as PrivateKeyAccount,
      kind,
      message,
      31337,
      d.contracts.AMPSocial,
    );
    const json = canonicalMessage(kind, message);
    const entry: NewLogEntry = {
      kind,
      signer: wallet.account.address.toLowerCase(),
      message: JSON.parse(json),
      json,
      signature,
      receivedAt: Date.now(),
    };
    const seq = await engagementStore(db).append(entry);
    if (mirrored) expect(await createKyselyEngagementStore(pg.db).append(entry)).toBe(seq);
  };
  const now = async () => Number((await node.publicClient.getBlock()).timestamp);
  const engage = async (kind: "Like" | "View", who: number, postId: bigint, campaignId = 0n) => {
    const base = { account: addr(who), postId, timestamp: BigInt(await now()), nonce: nonce++ };
    if (kind === "Like") await append("Like", base);
    else await append("View", { ...base, dwellMs: 5000, campaignId });
  };
  const write = (wallet: number, address: Address, abi: unknown, functionName: string, args: unknown[]) =>
    send(
      node,
      (w[wallet] as Wallet).writeContract({
        address,
        abi: abi as never,
        functionName: functionName as never,
        args: args as never,
      }),
    );
  const job = (
    store: StoreSource,
    options: { wallet?: Wallet; exportDir?: string; leaseSeconds?: number; settleEmpty?: boolean } = {},
  ) =>
    createSettlementJob({
      db: store,
      publicClient: node.publicClient as PublicClient,
      walletClient: options.wallet ?? (w[ROLE_WALLET.settler] as Wallet),
      escrow: d.contracts.AMPEscrow,
      social: d.contracts.AMPSocial,
      startBlock: BigInt(d.startBlock),
      settleEmpty: options.settleEmpty ?? false,
      ...(options.exportDir ? { exportDir: options.exportDir } : {}),
      ...(options.leaseSeconds ? { leaseSeconds: options.leaseSeconds } : {}),
    });
  const lastEpoch = async () =>
    Number(
      await node.publicClient.readContract({
        address: d.contracts.AMPEscrow,
        abi: ampEscrowAbi,
        functionName: "lastEpoch",
      }),
    );
  /** `settle` transactions the chain accepted for `epoch`. */
  const settlements = async (epoch: number) =>
    (
      await node.publicClient.getContractEvents({
        address: d.contracts.AMPEscrow,
        abi: ampEscrowAbi,
        eventName: "EpochSettled",
        args: { epoch: BigInt(epoch) },
        fromBlock: BigInt(d.startBlock),
        toBlock: "latest",
      })
    ).length;
  /** Every settlement record of a store, as both engines answer it. */
  const records = async (store: StoreSource, withStatus = true) => {
    const r = createReader(createSettlementStore(store).engine);
    return {
      runs: await r.all(
        sql`SELECT epoch, from_seq AS "fromSeq", to_seq AS "toSeq", block_number AS "blockNumber", export_hash AS "exportHash", inputs_hash AS "inputsHash", root, total_spent AS "totalSpent", manifest${withStatus ? sql`, status` : sql``} FROM settlement_runs ORDER BY epoch`,
      ),
      payouts: await r.all(
        sql`SELECT epoch, account, amount, cumulative, proof, root FROM epoch_payouts ORDER BY epoch, account`,
      ),
      campaignPayouts: await r.all(
        sql`SELECT epoch, campaign_id AS "campaignId", account, amount FROM epoch_campaign_payouts ORDER BY epoch, campaign_id, account`,
      ),
      reasons: await r.all(
        sql`SELECT epoch, campaign_id AS "campaignId", account, reason, amount FROM epoch_view_reasons ORDER BY epoch, campaign_id, account`,
      ),
    };
  };

  beforeAll(async () => {
    tmp = tempDir("amp-settlement-engines-");
    [node, server] = await Promise.all([startHardhat(), startPostgres()]);
    d = await deploy(node, 60);
    w = node.wallets;
    db = openDb(join(tmp.dir, "indexer.sqlite"));
    const social = d.contracts.AMPSocial;
    await write(founder, social, ampSocialAbi, "createCommunity", ["Makers", "things people make"]);
    for (const who of [author, viewer, optedOut])
      await write(who, social, ampSocialAbi, "publish", [
        1n,
        ["craft"],
        `hi ${who}`,
        `0x${"0".repeat(64)}`,
        "",
      ]);
    for (const p of [1n, 2n, 3n]) await engage("Like", founder, p);
    await engage("Like", viewer, 1n);
    for (const [who, mode] of [
      [viewer, PolicyMode.Everyone],
      [optedOut, PolicyMode.None],
    ] as const)
      await append("Policy", {
        account: addr(who),
        mode,
        communities: [],
        topics: [],
        blockedPromoters: [],
        timestamp: BigInt(await now()),
        nonce: nonce++,
      });
    await write(founder, d.contracts.AMPToken, ampTokenAbi, "mint", [addr(promoter), parseEther("1000")]);
    await write(promoter, d.contracts.AMPToken, ampTokenAbi, "approve", [
      d.contracts.AMPEscrow,
      parseEther("1000"),
    ]);
    await write(promoter, d.contracts.AMPEscrow, ampEscrowAbi, "amplify", [1n, parseEther("100"), 86_400n]);
    const issuer = createImpressionIssuer({
      store: engagementStore(db),
      key: impressionKey(undefined, 31337) as Hex,
      chainId: 31337,
      verifyingContract: d.contracts.AMPSocial,
    });
    const policySeq = db.prepare("SELECT seq FROM policies WHERE account = ?").pluck().get(addr(viewer));
    const t = await now();
    await issuer.issue(
      {
        viewer: addr(viewer),
        campaignId: 1n,
        postId: 1n,
        price: parseEther("1"),
        policySeq: BigInt(policySeq as number),
        expiresAt: BigInt(t + 3600),
        timestamp: BigInt(t),
      },
      t,
    );
    await engage("View", viewer, 1n, 1n);
    await engage("View", optedOut, 1n, 1n);
    await engage("View", promoter, 1n, 1n);
    await node.rpc("evm_increaseTime", [3600]);
    await node.rpc("evm_mine");
    url = await server.createDatabase("settle");
    pg = await openPostgres(url);
    await mirrorToPostgres(db, pg);
    mirrored = true;
  }, 240_000);

  afterAll(async () => {
    await pg?.close();
    await server?.stop();
    db?.close();
    await node?.stop();
    tmp?.cleanup();
  }, 60_000);

  it("settles the same log to the same root, payouts and records on either engine", async () => {
    // The same export on both engines, whole and in slices.
    const toSeq = await createSettlementStore(pg).lastSeq();
    expect(toSeq).toBeGreaterThan(5);
    const expected = exportLog(db, 1, toSeq);
    expect(await exportLogFrom(pg, 1, toSeq)).toEqual(expected);
    expect(await createChunkedExport(pg, 3)(1, toSeq)).toEqual(expected);
    // The pending epoch previewed alike.
    const blockNumber = await node.publicClient.getBlockNumber();
    const preview = (store: StoreSource) =>
      createEpochPreview({
        db: store,
        publicClient: node.publicClient as PublicClient,
        social: d.contracts.AMPSocial,
        escrow: d.contracts.AMPEscrow,
        startBlock: BigInt(d.startBlock),
        blockNumber: async () => blockNumber,
      }).current();
    const [previewSqlite, previewPg] = await Promise.all([preview(db), preview(pg)]);
    expect(previewPg).toEqual(previewSqlite);
    expect([...previewPg.payouts.values()].some((v) => v > 0n)).toBe(true);

    // Epoch 1 settled from SQLite, the chain put back, then settled from PostgreSQL at the same block.
    const snapshot = await node.rpc<string>("evm_snapshot");
    const fromSqlite = await job(db, { exportDir: join(tmp.dir, "epochs-sqlite") }).runOnce();
    const sqliteRecords = await records(db);
    await node.rpc("evm_revert", [snapshot]);
    expect(await lastEpoch()).toBe(0);
    const settler = job(pg, { exportDir: join(tmp.dir, "epochs-pg") });
    const fromPg = await settler.runOnce();
    await settler.stop();
    expect(fromSqlite.status).toBe("settled");
    expect(fromPg).toEqual({ ...fromSqlite, txHash: expect.any(String) });
    if (fromPg.status !== "settled") return;
    expect(fromPg.totalSpent).toBeGreaterThan(0n);
    const pgRecords = await records(pg);
    expect(pgRecords).toEqual(sqliteRecords);
    expect(pgRecords.payouts.length).toBeGreaterThan(0);
    expect(pgRecords.reasons.length).toBeGreaterThan(0);
    expect(pgRecords.runs).toMatchObject([{ epoch: 1, status: "settled", root: fromPg.root }]);
    // The settled range is still what the published manifest says.
    expect(await checkLogDurability(pg, { exportDir: join(tmp.dir, "epochs-pg") })).toMatchObject({
      lastSeq: toSeq,
      warnings: [],
    });
  }, 120_000);

  it("lets only one of two settlers on one PostgreSQL database submit an epoch", async () => {
    await engage("Like", optedOut, 2n);
    // The standby writer: another process's pool on the same database.
    const standby = await openPostgres(url, { max: 2 });
    try {
      const a = job(pg, { settleEmpty: true });
      const b = job(standby, { settleEmpty: true });
      const outcomes = await Promise.all([a.runOnce(), b.runOnce()]);
      await Promise.all([a.stop(), b.stop()]);
      expect(outcomes.map((o) => o.status).sort()).toEqual(["busy", "settled"]);
      expect(await lastEpoch()).toBe(2);
      expect(await settlements(2)).toBe(1);

      // A holder that stalls far past the SQLite lease's seconds is still never overtaken.
      await engage("Like", viewer, 3n);
      const held = createSettlementStore(standby).lease();
      expect(await held.acquire()).toBe(true);
      const eager = job(pg, { settleEmpty: true, leaseSeconds: 1 });
      await new Promise((r) => setTimeout(r, 2500));
      expect(await eager.runOnce()).toMatchObject({ status: "busy", epoch: 3 });
      expect(await held.renew()).toBe(true);
      await held.release();
      expect(await eager.runOnce()).toMatchObject({ status: "settled", epoch: 3 });
      await eager.stop();
      expect(await settlements(3)).toBe(1);
    } finally {
      await standby.close();
    }
  }, 120_000);

  it("passes the lease on when its holder's session ends", async () => {
    const other = await openPostgres(url, { max: 1 });
    const held = createSettlementStore(other).lease();
    expect(await held.acquire()).toBe(true);
    expect(await createSettlementStore(pg).lease().acquire()).toBe(false);
    // The holder's connection is cut (its process died): the server drops the lock with the session.
    await pg.pool?.query(
      "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND objid = $1",
      [0x414d5053],
    );
    await new Promise((r) => setTimeout(r, 200));
    expect(await held.renew()).toBe(false);
    const next = createSettlementStore(pg).lease();
    expect(await next.acquire()).toBe(true);
    await next.release();
    await held.release();
    await other.close();
  });

  it("resumes from the chain after dying between sending and recording", async () => {
    await engage("Like", author, 2n);
    const wallet = w[ROLE_WALLET.settler] as Wallet;
    // The settle transaction leaves; the process dies before it records having sent it.
    const dying = {
      ...wallet,
      writeContract: (async (args: Parameters<Wallet["writeContract"]>[0]) => {
        const hash = await wallet.writeContract(args);
        if (args.functionName === "settle") throw new AmpError("TEST_CRASH", `died after sending ${hash}`);
        return hash;
      }) as Wallet["writeContract"],
    } as Wallet;
    const crashed = job(pg, { wallet: dying, settleEmpty: true });
    await expect(crashed.runOnce()).rejects.toThrow(/died after sending/);
    await crashed.stop();
    expect(await lastEpoch()).toBe(4);
    const store = createSettlementStore(pg);
    expect((await store.run(4))?.status).toBe("computed");
    // The next settler finds epoch 4 on chain with the root it recorded, marks it settled, sends nothing.
    const next = job(pg, { settleEmpty: false });
    expect(await next.runOnce()).toMatchObject({ status: "idle", epoch: 5 });
    await next.stop();
    expect((await store.run(4))?.status).toBe("settled");
    expect(await settlements(4)).toBe(1);
  }, 120_000);

  it("rebuilds every settled epoch into a fresh PostgreSQL database holding only the log", async () => {
    const fresh = await openPostgres(await server.createDatabase("fresh"), { max: 2 });
    try {
      await mirrorToPostgres(db, fresh);
      await fresh.pool?.query(
        "TRUNCATE settlement_runs, settlement_lease, epoch_payouts, epoch_campaign_payouts, epoch_view_reasons",
      );
      const rebuilder = createRebuilder({
        db: fresh,
        publicClient: node.publicClient as PublicClient,
        escrow: d.contracts.AMPEscrow,
        social: d.contracts.AMPSocial,
        startBlock: BigInt(d.startBlock),
      });
      expect(await rebuilder.runOnce()).toEqual([1, 2, 3, 4]);
      expect(await records(fresh)).toEqual(await records(pg));
      // And the SQLite store, whose epoch 1 record stood for a transaction the chain no longer has.
      const again = createRebuilder({
        db,
        publicClient: node.publicClient as PublicClient,
        escrow: d.contracts.AMPEscrow,
        social: d.contracts.AMPSocial,
        startBlock: BigInt(d.startBlock),
      });
      expect(await again.runOnce()).toEqual([2, 3, 4]);
      expect(await records(db)).toEqual(await records(pg));
      // A PostgreSQL database restored to a point before what epoch 1 settled refuses to start.
      await fresh.pool?.query("DELETE FROM engagement_log WHERE seq > 3");
      await expect(checkLogDurability(fresh, { exportDir: join(tmp.dir, "epochs-pg") })).rejects.toThrow(
        LogMissingError,
      );
      await expect(checkLogDurability(fresh, { exportDir: join(tmp.dir, "epochs-pg") })).rejects.toThrow(
        /entries 4\.\.\d+ settled in epoch 1 are missing/,
      );
    } finally {
      await fresh.close();
    }
  }, 120_000);
});
