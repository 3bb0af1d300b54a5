/**
 * Campaign delivery (issue 19): the 100,000-account / 1,000,000-message world
 * (10 communities with founders and moderators, 200,000 posts, policies,
 * follows), 200 concurrent campaigns of varied budgets (20 of them quoting
 * 100 views) started over two days with lives of one to four days, and a
 * week of simulated stream requests from a pool of active viewers (a tenth of
 * the accounts, about six requests each per day). People belong to a home
 * community, where they post and do most of their attending, and each chose a
 * policy when joining (everyone, their home community, a topic, or friends).
 * Every request goes through the real pieces: the live model's organic page,
 * the impression allocator, an Impression per amplified item and the View
 * receipts of viewers who dwell, replayed by the impression ledger that
 * settlement uses. Quotes are the allocator's forecast over the active
 * audience at the campaign's start (`forecastDelivery`: the budget at the
 * audience's bid-weighted mean bid, one view per eligible viewer), as the
 * service's quote computes it.
 *
 * Figures: `deliveryRatio` (paid views / quoted views, median over campaigns
 * whose audience suffices), `deliveryRatioP10`, `liftMedian` (impressions /
 * organic impressions of the same post, campaigns quoting 100 views),
 * `unspentAtExpiryMedian` (share of budget), `overDeliveryMax` (views paid
 * beyond budget).
 */
import { percentile, reportBench } from "#test-kit/bench.ts";
import {
  type AllocatorCampaign,
  allocate,
  eligibleBid,
  forecastDelivery,
} from "../src/attention/allocator.ts";
import { account, community, post, rng } from "../src/attention/fixtures.ts";
import { ImpressionLedger } from "../src/attention/impression-ledger.ts";
import type { LogEntry, PostInfo } from "../src/attention/log.ts";
import { AttentionModel } from "../src/attention/model.ts";
import { DEFAULT_PARAMS } from "../src/attention/params.ts";
import { viewPrice } from "../src/attention/pricing.ts";
import { addJoiningHistory } from "./world-history.ts";

const ACCOUNTS = Number(process.env.DELIVERY_BENCH_ACCOUNTS ?? 100_000);
const MESSAGES = ACCOUNTS * 10;
const POSTS = ACCOUNTS * 2;
const COMMUNITIES = 10;
const CAMPAIGNS = 200;
const QUOTING_100 = 20;
/** Active viewers over the simulated week (a tenth of the accounts). */
const POOL = Number(process.env.DELIVERY_BENCH_POOL ?? ACCOUNTS / 10);
const PAGE = 20;
const DAY = 86_400;
const T0 = 1_750_000_000;
const START = T0 + 60 * DAY;
const SIM_DAYS = 7;
const STEP = 60;
/** Stream requests per simulated minute over the pool (about six per active viewer per day). */
const REQUESTS_PER_STEP = Number(process.env.DELIVERY_BENCH_RATE ?? Math.round((POOL * 6) / 1440));
/** Share of amplified items the viewer dwells on (sends a View receipt for). */
const DWELL_RATE = 0.7;
const params = DEFAULT_PARAMS;
/** Share of a person's posts and engagement in their home community. */
const HOME_SHARE = 0.8;

const r = rng(19);
const pick = (n: number) => Math.floor(r() * n);
const skewed = (n: number) => Math.floor(r() * r() * n);

