/**
 * Writer failover benchmark: two writer processes (`npm run indexer -- --role
 * writer`) on one PostgreSQL database and a Hardhat node with a transaction
 * mined every ~0.1 s. The lease holder is killed with SIGKILL; the standby
 * takes the lease and resumes from the checkpoint. `failoverSeconds` is the
 * time from the kill to the log line the new writer prints when it has
 * applied its first block (both clocks are this machine's), the worst of
 * KILLS kills; after each kill the dead writer is started again as the next
 * standby. `writerAcceptingSeconds` is the worst time from a kill to the new
 * writer taking signed messages (its API listening, its URL advertised). At
 * the end the chain tables hold each event once.
 */
import pg from "pg";
import { reportBench } from "#test-kit/bench.ts";
import { startFailoverWorld } from "#test-kit/failover-world.ts";
import { type IndexerProcess, spawnIndexer } from "#test-kit/indexer-process.ts";

const KILLS = Number(process.env.BENCH_FAILOVER_KILLS ?? 4);
const BASE_PORT = 14_100 + Number(process.env.AMP_E2E_PORT_OFFSET ?? 0);
/** The default poll of a standby writer (AMP_LEASE_POLL_MS). */
const LEASE_POLL_MS = 500;

async function main() {
  const world = await startFailoverWorld();
  const processes: IndexerProcess[] = [];
  const writer = (name: string, port: number) => {
    const p = spawnIndexer(
      name,
      "writer",
      world.env(name, port, { AMP_LEASE_POLL_MS: String(LEASE_POLL_MS) }),
    );
    processes.push(p);
    return p;
  };
  const load = world.chainLoad(100);
  try {
    let holder = writer("w0", BASE_PORT);
    await holder.waitFor(/first block applied/, 120_000);
    let standby = writer("w1", BASE_PORT + 1);
    await standby.waitFor(/standby/, 120_000);
    const seconds: number[] = [];
    const accepting: number[] = [];
    for (let k = 0; k < KILLS; k++) {
      // Let the holder write for a while (a kill lands mid-stream, not at start).
      await new Promise((r) => setTimeout(r, 1500));
      const killedAt = Date.now();
      await holder.kill("SIGKILL");
      const applied = await standby.waitFor(/first block applied/, 60_000);
      const s = (Date.parse(applied.time) - killedAt) / 1000;
      seconds.push(s);
      const taking = await standby.waitFor(/taking signed messages/, 60_000);
      accepting.push((Date.parse(taking.time) - killedAt) / 1000);
      console.log(
        `kill ${k + 1}: ${holder.name} killed, ${standby.name} applied block ${applied.firstBlock as number} after ${s.toFixed(3)} s`,
      );
      const next = writer(`w${k + 2}`, BASE_PORT + ((k + 2) % 2));
      await next.waitFor(/standby/, 120_000);
      holder = standby;
      standby = next;
    }
    const mined = await load.stop();
    // The holder catches up to the head, then every event is stored exactly once.
    const head = Number(await world.node.publicClient.getBlockNumber());
    const pool = new pg.Pool({ connectionString: world.databaseUrl });
    try {
      for (let i = 0; i < 600; i++) {
        const { rows } = await pool.query<{ n: number }>("SELECT block_number AS n FROM checkpoint");
        if (Number(rows[0]?.n ?? -1) >= head) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      // Each load mint went to a fresh address: a balance other than 1 wei is an event applied twice or lost.
      const { rows } = await pool.query<{ accounts: number; wrong: number }>(
        `SELECT COUNT(*)::int AS accounts, COUNT(*) FILTER (WHERE balance <> 1)::int AS wrong
         FROM balances WHERE account LIKE '0x000000000000000000000000000000000000%'`,
      );
      const row = rows[0];
      console.log(
        `mined ${mined} mints; ${row?.accounts} load accounts indexed, ${row?.wrong} with a wrong balance`,
      );
      if (row?.accounts !== mined || row?.wrong !== 0)
        throw new Error(`chain tables disagree with the chain: ${JSON.stringify(row)} for ${mined} mints`);
    } finally {
      await pool.end();
    }
    const worstAccepting = Math.max(...accepting);
    const sorted = [...seconds].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
    const worst = sorted[sorted.length - 1] ?? Number.NaN;
    const result = reportBench("indexer-failover", import.meta.filename, {
      kills: { value: seconds.length, unit: "kills" },
      failoverSeconds: { value: Number(worst.toFixed(3)), unit: "s", target: "<= 10" },
      failoverSecondsMedian: { value: Number(median.toFixed(3)), unit: "s" },
      writerAcceptingSeconds: { value: Number(worstAccepting.toFixed(3)), unit: "s" },
      leasePollMs: { value: LEASE_POLL_MS, unit: "ms" },
    });
    console.log(JSON.stringify(result.figures));
  } finally {
    await load.stop().catch(() => 0);
    for (const p of processes) await p.kill("SIGKILL");
    await world.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
