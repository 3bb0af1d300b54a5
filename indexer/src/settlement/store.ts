/**
 * What settlement reads and writes in the store, on either engine: the run
 * records, the payouts with their proofs, per-campaign payments and view
 * reasons, the engagement log's ranges, and the settler's lease. Every query is
 * written once with Kysely's `sql` tag. Reads go through the shared read path
 * (`createReader`: cached better-sqlite3 statements on SQLite, named prepared
 * statements on PostgreSQL). A write of several statements is compiled first
 * and then run as one transaction: on SQLite synchronously on the
 * better-sqlite3 handle (nothing else on the event loop can slip a statement
 * of its own into it, such as an intake append that a rollback would undo),
 * once no Kysely transaction is open on it (`exclusiveSqlite`), on PostgreSQL
 * on one pooled connection between BEGIN and COMMIT.
 *
 * The lease: on SQLite a row in `settlement_lease` taken in an IMMEDIATE
 * transaction, lasting seconds unless renewed (as before). On PostgreSQL, where
 * a standby writer's settler may share the database from another machine, the
 * lease is a session advisory lock held on a connection of its own for the
 * whole run: the server releases it only when the holder releases it or its
 * session ends (the process died or its connection broke), never because a
 * live holder stalled, so two settlers can never both be inside a run. The
 * `settlement_lease` row is still written there, to say who holds it.
 */
import { hostname } from "node:os";
import type { Statement } from "better-sqlite3";
import type { CompiledQuery } from "kysely";
import type pg from "pg";
import type { Logger } from "#protocol/logger.ts";
import type { Db } from "../store/db.ts";
import {
  type EngineKind,
  exclusiveSqlite,
  type StoreEngine,
  StoreEngineError,
} from "../store/engine/engine.ts";
import { createLogRange, engineOf, type LogRow, readerOf, type StoreSource } from "../store/log-range.ts";
import { type RawBuilder, sql } from "../store/queries/sql-reader.ts";
import type { EpochResult } from "./epoch.ts";
import { paidKey } from "./payouts.ts";

export type { LogRow, StoreSource } from "../store/log-range.ts";
export { engineOf } from "../store/log-range.ts";

export interface RunRow {
  epoch: number;
  fromSeq: number;
  toSeq: number;
  blockNumber: number;
  exportHash: string;
  inputsHash: string;
  root: string | null;
  totalSpent: string;
  /** The manifest text sent with the root. */
  manifest: string | null;
  status: "computed" | "sent" | "settled";
  txHash: string | null;
}

export interface RunFields {
  fromSeq: number;
  toSeq: number;
  blockNumber: number;
  exportHash: string;
  inputsHash: string;
  root: string;
  totalSpent: string;
  manifest: string;
}

/** The latest settled epoch that the chain has not revoked, with the block time it settled at. */
export interface LastSettled {
  epoch: number;
  toSeq: number;
  settledAt: number | null;
}

export interface SettlerLease {
  /** Takes the lease when free (or expired, or held by a dead process of this host); false when busy. */
  acquire(): Promise<boolean>;
  /** Whether this settler still holds the lease (extending it on SQLite). */
  renew(): Promise<boolean>;
  release(): Promise<void>;
}

export interface SettlementStore {
  kind: EngineKind;
  engine: StoreEngine;
  run(epoch: number): Promise<RunRow | undefined>;
  countPayouts(epoch: number): Promise<number>;
  markSent(epoch: number, txHash: string): Promise<void>;
  markSettled(epoch: number): Promise<void>;
  /** The highest seq of the engagement log (0 when empty). */
  lastSeq(): Promise<number>;
  /** Log entries afterSeq < seq <= toSeq in seq order, in batches of at most `batch`. */
  logBatches(afterSeq: number, toSeq: number, batch?: number): AsyncGenerator<LogRow[]>;
  /** Cumulative amounts per account after `epoch` (none for epoch 0). */
  cumulativeAfter(epoch: number): Promise<Map<string, bigint>>;
  /** `paidKey`s of viewers paid by epochs before `epoch`. */
  paidBefore(epoch: number): Promise<Set<string>>;
  /** Replaces epoch `epoch` and drops every later one (their trees continue this one), in one transaction. */
  persist(
    epoch: number,
    result: Omit<EpochResult, "reputations">,
    fields: RunFields,
    settled?: boolean,
  ): Promise<void>;
  /** Drops epoch `epoch` and later ones (a computation that is not posted). */
  discard(epoch: number): Promise<void>;
  lastSettled(): Promise<LastSettled | undefined>;
  /** The last indexed block (-1 before the first). */
  head(): Promise<number>;
  lease(options?: { seconds?: number; logger?: Logger }): SettlerLease;
}