let t = performance.now();
const model = new AttentionModel(params, { rebuildMs: 3_600_000 });
model.setCommunities(
  Array.from({ length: COMMUNITIES }, (_, i) =>
    community(BigInt(i + 1), account(i), [account(COMMUNITIES + i)]),
  ),
);
// People belong to a home community: they post there, and most of what they attend is there.
const homes = Uint8Array.from({ length: ACCOUNTS }, () => 1 + pick(COMMUNITIES));
const home = (who: number) => BigInt(homes[who] as number);
const posts: PostInfo[] = [];
const postsIn = new Map<bigint, PostInfo[]>();
for (let i = 0; i < POSTS; i++) {
  const author = skewed(ACCOUNTS);
  const communityId = r() < HOME_SHARE ? home(author) : BigInt(1 + pick(COMMUNITIES));
  const p = post(BigInt(i + 1), account(author), communityId, T0 + Math.floor((i / POSTS) * 60 * DAY), [
    `t${i % 40}`,
  ]);
  posts.push(p);
  model.addPost(p);
  const list = postsIn.get(communityId);
  if (list) list.push(p);
  else postsIn.set(communityId, [p]);
}
let seq = 0;
let nonce = 0n;
const add = (entry: Omit<LogEntry, "seq">) => {
  const e = { ...entry, seq: ++seq } as LogEntry;
  model.addEntry(e);
  return e;
};
addJoiningHistory({
  accounts: ACCOUNTS,
  communities: COMMUNITIES,
  t0: T0,
  day: DAY,
  pick,
  skewed,
  home,
  postsIn,
  add,
  nextNonce: () => nonce++,
});
const kinds = ["View", "View", "View", "Like", "Like", "Comment", "Share"] as const;
while (seq < MESSAGES) {
  const kind = kinds[pick(kinds.length)] ?? "View";
  // Half the engagement comes from the active accounts (who also post), half from anyone.
  const who = r() < 0.5 ? skewed(ACCOUNTS) : pick(ACCOUNTS);
  const inHome = postsIn.get(home(who)) as PostInfo[];
  const base = {
    account: account(who),
    postId: r() < HOME_SHARE ? (inHome[skewed(inHome.length)] as PostInfo).id : BigInt(1 + skewed(POSTS)),
    timestamp: BigInt(T0 + pick(60 * DAY)),
    nonce: nonce++,
  };
  if (kind === "View") add({ kind, message: { ...base, dwellMs: 5000, campaignId: 0n } });
  else if (kind === "Comment") add({ kind, message: { ...base, text: "great post" } });
  else add({ kind, message: base });
}
model.flushPending();
const worldMs = performance.now() - t;
console.log(
  `world: ${ACCOUNTS} accounts, ${POSTS} posts, ${seq} messages in ${(worldMs / 1000).toFixed(1)} s`,
);

// Reputations and prices as of the simulation's start (the graph changes little in a week).
t = performance.now();
const relRep = new Map<string, number>();
const repOf = (who: string, c: bigint) => {
  const key = `${who}|${c}`;
  let v = relRep.get(key);
  if (v === undefined) {
    v = model.relativeReputation(who, c, START);
    relRep.set(key, v);
  }
  return v;
};
const sizes = new Map<bigint, number>();
for (let c = 1n; c <= BigInt(COMMUNITIES); c++) sizes.set(c, model.communitySize(c, START));
const bidOf = (c: AllocatorCampaign, rep: number) =>
  viewPrice(
    params,
    sizes.get(c.post.communityId) ?? 0,
    rep,
    repOf(c.promoter.toLowerCase(), c.post.communityId),
  );

// The active viewers, with their organic first pages: sampled as authors are (active people post
// and view), so the pool holds the accounts the community's attention reaches.
const pool = Array.from({ length: POOL }, () => account(skewed(ACCOUNTS)).toLowerCase());
const organicPages = new Map<string, PostInfo[]>();
for (const v of pool) {
  if (organicPages.has(v)) continue;
  const { items } = model.stream({ viewer: v, now: START, campaigns: [], candidates: 500, limit: PAGE + 4 });
  organicPages.set(
    v,
    items.map((i) => i.post),
  );
}
const viewers = [...organicPages.keys()];
console.log(`pool: ${viewers.length} viewers ranked in ${((performance.now() - t) / 1000).toFixed(1)} s`);

