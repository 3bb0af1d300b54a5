/**
 * A whole settlement epoch at scale: 100,000 accounts, 1,000,000 engagement
 * messages (history plus one epoch with bought views for 200 campaigns),
 * loaded from an NDJSON export, then graph, reputation, payouts, cumulative
 * Merkle tree and every proof. Baseline: the same epoch computed from the
 * already-parsed entries (load excluded) and the log parse alone.
 */
import { percentile, reportBench, timeIt } from "#test-kit/bench.ts";
import { account, campaign, community, post, rng } from "../src/attention/fixtures.ts";
import { loadLogExport } from "../src/attention/load.ts";
import type { CampaignInfo, PostInfo } from "../src/attention/log.ts";
import { DEFAULT_PARAMS } from "../src/attention/params.ts";
import { computeEpoch, type EpochInputs } from "../src/settlement/epoch.ts";

const ACCOUNTS = 100_000;
const MESSAGES = 1_000_000;
const EPOCH_MESSAGES = 200_000;
const COMMUNITIES = 10;
const CAMPAIGNS = 200;
const DAY = 86_400;
const T0 = 1_750_000_000;
const r = rng(5);
const pick = (n: number) => Math.floor(r() * n);
const skewed = (n: number) => Math.floor(r() * r() * n);

const posts: PostInfo[] = [];
for (let i = 0; i < 2 * ACCOUNTS; i++) {
  posts.push(post(BigInt(i + 1), account(skewed(ACCOUNTS)), BigInt(1 + (i % COMMUNITIES)), T0));
}
const campaigns: CampaignInfo[] = [];
for (let c = 0; c < CAMPAIGNS; c++) {
  campaigns.push(
    campaign(
      BigInt(c + 1),
      BigInt(1 + pick(posts.length)),
      account(pick(ACCOUNTS)),
      10n ** 21n * BigInt(1 + pick(50)),
    ),
  );
}
const communities = Array.from({ length: COMMUNITIES }, (_, i) =>
  community(BigInt(i + 1), account(i), [account(COMMUNITIES + i)]),
);
// Founders and moderators are active members of their communities.
const seedPosts = (c: number) => posts.filter((p) => p.communityId === BigInt(c + 1)).slice(0, 2000);

const lines: string[] = [];
let seq = 0;
const line = (kind: string, message: Record<string, unknown>) => {
  lines.push(`${JSON.stringify({ seq: ++seq, kind, signer: message.account, message, signature: "0x" })}\n`);
};
const kinds = ["View", "View", "View", "Like", "Like", "Comment", "Share"] as const;
const organic = (t: number) => {
  const kind = kinds[pick(kinds.length)] ?? "View";
  const m: Record<string, unknown> = {
    account: account(pick(ACCOUNTS)),
    postId: String(1 + skewed(posts.length)),
  };
  if (kind === "View") Object.assign(m, { dwellMs: 1000 + pick(9000), campaignId: "0" });
  if (kind === "Comment") m.text = "great post";
  line(kind, { ...m, timestamp: String(t), nonce: String(seq) });
};
for (let i = 0; i < ACCOUNTS / 2; i++) {
  line("Policy", {
    account: account(i * 2),
    mode: 4,
    communities: [],
    topics: [],
    blockedPromoters: [],
    timestamp: String(T0),
    nonce: String(seq),
  });
}
for (let i = 0; i < 50_000; i++) {
  line("Follow", {
    account: account(pick(ACCOUNTS)),
    target: account(pick(ACCOUNTS)),
    follow: true,
    timestamp: String(T0),
    nonce: String(seq),
  });
}
const SEED_MESSAGES = 400;
for (let c = 0; c < COMMUNITIES; c++) {
  const targets = seedPosts(c);
  for (const seed of [account(c), account(COMMUNITIES + c)]) {
    for (let k = 0; k < SEED_MESSAGES / 2; k++) {
      const p = targets[pick(targets.length)] as PostInfo;
      line("Like", {
        account: seed,
        postId: String(p.id),
        timestamp: String(T0 + pick(60 * DAY)),
        nonce: String(seq),
      });
    }
  }
}
const historyMessages = MESSAGES - EPOCH_MESSAGES - SEED_MESSAGES * COMMUNITIES;
for (let i = 0; i < historyMessages; i++) organic(T0 + pick(60 * DAY));
const startSeq = seq;
for (let i = 0; i < EPOCH_MESSAGES / 2; i++) organic(T0 + 60 * DAY + pick(DAY));
for (let i = 0; i < EPOCH_MESSAGES / 2; i++) {
  const c = campaigns[pick(CAMPAIGNS)] as CampaignInfo;
  line("View", {
    account: account(pick(ACCOUNTS)),
    postId: String(c.postId),
    dwellMs: 2000 + pick(8000),
    campaignId: String(c.id),
    timestamp: String(T0 + 60 * DAY + pick(DAY)),
    nonce: String(seq),
  });
}
const ndjson = lines.join("");
const lineCount = lines.length;
lines.length = 0; // only the export text is kept, as an indexer would hold it
const previousCumulative = new Map<string, bigint>();
for (let i = 0; i < ACCOUNTS; i++)
  previousCumulative.set(account(i).toLowerCase(), BigInt(1 + pick(1e9)) * 10n ** 9n);