/** Rows per multi-row INSERT: far under either engine's parameter limit. */
const ROWS_PER_INSERT = 500;
/** How long (seconds) a SQLite lease lasts unless renewed. */
const LEASE_SECONDS = 15;
/** The advisory lock every settler on a PostgreSQL database contends for ("AMPS"). */
export const SETTLER_LOCK_KEY = 0x414d5053;

const now = () => Math.floor(Date.now() / 1000);

/** Whether a lease owner (`host:pid:random`) is a process of this host that no longer exists. */
function ownerIsDead(leaseOwner: string): boolean {
  const [host, pid] = leaseOwner.split(":");
  if (host !== hostname() || !/^[0-9]+$/.test(pid ?? "") || Number(pid) === process.pid) return false;
  try {
    process.kill(Number(pid), 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
}

function values(rows: unknown[][]): RawBuilder<unknown> {
  return sql.join(rows.map((r) => sql`(${sql.join(r)})`));
}

/** Rows for one table, inserted as one step of a transaction. */
interface Insert {
  table: string;
  columns: string[];
  rows: unknown[][];
}
type Step = RawBuilder<unknown> | Insert;
const isInsert = (step: Step): step is Insert => "rows" in step && "table" in step;
const insertInto = (table: string, columns: string[], rows: RawBuilder<unknown>) =>
  sql`INSERT INTO ${sql.table(table)} (${sql.join(columns.map((c) => sql.ref(c)))}) VALUES ${rows}`;

export function createSettlementStore(source: StoreSource): SettlementStore {
  const engine = engineOf(source);
  const reader = readerOf(engine);
  const log = createLogRange(engine);
  const compile = (q: RawBuilder<unknown>) => q.compile(engine.db);

  /**
   * Runs statements as one transaction (see the file's comment). Rows to insert go in as one
   * prepared single-row statement per row on SQLite (what better-sqlite3 runs fastest) and as
   * multi-row statements on PostgreSQL (one round trip per few hundred rows).
   */
  let atomically: (steps: Step[]) => Promise<void>;
  if (engine.kind === "sqlite") {
    const db = engine.sqlite as Db;
    const cache = new Map<string, Statement<unknown[]>>();
    const stmt = (text: string) => {
      let s = cache.get(text);
      if (!s) {
        s = db.prepare<unknown[]>(text);
        cache.set(text, s);
      }
      return s;
    };
    type Compiled = { text: string; rows: unknown[][] };
    const tx = db.transaction((compiled: Compiled[]) => {
      for (const c of compiled) {
        const s = stmt(c.text);
        for (const row of c.rows) s.run(...row);
      }
    });
    atomically = async (steps) => {
      const compiled: Compiled[] = [];
      for (const step of steps) {
        if (!isInsert(step)) {
          const q = compile(step);
          compiled.push({ text: q.sql, rows: [q.parameters as unknown[]] });
        } else if (step.rows.length > 0) {
          const one = compile(insertInto(step.table, step.columns, values([step.rows[0] as unknown[]])));
          compiled.push({ text: one.sql, rows: step.rows });
        }
      }
      await exclusiveSqlite(engine, () => tx(compiled));
    };
  } else {
    const pool = engine.pool;
    if (!pool) throw new StoreEngineError("STORE_ENGINE_INVALID", "a PostgreSQL engine without a pool");
    atomically = async (steps) => {
      const queries: CompiledQuery[] = [];
      for (const step of steps) {
        if (!isInsert(step)) queries.push(compile(step));
        else
          for (let i = 0; i < step.rows.length; i += ROWS_PER_INSERT)
            queries.push(
              compile(insertInto(step.table, step.columns, values(step.rows.slice(i, i + ROWS_PER_INSERT)))),
            );
      }
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        for (const q of queries) await client.query(q.sql, q.parameters as unknown[]);
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    };
  }
  const exec = (q: RawBuilder<unknown>) => atomically([q]);

  /** The statements that drop epoch `epoch`'s results and later ones. */
  const dropFrom = (epoch: number) => [
    sql`DELETE FROM epoch_payouts WHERE epoch >= ${epoch}`,
    sql`DELETE FROM epoch_campaign_payouts WHERE epoch >= ${epoch}`,
    sql`DELETE FROM epoch_view_reasons WHERE epoch >= ${epoch}`,
  ];

  async function persist(
    epoch: number,
    result: Omit<EpochResult, "reputations">,
    fields: RunFields,
    settled = false,
  ): Promise<void> {
    const t = now();
    const statements: Step[] = [sql`DELETE FROM settlement_runs WHERE epoch > ${epoch}`];
    statements.push(...dropFrom(epoch));
    // One reason per (campaign, account, epoch): the last decision wins, as INSERT OR REPLACE did.
    const reasons = new Map<string, unknown[]>();
    for (const d of result.decisions) {
      const account = d.account.toLowerCase();
      reasons.set(`${d.campaignId}:${account}`, [
        epoch,
        Number(d.campaignId),
        account,
        d.reason,
        d.amount.toString(),
      ]);
    }
    statements.push({
      table: "epoch_view_reasons",
      columns: ["epoch", "campaign_id", "account", "reason", "amount"],
      rows: [...reasons.values()],
    });
    const payoutRows: unknown[][] = [];
    for (const [account, cumulative] of result.cumulative)
      payoutRows.push([
        epoch,
        account,
        (result.payouts.get(account) ?? 0n).toString(),
        cumulative.toString(),
        JSON.stringify(result.proofs.get(account) ?? []),
        result.root,
      ]);
    statements.push({
      table: "epoch_payouts",
      columns: ["epoch", "account", "amount", "cumulative", "proof", "root"],
      rows: payoutRows,
    });
    const perCampaign = new Map<string, bigint>();
    for (const p of result.payments) {
      const key = `${p.campaignId}:${p.account}`;
      perCampaign.set(key, (perCampaign.get(key) ?? 0n) + p.amount);
    }
    const campaignRows = [...perCampaign].map(([key, amount]) => {
      const [campaignId, account] = key.split(":") as [string, string];
      return [epoch, Number(campaignId), account, amount.toString()];
    });
    statements.push({
      table: "epoch_campaign_payouts",
      columns: ["epoch", "campaign_id", "account", "amount"],
      rows: campaignRows,
    });
    const f = fields;
    statements.push(
      sql`INSERT INTO settlement_runs (epoch, from_seq, to_seq, block_number, export_hash, inputs_hash, root, total_spent, manifest, status, tx_hash, updated_at)
       VALUES (${epoch}, ${f.fromSeq}, ${f.toSeq}, ${f.blockNumber}, ${f.exportHash}, ${f.inputsHash}, ${f.root}, ${f.totalSpent}, ${f.manifest}, ${settled ? "settled" : "computed"}, NULL, ${t})
       ON CONFLICT (epoch) DO UPDATE SET from_seq = excluded.from_seq, to_seq = excluded.to_seq,
         block_number = excluded.block_number, export_hash = excluded.export_hash, inputs_hash = excluded.inputs_hash,
         root = excluded.root, total_spent = excluded.total_spent, manifest = excluded.manifest, status = excluded.status, tx_hash = NULL, updated_at = excluded.updated_at`,
    );
    await atomically(statements);
  }

  function sqliteLease(seconds: number, logger: Logger | undefined): SettlerLease {
    const db = engine.sqlite as Db;
    const owner = `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2)}`;
    const leaseRow = db.prepare("SELECT owner, until FROM settlement_lease WHERE id = 1");
    const takeStmt = db.prepare(
      `INSERT INTO settlement_lease (id, owner, until) VALUES (1, @owner, @until)
       ON CONFLICT (id) DO UPDATE SET owner = @owner, until = @until`,
    );
    const renewStmt = db.prepare("UPDATE settlement_lease SET until = ? WHERE id = 1 AND owner = ?");
    const releaseStmt = db.prepare("DELETE FROM settlement_lease WHERE owner = ?");
    // IMMEDIATE: two settlers reading the same stale lease cannot both take it.
    const take = db.transaction((): boolean => {
      const t = now();
      const held = leaseRow.get() as { owner: string; until: number } | undefined;
      if (held && held.owner !== owner) {
        const dead = ownerIsDead(held.owner);
        if (held.until >= t && !dead) {
          logger?.info(
            { holder: held.owner, remainingSeconds: held.until - t },
            "settlement: busy, the lease is held",
          );
          return false;
        }
        logger?.warn(
          { previous: held.owner, reason: dead ? "process gone" : "expired", expiredSeconds: t - held.until },
          "settlement: took over the lease",
        );
      }
      takeStmt.run({ owner, until: t + seconds });
      return true;
    });
    return {
      acquire: () => exclusiveSqlite(engine, () => take.immediate()),
      renew: () => exclusiveSqlite(engine, () => renewStmt.run(now() + seconds, owner).changes > 0),
      release: async () => {
        await exclusiveSqlite(engine, () => releaseStmt.run(owner));
      },
    };
  }

  function postgresLease(logger: Logger | undefined): SettlerLease {
    const pool = engine.pool as pg.Pool;
    const owner = `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2)}`;
    let client: pg.PoolClient | null = null;
    let broken = false;
    const onError = () => {
      broken = true;
    };
    return {
      async acquire() {
        if (client && !broken) return true;
        const c = await pool.connect();
        c.on("error", onError);
        try {
          const { rows } = await c.query<{ ok: boolean }>("SELECT pg_try_advisory_lock($1) AS ok", [
            SETTLER_LOCK_KEY,
          ]);
          if (!rows[0]?.ok) {
            const held = (await c.query<{ owner: string }>("SELECT owner FROM settlement_lease WHERE id = 1"))
              .rows[0];
            logger?.info({ holder: held?.owner ?? null }, "settlement: busy, the lease is held");
            c.off("error", onError);
            c.release();
            return false;
          }
          await c.query(
            "INSERT INTO settlement_lease (id, owner, until) VALUES (1, $1, $2) ON CONFLICT (id) DO UPDATE SET owner = excluded.owner, until = excluded.until",
            [owner, now()],
          );
        } catch (error) {
          c.off("error", onError);
          c.release(true);
          throw error;
        }
        broken = false;
        client = c;
        return true;
      },
      async renew() {
        if (!client || broken) return false;
        try {
          await client.query("SELECT 1");
          return true;
        } catch {
          broken = true;
          return false;
        }
      },
      async release() {
        const c = client;
        client = null;
        if (!c) return;
        c.off("error", onError);
        if (broken) {
          // The session is gone, and its lock with it.
          c.release(true);
          return;
        }
        try {
          await c.query("DELETE FROM settlement_lease WHERE owner = $1", [owner]);
          await c.query("SELECT pg_advisory_unlock($1)", [SETTLER_LOCK_KEY]);
          c.release();
        } catch {
          c.release(true);
        }
      },
    };
  }

  return {
    kind: engine.kind,
    engine,
    run: (epoch) =>
      reader.get<RunRow>(
        sql`SELECT epoch, from_seq AS "fromSeq", to_seq AS "toSeq", block_number AS "blockNumber", export_hash AS "exportHash", inputs_hash AS "inputsHash", root, total_spent AS "totalSpent", manifest, status, tx_hash AS "txHash" FROM settlement_runs WHERE epoch = ${epoch}`,
      ),
    countPayouts: async (epoch) =>
      Number(
        (await reader.get<{ n: number }>(sql`SELECT COUNT(*) AS n FROM epoch_payouts WHERE epoch = ${epoch}`))
          ?.n ?? 0,
      ),
    markSent: (epoch, txHash) =>
      exec(
        sql`UPDATE settlement_runs SET status = 'sent', tx_hash = ${txHash}, updated_at = ${now()} WHERE epoch = ${epoch}`,
      ),
    markSettled: (epoch) =>
      exec(sql`UPDATE settlement_runs SET status = 'settled', updated_at = ${now()} WHERE epoch = ${epoch}`),
    lastSeq: log.lastSeq,
    logBatches: log.batches,
    async cumulativeAfter(epoch) {
      const out = new Map<string, bigint>();
      const rows = await reader.all<{ account: string; cumulative: string | number }>(
        sql`SELECT account, cumulative FROM epoch_payouts WHERE epoch = ${epoch}`,
      );
      for (const row of rows) out.set(row.account, BigInt(row.cumulative));
      return out;
    },
    async paidBefore(epoch) {
      const rows = await reader.all<{ campaignId: number; account: string }>(
        sql`SELECT campaign_id AS "campaignId", account FROM epoch_campaign_payouts WHERE epoch < ${epoch}`,
      );
      return new Set(rows.map((r) => paidKey(BigInt(r.campaignId), r.account)));
    },
    persist,
    discard: (epoch) =>
      atomically([sql`DELETE FROM settlement_runs WHERE epoch > ${epoch - 1}`, ...dropFrom(epoch)]),
    lastSettled: () =>
      reader.get<LastSettled>(
        sql`SELECT r.epoch, r.to_seq AS "toSeq", b.timestamp AS "settledAt" FROM settlement_runs r
          JOIN epochs e ON e.epoch = r.epoch AND e.revoked_block IS NULL
          LEFT JOIN blocks b ON b.number = e.block_number
          WHERE r.status = 'settled' ORDER BY r.epoch DESC LIMIT 1`,
      ),
    head: async () =>
      Number(
        (
          await reader.get<{ n: number }>(
            sql`SELECT COALESCE((SELECT block_number FROM checkpoint WHERE id = 1), -1) AS n`,
          )
        )?.n ?? -1,
      ),
    lease: (options = {}) =>
      engine.kind === "sqlite"
        ? sqliteLease(options.seconds ?? LEASE_SECONDS, options.logger)
        : postgresLease(options.logger),
  };
}
