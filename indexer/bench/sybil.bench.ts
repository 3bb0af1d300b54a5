/**
 * Sybil attacks on the payout rules, through the real `computeEpoch`: a
 * community of 5,000 honest accounts (founder and 4 moderators as seeds, 60
 * days of organic history, 20 honest campaigns in the epoch, each viewed by a
 * random 5% of the members), and rings of sybils that engage each other at the
 * daily cap, accept every promoter and sign a View for every campaign. Each
 * scenario runs for several generator seeds; the worst figure is reported.
 *
 * - ringShare*: the ring's share of the honest campaigns' spend, for a ring of
 *   1,000 or 25 sybils with 10 likes from random honest accounts, a 25-ring
 *   with one like from a moderator, with 100 honest likes, and with 10 likes
 *   plus 100,000 filler accounts (one free view each, of ring posts).
 * - fillerPriceChange: |honest pay per paid view with the 100k fillers /
 *   without - 1|.
 * - sybilModeratorShare: the founder appoints one sybil (of a 25-ring with 10
 *   honest likes) moderator; its ring's share once the seed delay has passed.
 * - baitCampaignPaybackCampaigns: a ring member promotes its own post; 30% of
 *   the honest viewers who are paid for it also like it. Its spend divided by
 *   what the ring then earns more per honest campaign (1e9 = never).
 * - viewerTopBottomDecileRatio: honest viewers' pay per view, top reputation
 *   decile over bottom decile (of those paid).
 * - promoterZeroVsTopDecileRatio: what the same viewers cost a promoter with
 *   no reputation over one in the top reputation decile.
 * - honestViewersPaidShare (context): honest viewers of a campaign who are paid.
 */
import type { Address } from "viem";
import { reportBench } from "#test-kit/bench.ts";
import { account, campaign, community, LogBuilder, post, rng } from "../src/attention/fixtures.ts";
import type { CampaignInfo, CommunityInfo, PostInfo } from "../src/attention/log.ts";
import { DEFAULT_PARAMS } from "../src/attention/params.ts";
import { computeEpoch } from "../src/settlement/epoch.ts";

const HONEST = 5000;
const HISTORY = 150_000;
const CAMPAIGNS = 20;
const VIEW_RATE = 0.05;
const DAY = 86_400;
const T0 = 1_750_000_000;
const EPOCH_START = T0 + 60 * DAY;
const AS_OF = EPOCH_START + DAY;
const SEEDS = (process.env.SYBIL_BENCH_SEEDS ?? "1,2,3").split(",").map(Number);
const BUDGET = 10n ** 24n;
const NEVER = 1e9;

interface Ring {
  size: number;
  /** Likes from random honest accounts onto ring posts. */
  honestLikes: number;
  /** One like from a moderator onto a ring post. */
  moderatorLike?: boolean;
  fillers?: number;
  /** The founder appoints ring member 0 moderator (long enough before the epoch for the seed delay). */
  sybilModerator?: boolean;
  /** Ring member 0 runs a bait campaign in a first epoch. */
  bait?: boolean;
}

interface World {
  log: LogBuilder;
  posts: PostInfo[];
  communities: CommunityInfo[];
  honestCampaigns: CampaignInfo[];
  ring: Set<string>;
  startSeq: number;
}

const honestAccount = (i: number) => account(i);
const sybilAccount = (i: number) => account(1_000_000 + i);
const fillerAccount = (i: number) => account(2_000_000 + i);

