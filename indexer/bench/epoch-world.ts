/**
 * The settlement epoch's world at scale, where money moves: 100,000 accounts
 * in 10 communities (each with a founder and a moderator who attend it),
 * 200,000 posts, every account's policy, follows, 60 days of organic history,
 * then one epoch (a day) in which 200 funded campaigns of varied budgets
 * compete for the stream pages of a pool of active viewers through the real
 * impression allocator. Each amplified slot is an Impression as the service
 * issues it (the bid as its price, the viewer's policy seq, the service's
 * TTL), signed by the impression key (`createImpressionSigner`), replayed by
 * the impression ledger that settlement uses; most viewers dwell and send the
 * View receipt that matches it. The log is held as its NDJSON export, as an
 * indexer would publish it.
 */

import { canonicalMessage, type MessageKind } from "#protocol";
import { type AllocatorCampaign, allocate } from "../src/attention/allocator.ts";
import { relativeReputation } from "../src/attention/community.ts";
import { account, community, post, rng } from "../src/attention/fixtures.ts";
import { ImpressionLedger } from "../src/attention/impression-ledger.ts";
import type { CampaignInfo, LogEntry, PostInfo } from "../src/attention/log.ts";
import type { AttentionParams } from "../src/attention/params.ts";
import { SocialState } from "../src/attention/policy.ts";
import { viewPrice } from "../src/attention/pricing.ts";
import { createImpressionSigner, DEV_IMPRESSION_KEY } from "../src/engagement/impressions.ts";
import { computeEpoch, type EpochInputs } from "../src/settlement/epoch.ts";
import { addJoiningHistory } from "./world-history.ts";

export interface EpochWorld {
  ndjson: string;
  lines: number;
  /** The epoch's inputs but its entries (parsed from `ndjson` by whoever times the epoch). */
  base: Omit<EpochInputs, "entries">;
  impressions: number;
  /** View receipts of the epoch that carry a campaign id (matched or not). */
  paidViewClaims: number;
  requests: number;
}

const DAY = 86_400;
const T0 = 1_750_000_000;
const START = T0 + 60 * DAY;
const PAGE = 20;
const STEP = 60;
const HOME_SHARE = 0.8;
const DWELL_RATE = 0.7;