// Campaigns: half on recent posts, half anywhere; 20 sized to quote 100 views; lives of 1..4 days.
interface Sim {
  c: AllocatorCampaign;
  quoted: number;
  /** Views the budget buys at the audience's mean bid. */
  wanted: number;
  audience: number;
  organic: number;
  quoting100: boolean;
}
const sims: Sim[] = [];
for (let k = 0; k < CAMPAIGNS; k++) {
  const postId = k % 2 === 0 ? POSTS - pick(2000) : 1 + pick(POSTS);
  const p = posts[postId - 1] as PostInfo;
  const createdAt = START + pick(2 * DAY);
  const life = DAY * (1 + pick(4));
  const c: AllocatorCampaign = {
    id: BigInt(k + 1),
    post: p,
    promoter: account(pick(ACCOUNTS)).toLowerCase(),
    budget: 0n,
    remaining: 0n,
    committed: 0n,
    createdAt,
    expiresAt: createdAt + life,
    refunded: false,
  };
  // The eligible active audience and its bids (the allocator's own eligibility rule).
  const bids: bigint[] = [];
  for (const v of viewers) {
    const bid = eligibleBid(
      {
        params,
        now: createdAt,
        pageSize: PAGE,
        organic: [],
        campaigns: [],
        viewer: {
          viewer: v,
          allows: model.social.allowsFor(v),
          reputationIn: (cid) => repOf(v, cid),
          impressionsOf: () => 0,
          viewed: () => false,
          servedInHour: 0,
        },
        bidOf,
      },
      { ...c, budget: 10n ** 30n, remaining: 10n ** 30n },
    );
    if (bid !== null) bids.push(bid);
  }
  let mean = 0n;
  for (const b of bids) mean += b;
  mean = bids.length > 0 ? mean / BigInt(bids.length) : 10n ** 18n;
  const quoting100 = k < QUOTING_100;
  const wanted = quoting100 ? 100 : Math.round(20 * 2 ** (r() * 4.3)); // 20..~400 views
  c.budget = mean * BigInt(wanted);
  c.remaining = c.budget;
  // The quote: the allocator's forecast, as the service's quote computes it.
  const quoted = forecastDelivery(bids, c.budget).views;
  sims.push({ c, quoted, wanted, audience: bids.length, organic: 0, quoting100 });
}

// DELIVERY_BENCH_DEBUG=1: the audiences per community (`stop`: and no simulation).
if (process.env.DELIVERY_BENCH_DEBUG) {
  for (let c = 1n; c <= BigInt(COMMUNITIES); c++) {
    const above = viewers.filter((v) => repOf(v, c) >= params.reputationFloor).length;
    const audiences = sims.filter((s) => s.c.post.communityId === c).map((s) => s.audience);
    console.log(
      `community ${c}: ${above} active viewers above the floor; campaign audiences ${audiences.join(",")}`,
    );
  }
  if (process.env.DELIVERY_BENCH_DEBUG === "stop") process.exit(0);
}

// A week of stream requests.
let violations = 0;
function violation(what: string): void {
  if (violations++ < 5) console.error(`delivery rule broken: ${what}`);
}
const ledger = new ImpressionLedger(params);
const byId = new Map(sims.map((s) => [s.c.id, s]));
const ctx = {
  social: model.social,
  post: (id: bigint) => posts[Number(id) - 1],
  campaign: (id: bigint) => {
    const s = byId.get(id);
    return s ? { postId: s.c.post.id, promoter: s.c.promoter } : undefined;
  },
};
const pendingViews: { at: number; entry: Omit<LogEntry, "seq"> }[] = [];
let requests = 0;
let allocMs = 0;
t = performance.now();
for (let now = START; now < START + SIM_DAYS * DAY; now += STEP) {
  while (pendingViews.length > 0 && (pendingViews[0] as { at: number }).at <= now) {
    const v = pendingViews.shift() as { entry: Omit<LogEntry, "seq"> };
    ledger.observe({ ...v.entry, seq: ++seq } as LogEntry, ctx);
  }
  const active = sims.filter((s) => now >= s.c.createdAt && now < s.c.expiresAt);
  if (active.length === 0) continue;
  const campaigns = active.map((s) => ({ ...s.c, committed: ledger.committed(s.c.id, now) }));
  for (let q = 0; q < REQUESTS_PER_STEP; q++) {
    const v = viewers[pick(viewers.length)] as string;
    const organic = organicPages.get(v) as PostInfo[];
    for (const s of active) if (organic.slice(0, PAGE).some((p) => p.id === s.c.post.id)) s.organic++;
    const a0 = performance.now();
    const allocation = allocate({
      params,
      now,
      pageSize: PAGE,
      organic,
      campaigns,
      viewer: {
        viewer: v,
        allows: model.social.allowsFor(v),
        reputationIn: (cid) => repOf(v, cid),
        impressionsOf: (id) => ledger.impressionsOf(v, id),
        viewed: (id) => ledger.viewed(v, id),
        servedInHour: ledger.servedInHour(v, now),
      },
      bidOf,
    });
    allocMs += performance.now() - a0;
    requests++;
    // The simulation checks the allocator's rules on every page it serves (and fails on a breach).
    const allows = model.social.allowsFor(v);
    const amplified = allocation.items.filter((item) => item.campaignId !== null).length;
    if (amplified > Math.ceil(allocation.items.length / params.delivery.slotEvery))
      violation(`a page of ${allocation.items.length} items carried ${amplified} amplified items`);
    if (allocation.items[0] && allocation.items[0].campaignId !== null)
      violation("an amplified item was the first item of a page");
    for (const item of allocation.items) {
      if (item.campaignId === null) continue;
      const served = byId.get(item.campaignId) as Sim;
      if (!allows(served.c.promoter, served.c.post.communityId, served.c.post.topics))
        violation(`campaign ${item.campaignId} was shown to ${v}, whose policy excludes it`);
      if (ledger.impressionsOf(v, item.campaignId) >= params.delivery.impressionsPerCampaign)
        violation(`campaign ${item.campaignId} passed its frequency cap for ${v}`);
      ledger.observe(
        {
          seq: ++seq,
          kind: "Impression",
          message: {
            account: account(999_999),
            viewer: v as `0x${string}`,
            campaignId: item.campaignId,
            postId: item.post.id,
            price: item.bid,
            policySeq: BigInt(ledger.policySeq(v)),
            expiresAt: BigInt(now + params.delivery.impressionTtlSeconds),
            timestamp: BigInt(now),
            nonce: nonce++,
          },
        },
        ctx,
      );
      const c = campaigns.find((x) => x.id === item.campaignId) as AllocatorCampaign;
      c.committed = ledger.committed(c.id, now);
      if (r() < DWELL_RATE) {
        const at = now + 5 + pick(120);
        pendingViews.push({
          at,
          entry: {
            kind: "View",
            message: {
              account: v as `0x${string}`,
              postId: item.post.id,
              dwellMs: 4000,
              campaignId: item.campaignId,
              timestamp: BigInt(at),
              nonce: nonce++,
            },
          },
        });
      }
    }
  }
}
const simMs = performance.now() - t;