/** The honest world (same for a given seed whatever the ring) plus the ring, up to the start of the paying epoch. */
function buildWorld(seed: number, ring: Ring | null): World & { baitSpendOf?: () => bigint } {
  const r = rng(seed);
  const pick = (n: number) => Math.floor(r() * n);
  const skewed = (n: number) => Math.floor(r() * r() * n);
  const log = new LogBuilder();
  const posts: PostInfo[] = [];
  for (let i = 0; i < 2 * HONEST; i++) posts.push(post(BigInt(i + 1), honestAccount(skewed(HONEST)), 1n, T0));
  const moderators = [1, 2, 3, 4].map(honestAccount);
  for (let i = 0; i < HONEST; i++) log.everyone(honestAccount(i), T0);
  const kinds = ["View", "View", "Like", "Like", "Comment", "Share"] as const;
  for (let k = 0; k < HISTORY; k++) {
    const kind = kinds[pick(kinds.length)] ?? "Like";
    log.engage(kind, honestAccount(pick(HONEST)), BigInt(1 + skewed(posts.length)), T0 + pick(60 * DAY));
  }
  for (const s of [honestAccount(0), ...moderators]) {
    for (let k = 0; k < 200; k++) log.engage("Like", s, BigInt(1 + pick(posts.length)), T0 + pick(60 * DAY));
  }
  const honestCampaigns: CampaignInfo[] = [];
  const campaignPosts: bigint[] = [];
  for (let c = 0; c < CAMPAIGNS; c++) {
    const postId = BigInt(1 + pick(posts.length));
    campaignPosts.push(postId);
    honestCampaigns.push(
      campaign(BigInt(c + 1), postId, honestAccount(pick(HONEST)), BUDGET, AS_OF + DAY, EPOCH_START),
    );
  }
  // The honest viewers of the epoch are drawn before the ring so every scenario shares them.
  const honestViews: [Address, bigint, bigint][] = [];
  for (const c of honestCampaigns) {
    for (let i = 0; i < HONEST; i++)
      if (r() < VIEW_RATE) honestViews.push([honestAccount(i), c.postId, c.id]);
  }

  const ringSet = new Set<string>();
  let appointedAt: Record<string, number> | undefined;
  const communityModerators: Address[] = [...moderators];
  if (ring) {
    const rr = rng(seed * 7919 + ring.size);
    const rpick = (n: number) => Math.floor(rr() * n);
    const sybils = Array.from({ length: ring.size }, (_, i) => sybilAccount(i));
    for (const s of sybils) ringSet.add(s.toLowerCase());
    const ringPost = (i: number) => BigInt(3 * HONEST + i + 1);
    for (let i = 0; i < ring.size; i++) posts.push(post(ringPost(i), sybils[i] as Address, 1n, T0));
    for (const s of sybils) log.everyone(s, T0);
    // Each sybil shares 10 other ring posts (every other one in a small ring) at the daily cap for 5 days.
    const targets = Math.min(10, ring.size - 1);
    for (let i = 0; i < ring.size; i++) {
      for (let t = 1; t <= targets; t++) {
        const j = ring.size <= 11 ? (i + t) % ring.size : (i + 1 + rpick(ring.size - 1)) % ring.size;
        for (let d = 0; d < 5; d++) {
          log.engage("Share", sybils[i] as Address, ringPost(j), T0 + (50 + d) * DAY);
          log.engage("Share", sybils[i] as Address, ringPost(j), T0 + (50 + d) * DAY + 60);
        }
      }
    }
    for (let k = 0; k < ring.honestLikes; k++)
      log.engage(
        "Like",
        honestAccount(5 + rpick(HONEST - 5)),
        ringPost(rpick(ring.size)),
        T0 + rpick(60 * DAY),
      );
    if (ring.moderatorLike) log.engage("Like", moderators[0] as Address, ringPost(0), T0 + 30 * DAY);
    for (let f = 0; f < (ring.fillers ?? 0); f++)
      log.engage("View", fillerAccount(f), ringPost(f % ring.size), T0 + rpick(60 * DAY));
    if (ring.sybilModerator) {
      communityModerators.push(sybils[0] as Address);
      // Appointed 8 days before the epoch ends: past the 7-day seed delay.
      appointedAt = { [(sybils[0] as string).toLowerCase()]: AS_OF - 8 * DAY };
    }
  }
  const communities = [{ ...community(1n, honestAccount(0), communityModerators), appointedAt }];
  const startSeq = log.seq;
  for (const [who, postId, campaignId] of honestViews)
    log.engage("View", who, postId, EPOCH_START + 3600, { campaignId, dwellMs: 5000 });
  for (const s of ringSet) {
    for (const c of honestCampaigns)
      log.engage("View", s as Address, c.postId, EPOCH_START + 7200, { campaignId: c.id, dwellMs: 5000 });
  }
  return { log, posts, communities, honestCampaigns, ring: ringSet, startSeq };
}

function epoch(world: World, campaigns: readonly CampaignInfo[], startSeq = world.startSeq, asOf = AS_OF) {
  return computeEpoch({
    epoch: 1,
    entries: world.log.entries,
    startSeq,
    endSeq: world.log.seq,
    posts: world.posts,
    communities: world.communities,
    campaigns,
    previousCumulative: new Map(),
    previouslyPaid: new Set(),
    params: DEFAULT_PARAMS,
    blockNumber: 1n,
    asOf,
    exportHash: `0x${"11".repeat(32)}`,
  });
}

/** The ring's share of the honest campaigns' spend, and honest pay per paid honest view. */
function ringShare(world: World): { share: number; honestPerView: number; ringPaid: bigint } {
  const result = epoch(world, world.honestCampaigns);
  let ringPaid = 0n;
  let total = 0n;
  let honestPaid = 0n;
  let honestViews = 0;
  for (const p of result.payments) {
    total += p.amount;
    if (world.ring.has(p.account)) ringPaid += p.amount;
    else if (p.role === "viewer") {
      honestPaid += p.amount;
      honestViews++;
    }
  }
  return {
    share: total > 0n ? Number(ringPaid) / Number(total) : 0,
    honestPerView: honestViews > 0 ? Number(honestPaid) / honestViews / 1e18 : 0,
    ringPaid,
  };
}