export async function buildEpochWorld(
  params: AttentionParams,
  options: {
    accounts: number;
    messages: number;
    /** Organic engagement inside the epoch (besides impressions and their views). */
    epochOrganic: number;
    communities: number;
    campaigns: number;
    /** Distinct active viewers in the epoch, each asking for about six stream pages a day. */
    pool: number;
  },
): Promise<EpochWorld> {
  const { accounts: ACCOUNTS, communities: COMMUNITIES, campaigns: CAMPAIGNS } = options;
  const POSTS = 2 * ACCOUNTS;
  const r = rng(15);
  const pick = (n: number) => Math.floor(r() * n);
  const skewed = (n: number) => Math.floor(r() * r() * n);
  const signer = createImpressionSigner({
    key: DEV_IMPRESSION_KEY,
    chainId: 31337,
    verifyingContract: "0x5fbdb2315678afecb367f032d93f642f64180aa3",
  });

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
    const list = postsIn.get(communityId);
    if (list) list.push(p);
    else postsIn.set(communityId, [p]);
  }
  const communities = Array.from({ length: COMMUNITIES }, (_, i) =>
    community(BigInt(i + 1), account(i), [account(COMMUNITIES + i)]),
  );

  const out: string[] = [];
  const entries: LogEntry[] = [];
  const social = new SocialState();
  let seq = 0;
  let nonce = 0n;
  const add = (entry: Omit<LogEntry, "seq">, signature = "0x") => {
    const e = { ...entry, seq: ++seq } as LogEntry;
    entries.push(e);
    const m = e.message as { account: string };
    out.push(
      `{"seq":${e.seq},"kind":"${e.kind}","signer":"${m.account}","message":${canonicalMessage(e.kind as MessageKind, e.message as never)},"signature":"${signature}"}\n`,
    );
    if (e.kind === "Policy" || e.kind === "Follow") social.apply(e);
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
  const organic = (timestamp: number) => {
    const kind = kinds[pick(kinds.length)] ?? "View";
    // Half the engagement comes from the active accounts (who also post), half from anyone.
    const who = r() < 0.5 ? skewed(ACCOUNTS) : pick(ACCOUNTS);
    const inHome = postsIn.get(home(who)) as PostInfo[];
    const base = {
      account: account(who),
      postId: r() < HOME_SHARE ? (inHome[skewed(inHome.length)] as PostInfo).id : BigInt(1 + skewed(POSTS)),
      timestamp: BigInt(timestamp),
      nonce: nonce++,
    };
    if (kind === "View") add({ kind, message: { ...base, dwellMs: 1000 + pick(9000), campaignId: 0n } });
    else if (kind === "Comment") add({ kind, message: { ...base, text: "great post" } });
    else add({ kind, message: base });
  };
  const history = options.messages - options.epochOrganic - Math.round(options.messages / 20);
  while (seq < history) organic(T0 + pick(60 * DAY));
  const startSeq = seq;

  // Campaigns started over the epoch's first half, lives of one to four days, half on recent posts.
  const campaigns: AllocatorCampaign[] = [];
  for (let k = 0; k < CAMPAIGNS; k++) {
    const postId = k % 2 === 0 ? POSTS - pick(2000) : 1 + pick(POSTS);
    const createdAt = START + pick(DAY / 2);
    campaigns.push({
      id: BigInt(k + 1),
      post: posts[postId - 1] as PostInfo,
      promoter: account(pick(ACCOUNTS)).toLowerCase(),
      budget: 0n,
      remaining: 0n,
      committed: 0n,
      createdAt,
      expiresAt: createdAt + DAY * (1 + pick(4)),
      refunded: false,
    });
  }
  const campaignInfo = (c: AllocatorCampaign): CampaignInfo => ({
    id: c.id,
    postId: c.post.id,
    promoter: c.promoter as `0x${string}`,
    remaining: c.remaining,
    expiresAt: c.expiresAt,
    createdAt: c.createdAt,
    refunded: false,
  });

  // Reputations and prices as of the epoch's start: the history's epoch (nothing to pay yet).
  const before = computeEpoch({
    epoch: 1,
    entries,
    startSeq,
    endSeq: startSeq,
    posts,
    communities,
    campaigns: campaigns.map(campaignInfo),
    previousCumulative: new Map(),
    previouslyPaid: new Set(),
    params,
    blockNumber: 1n,
    asOf: START,
    exportHash: `0x${"00".repeat(32)}`,
  });
  const repCache = new Map<string, number>();
  const repOf = (who: string, c: bigint) => {
    const key = `${who}|${c}`;
    let v = repCache.get(key);
    if (v === undefined) {
      const rep = before.reputations.get(c);
      v = rep ? relativeReputation(rep, who) : 0;
      repCache.set(key, v);
    }
    return v;
  };
  const sizeOf = (c: bigint) => before.reputations.get(c)?.effectiveSize ?? 0;
  const bidOf = (c: AllocatorCampaign, rep: number) =>
    viewPrice(params, sizeOf(c.post.communityId), rep, repOf(c.promoter, c.post.communityId));
  // Budgets: 20 to about 400 views at the price of a typical member of the post's community.
  for (const c of campaigns) {
    const views = Math.round(20 * 2 ** (r() * 4.3));
    c.budget =
      viewPrice(params, sizeOf(c.post.communityId), 1, repOf(c.promoter, c.post.communityId)) * BigInt(views);
    c.remaining = c.budget;
  }

  // The active viewers: the members with standing in their home community (people who come back
  // every day are the ones their community attends to), then accounts sampled as authors are.
  const chosen = new Set<number>();
  for (let i = 0; i < ACCOUNTS && chosen.size < options.pool; i++)
    if (repOf(account(i).toLowerCase(), home(i)) >= params.reputationFloor) chosen.add(i);
  while (chosen.size < options.pool) chosen.add(skewed(ACCOUNTS));
  const pool = [...chosen];
  // The organic candidates of their pages.
  const pages = new Map<number, PostInfo[]>();
  for (const v of pool) {
    const inHome = postsIn.get(home(v)) as PostInfo[];
    pages.set(
      v,
      Array.from({ length: PAGE + 4 }, () => inHome[inHome.length - 1 - skewed(inHome.length)] as PostInfo),
    );
  }

  if (process.env.EPOCH_BENCH_DEBUG) {
    const above = pool.filter((v) => repOf(account(v).toLowerCase(), home(v)) >= params.reputationFloor);
    const everyone = above.filter((v) => social.policyOf(account(v)).mode === 4);
    console.log(
      `pool ${pool.length}: ${above.length} above the floor at home, ${everyone.length} of them open to everyone`,
    );
    for (const [c, rep] of before.reputations) {
      let n = 0;
      for (const s of rep.scores) if (s * rep.effectiveSize >= params.reputationFloor) n++;
      console.log(
        `community ${c}: ${rep.nodes.length} nodes, effective size ${rep.effectiveSize.toFixed(0)}, ${n} above the floor`,
      );
    }
  }
  const ledger = new ImpressionLedger(params);
  for (const e of entries) if (e.kind === "Policy") ledger.observe(e, ledgerCtx());
  function ledgerCtx() {
    return {
      social,
      post: (id: bigint) => posts[Number(id) - 1],
      campaign: (id: bigint) => {
        const c = campaigns[Number(id) - 1];
        return c ? { postId: c.post.id, promoter: c.promoter } : undefined;
      },
    };
  }
  const ctx = ledgerCtx();
  const observe = (e: LogEntry) => ledger.observe(e, ctx);

  const requestsPerStep = Math.max(1, Math.round((pool.length * 6) / 1440));
  const organicPerStep = options.epochOrganic / (DAY / STEP);
  let organicDue = 0;
  const pendingViews: { at: number; entry: Omit<LogEntry, "seq"> }[] = [];
  let impressions = 0;
  let claims = 0;
  let requests = 0;
  for (let now = START; now < START + DAY; now += STEP) {
    while (pendingViews.length > 0 && (pendingViews[0] as { at: number }).at <= now) {
      const v = pendingViews.shift() as { entry: Omit<LogEntry, "seq"> };
      observe(add(v.entry));
      claims++;
    }
    for (organicDue += organicPerStep; organicDue >= 1; organicDue--) organic(now - pick(STEP));
    const active = campaigns.filter((c) => now >= c.createdAt && now < c.expiresAt);
    if (active.length === 0) continue;
    const offered = active.map((c) => ({ ...c, committed: ledger.committed(c.id, now) }));
    for (let q = 0; q < requestsPerStep; q++) {
      const who = pool[pick(pool.length)] as number;
      const v = account(who).toLowerCase();
      requests++;
      const allocation = allocate({
        params,
        now,
        pageSize: PAGE,
        organic: pages.get(who) as PostInfo[],
        campaigns: offered,
        viewer: {
          viewer: v,
          allows: social.allowsFor(v),
          reputationIn: (cid) => repOf(v, cid),
          impressionsOf: (id) => ledger.impressionsOf(v, id),
          viewed: (id) => ledger.viewed(v, id),
          servedInHour: ledger.servedInHour(v, now),
        },
        bidOf,
      });
      for (const item of allocation.items) {
        if (item.campaignId === null) continue;
        const { message, signature } = await signer.sign({
          viewer: v as `0x${string}`,
          campaignId: item.campaignId,
          postId: item.post.id,
          price: item.bid,
          policySeq: BigInt(ledger.policySeq(v)),
          expiresAt: BigInt(now + params.delivery.impressionTtlSeconds),
          timestamp: BigInt(now),
        });
        observe(add({ kind: "Impression", message }, signature));
        impressions++;
        const c = offered.find((x) => x.id === item.campaignId) as AllocatorCampaign;
        c.committed = ledger.committed(c.id, now);
        const at = now + 5 + pick(120);
        if (r() < DWELL_RATE && at < START + DAY) {
          pendingViews.push({
            at,
            entry: {
              kind: "View",
              message: {
                account: v as `0x${string}`,
                postId: item.post.id,
                dwellMs: 4000 + pick(6000),
                campaignId: item.campaignId,
                timestamp: BigInt(at),
                nonce: nonce++,
              },
            },
          });
        }
      }
    }
    pendingViews.sort((a, b) => a.at - b.at);
  }
  for (const v of pendingViews) {
    observe(add(v.entry));
    claims++;
  }
  while (seq < options.messages) organic(START + DAY - 1 - pick(STEP));

  const previousCumulative = new Map<string, bigint>();
  for (let i = 0; i < ACCOUNTS; i++)
    previousCumulative.set(account(i).toLowerCase(), BigInt(1 + pick(1e9)) * 10n ** 9n);
  return {
    ndjson: out.join(""),
    lines: out.length,
    base: {
      epoch: 2,
      startSeq,
      endSeq: seq,
      posts,
      communities,
      campaigns: campaigns.map(campaignInfo),
      previousCumulative,
      previouslyPaid: new Set(),
      params,
      blockNumber: 1000n,
      asOf: START + DAY,
      exportHash: `0x${"11".repeat(32)}`,
    },
    impressions,
    paidViewClaims: claims,
    requests,
  };
}