// The audience suffices when the budget, not the audience, bounds the quote.
const suffices = sims.filter((s) => s.quoted > 0 && s.quoted < s.audience);
const ratios = suffices.map((s) => ledger.delivery(s.c.id).views / s.quoted).sort((a, b) => a - b);
const unspent = suffices
  .map((s) => {
    const left = s.c.budget - ledger.delivery(s.c.id).viewedWei;
    return left > 0n ? Number(left) / Number(s.c.budget) : 0;
  })
  .sort((a, b) => a - b);
const lifts = sims
  .filter((s) => s.quoting100)
  .map((s) => ledger.delivery(s.c.id).impressions / Math.max(1, s.organic))
  .sort((a, b) => a - b);
// Views paid beyond budget: the matched views' bids past the budget, in views of their mean bid.
let overDeliveryMax = 0;
for (const s of sims) {
  const d = ledger.delivery(s.c.id);
  if (d.viewedWei <= s.c.budget || d.views === 0) continue;
  const meanBid = d.viewedWei / BigInt(d.views);
  overDeliveryMax = Math.max(overDeliveryMax, Number((d.viewedWei - s.c.budget + meanBid - 1n) / meanBid));
}
if (violations > 0) throw new Error(`${violations} pages broke the allocator's rules`);
const median = (xs: number[]) => percentile(xs, 50);
console.log(
  `simulated ${requests} stream requests over ${SIM_DAYS} days in ${(simMs / 1000).toFixed(1)} s ` +
    `(allocator ${(allocMs / requests).toFixed(3)} ms per request); ${suffices.length} of ${sims.length} campaigns ` +
    `with enough audience; quotes ${Math.min(...sims.map((s) => s.quoted))}..${Math.max(...sims.map((s) => s.quoted))} views`,
);
reportBench("delivery", import.meta.filename, {
  deliveryRatio: { value: median(ratios), unit: "ratio", target: ">= 0.9" },
  deliveryRatioP10: { value: percentile(ratios, 10), unit: "ratio", target: ">= 0.7" },
  liftMedian: { value: median(lifts), unit: "x", target: ">= 5" },
  unspentAtExpiryMedian: { value: median(unspent), unit: "share of budget", target: "<= 0.1" },
  overDeliveryMax: { value: overDeliveryMax, unit: "views", target: "<= 0" },
  "campaigns with enough audience": { value: suffices.length, unit: "campaigns" },
  "allocator per request": { value: allocMs / requests, unit: "ms" },
  "stream requests simulated": { value: requests, unit: "requests" },
  "world build": { value: Math.round(worldMs), unit: "ms" },
});