/** Bait: ring member 0 promotes its own post in an epoch before; 30% of its paid honest viewers like it. */
function baitPayback(seed: number): number {
  const ring: Ring = { size: 25, honestLikes: 10 };
  const without = ringShare(buildWorld(seed, ring));
  const world = buildWorld(seed, ring);
  // Rebuild the log with the bait epoch inserted before the honest epoch: the bait runs days 55-58.
  const r = rng(seed * 31 + 1);
  const baitPost = BigInt(3 * HONEST + 1);
  const bait = campaign(999n, baitPost, sybilAccount(0), BUDGET, T0 + 58 * DAY, T0 + 55 * DAY);
  const log = new LogBuilder();
  const honestEpochEntries = world.log.entries.slice(world.startSeq);
  for (const e of world.log.entries.slice(0, world.startSeq)) log.entries.push(e);
  log.seq = world.startSeq;
  const baitStart = log.seq;
  for (let i = 5; i < HONEST; i++) {
    if (r() >= VIEW_RATE * 4) continue;
    const who = honestAccount(i);
    log.engage("View", who, baitPost, T0 + 56 * DAY, { campaignId: bait.id, dwellMs: 5000 });
    if (r() < 0.3) log.engage("Like", who, baitPost, T0 + 56 * DAY + 30);
  }
  const baitWorld: World = { ...world, log, startSeq: baitStart };
  const first = epoch(baitWorld, [bait], baitStart, T0 + 58 * DAY);
  let baitSpend = 0n;
  for (const s of first.spends) baitSpend += s.amount;
  const secondStart = log.seq;
  for (const e of honestEpochEntries) log.entries.push({ ...e, seq: ++log.seq });
  const after = ringShare({ ...baitWorld, log, startSeq: secondStart });
  const gainPerCampaign = Number(after.ringPaid - without.ringPaid) / CAMPAIGNS;
  console.log(
    `  bait spent ${(Number(baitSpend) / 1e18).toFixed(2)} AMP; ring earns ${(Number(without.ringPaid) / 1e18).toFixed(3)} -> ` +
      `${(Number(after.ringPaid) / 1e18).toFixed(3)} AMP per epoch of ${CAMPAIGNS} honest campaigns`,
  );
  if (!(gainPerCampaign > 0)) return NEVER;
  return Math.min(NEVER, Number(baitSpend) / gainPerCampaign);
}

/** Pay per view of honest viewers, top decile over bottom decile by reputation; and the promoter ratio. */
function decileRatios(seed: number): { viewer: number; promoter: number; paidShare: number } {
  const world = buildWorld(seed, null);
  const result = epoch(world, world.honestCampaigns);
  const rep = result.reputations.get(1n);
  if (!rep) throw new Error("no reputation");
  const perView = new Map<string, { sum: number; n: number }>();
  for (const p of result.payments) {
    if (p.role !== "viewer") continue;
    const v = perView.get(p.account) ?? { sum: 0, n: 0 };
    v.sum += Number(p.amount);
    v.n++;
    perView.set(p.account, v);
  }
  const score = (a: string) => rep.scores[rep.index.get(a) ?? -1] ?? 0;
  const paid = [...perView.entries()].sort((a, b) => score(a[0]) - score(b[0]));
  const tenth = Math.max(1, Math.floor(paid.length / 10));
  const avg = (xs: typeof paid) => xs.reduce((s, [, v]) => s + v.sum / v.n, 0) / xs.length;
  const viewer = avg(paid.slice(-tenth)) / avg(paid.slice(0, tenth));
  const attendees = new Set(
    world.log.entries
      .slice(world.startSeq)
      .filter((e) => e.kind === "View")
      .map((e) => e.message.account.toLowerCase()),
  );
  console.log(`  honest viewers paid: ${perView.size} of ${attendees.size}`);
  const paidShare = perView.size / attendees.size;

  // The same viewers of one post, for a promoter with no reputation and for one at the top decile.
  const ranked = rep.nodes.map((a, i) => [a, rep.scores[i] as number] as const).sort((a, b) => a[1] - b[1]);
  const top = ranked[Math.floor(ranked.length * 0.95)]?.[0] as Address;
  const target = world.honestCampaigns[0] as CampaignInfo;
  const zero = campaign(101n, target.postId, account(3_000_000), BUDGET, AS_OF + DAY, EPOCH_START);
  const topCampaign = campaign(102n, target.postId, top, BUDGET, AS_OF + DAY, EPOCH_START);
  const log = new LogBuilder();
  for (const e of world.log.entries.slice(0, world.startSeq)) log.entries.push(e);
  log.seq = world.startSeq;
  const viewers = world.log.entries
    .slice(world.startSeq)
    .filter((e) => e.kind === "View" && e.message.campaignId === target.id)
    .map((e) => e.message.account);
  for (const v of viewers) {
    for (const c of [zero, topCampaign])
      log.engage("View", v, c.postId, EPOCH_START + 3600, { campaignId: c.id, dwellMs: 5000 });
  }
  const pair = epoch({ ...world, log }, [zero, topCampaign]);
  const spendOf = (id: bigint) => Number(pair.spends.find((s) => s.campaignId === id)?.amount ?? 0n);
  return { viewer, promoter: spendOf(101n) / spendOf(102n), paidShare };
}