const base: Omit<EpochInputs, "entries"> = {
  epoch: 2,
  startSeq,
  endSeq: seq,
  posts,
  communities,
  campaigns,
  previousCumulative,
  previouslyPaid: new Set(),
  params: DEFAULT_PARAMS,
  blockNumber: 1000n,
  asOf: T0 + 61 * DAY,
  exportHash: `0x${"11".repeat(32)}`,
};

let last: ReturnType<typeof computeEpoch> | undefined;
const RUNS = Number(process.env.EPOCH_BENCH_RUNS ?? 3);
const whole = await timeIt(RUNS, () => {
  const entries = loadLogExport(ndjson);
  last = computeEpoch({ ...base, entries });
});
const entries = loadLogExport(ndjson);
const computeOnly = await timeIt(RUNS, () => computeEpoch({ ...base, entries }));
const loadOnly = await timeIt(RUNS, () => loadLogExport(ndjson));
if (!last) throw new Error("no result");

const median = percentile(whole, 50);
console.log(
  `epoch: ${entries.length} log entries (${lineCount} lines), whole ${median.toFixed(0)} ms ` +
    `(load ${percentile(loadOnly, 50).toFixed(0)} ms, compute ${percentile(computeOnly, 50).toFixed(0)} ms); ` +
    `${last.spends.length} campaigns spent ${last.totalSpent} wei to ${last.payouts.size} accounts; ` +
    `${last.cumulative.size} leaves, root ${last.root}`,
);
reportBench("epoch", import.meta.filename, {
  "whole epoch 100k accounts / 1M messages ms": { value: median, unit: "ms", target: "<= 10000" },
  "load NDJSON ms": { value: percentile(loadOnly, 50), unit: "ms", baseline: median },
  "compute (graph, reputation, pay, tree, proofs) ms": {
    value: percentile(computeOnly, 50),
    unit: "ms",
    baseline: median,
  },
  "accounts paid this epoch": { value: last.payouts.size, unit: "accounts" },
  "Merkle leaves": { value: last.cumulative.size, unit: "leaves" },
});
if (process.env.EPOCH_BENCH_DEBUG) {
  for (const [id, rep] of last.reputations) {
    const n = rep.nodes.length;
    let above = 0;
    let zero = 0;
    for (const s of rep.scores) {
      if (s * n >= DEFAULT_PARAMS.reputationFloor) above++;
      if (s === 0) zero++;
    }
    console.log(
      `community ${id}: ${n} nodes, ${above} above floor, ${zero} zero, ${rep.iterations} iterations`,
    );
  }
}