const scenarios: Record<string, Ring> = {
  ringShareK10Ring1000: { size: 1000, honestLikes: 10 },
  ringShareK10Ring25: { size: 25, honestLikes: 10 },
  ringShareModeratorLike: { size: 25, honestLikes: 0, moderatorLike: true },
  ringShareK100: { size: 25, honestLikes: 100 },
  ringShareFillers100k: { size: 25, honestLikes: 10, fillers: 100_000 },
  sybilModeratorShare: { size: 25, honestLikes: 10, sybilModerator: true },
};

const worst: Record<string, number> = {};
const max = (k: string, v: number) => {
  worst[k] = Math.max(worst[k] ?? Number.NEGATIVE_INFINITY, v);
};
const min = (k: string, v: number) => {
  worst[k] = Math.min(worst[k] ?? Number.POSITIVE_INFINITY, v);
};
const started = performance.now();
for (const seed of SEEDS) {
  const perView: Record<string, number> = {};
  const line: string[] = [];
  for (const [name, ring] of Object.entries(scenarios)) {
    const { share, honestPerView } = ringShare(buildWorld(seed, ring));
    perView[name] = honestPerView;
    max(name, share);
    line.push(`${name} ${share.toFixed(4)}`);
  }
  const change = (perView.ringShareFillers100k as number) / (perView.ringShareK10Ring25 as number) - 1;
  max("fillerPriceChange", Math.abs(change));
  line.push(`filler price change ${change.toFixed(4)}`);
  const payback = baitPayback(seed);
  min("baitCampaignPaybackCampaigns", payback);
  line.push(`bait payback ${payback >= NEVER ? "never" : payback.toFixed(1)}`);
  const ratios = decileRatios(seed);
  min("viewerTopBottomDecileRatio", ratios.viewer);
  min("promoterZeroVsTopDecileRatio", ratios.promoter);
  min("honestViewersPaidShare", ratios.paidShare);
  line.push(`viewer decile ratio ${ratios.viewer.toFixed(2)}, promoter ratio ${ratios.promoter.toFixed(2)}`);
  console.log(`seed ${seed}: ${line.join("; ")}`);
}
console.log(`sybil: ${SEEDS.length} seeds in ${((performance.now() - started) / 1000).toFixed(1)} s`);

const share = (name: string, target: string) => ({ value: worst[name] as number, unit: "fraction", target });
reportBench("sybil", import.meta.filename, {
  ringShareK10Ring1000: share("ringShareK10Ring1000", "<= 0.01"),
  ringShareK10Ring25: share("ringShareK10Ring25", "<= 0.01"),
  ringShareModeratorLike: share("ringShareModeratorLike", "<= 0.01"),
  ringShareK100: share("ringShareK100", "<= 0.03"),
  ringShareFillers100k: share("ringShareFillers100k", "<= 0.01"),
  fillerPriceChange: share("fillerPriceChange", "<= 0.05"),
  sybilModeratorShare: share("sybilModeratorShare", "<= 0.30"),
  baitCampaignPaybackCampaigns: {
    value: worst.baitCampaignPaybackCampaigns as number,
    unit: "campaigns",
    target: ">= 50",
  },
  viewerTopBottomDecileRatio: {
    value: worst.viewerTopBottomDecileRatio as number,
    unit: "ratio",
    target: ">= 3",
  },
  promoterZeroVsTopDecileRatio: {
    value: worst.promoterZeroVsTopDecileRatio as number,
    unit: "ratio",
    target: ">= 2.5",
  },
  // Context, no target: the share of honest accounts viewing a campaign that are paid (no ring).
  honestViewersPaidShare: { value: worst.honestViewersPaidShare as number, unit: "fraction" },
});
