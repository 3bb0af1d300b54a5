/**
 * Attack tests of the attention payout rules: splitting, filler
 * accounts, the per-viewer cap, paid attention, seed delays, and the reasons a
 * view was or was not paid.
 */
import fc from "fast-check";
import type { Address } from "viem";
import { describe, expect, it } from "vitest";
import { PolicyMode } from "#protocol";
import { activeSeedsOf, effectiveSize, relativeReputation } from "../attention/community.ts";
import { account, campaign, community, LogBuilder, post } from "../attention/fixtures.ts";
import type { CampaignInfo, CommunityInfo, EngagementEntry, PostInfo } from "../attention/log.ts";
import { AttentionModel } from "../attention/model.ts";
import { DEFAULT_PARAMS, makeParams } from "../attention/params.ts";
import { viewPrice } from "../attention/pricing.ts";
import { computeEpoch, type EpochInputs } from "./epoch.ts";
import { computePayouts, type PayoutContext } from "./payouts.ts";

const DAY = 86_400;
const T0 = 1_700_000_000;
const EXPORT = `0x${"22".repeat(32)}` as const;
const AS_OF = T0 + 21 * DAY;

/** A small honest community from a list of (who, target) likes; everyone accepts every promoter. */
const worldArb = fc.record({
  members: fc.integer({ min: 6, max: 16 }),
  likes: fc.array(fc.tuple(fc.nat(15), fc.nat(15), fc.nat(19)), { minLength: 20, maxLength: 120 }),
  fillers: fc.integer({ min: 1, max: 40 }),
  viewers: fc.array(fc.nat(15), { minLength: 1, maxLength: 16 }),
});
type WorldSpec = { members: number; likes: [number, number, number][]; fillers: number; viewers: number[] };

function buildWorld(spec: WorldSpec) {
  const n = spec.members;
  const log = new LogBuilder();
  const members = Array.from({ length: n }, (_, i) => account(i));
  const posts: PostInfo[] = members.map((m, i) => post(BigInt(i + 1), m, 1n, T0));
  for (const m of members) log.everyone(m, T0);
  for (const [a, b, d] of spec.likes)
    log.engage("Like", members[a % n] as Address, BigInt(1 + (b % n)), T0 + d * DAY);
  return { log, members, posts };
}

function epochOf(
  log: LogBuilder,
  posts: readonly PostInfo[],
  campaigns: readonly CampaignInfo[],
  startSeq: number,
  extra: Partial<EpochInputs> = {},
) {
  return computeEpoch({ ...baseInputs(log, posts, startSeq), campaigns, ...extra });
}

describe("split-proof pay", () => {
  it("k accounts sharing one account's reputation never earn more than it (below the cap)", () => {
    const { viewerCap } = DEFAULT_PARAMS.price;
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: viewerCap, noNaN: true }),
        fc.integer({ min: 1, max: 50 }),
        fc.double({ min: 0, max: 5, noNaN: true }),
        fc.integer({ min: 0, max: 100_000 }),
        (r, k, promoterRep, size) => {
          const one = viewPrice(DEFAULT_PARAMS, size, r, promoterRep);
          const parts = BigInt(k) * viewPrice(DEFAULT_PARAMS, size, r / k, promoterRep);
          expect(parts).toBeLessThanOrEqual(one);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("in an epoch, paying k viewers a split reputation never costs the campaign more than paying one", () => {
    fc.assert(
      fc.property(fc.double({ min: 0.2, max: 20, noNaN: true }), fc.integer({ min: 2, max: 30 }), (r, k) => {
        const pay = (reps: number[]) => {
          const log = new LogBuilder();
          for (let i = 0; i < reps.length; i++) log.engage("View", account(i), 1n, T0, { campaignId: 1n });
          const byAccount = new Map(reps.map((x, i) => [account(i).toLowerCase(), x]));
          const ctx: PayoutContext = {
            params: DEFAULT_PARAMS,
            posts: new Map([[1n, post(1n, account(900))]]),
            allows: () => true,
            reputationOf: (_c, a) => byAccount.get(a) ?? 0,
            communitySize: () => 1000,
            previouslyPaid: new Set(),
          };
          const result = computePayouts(
            ctx,
            [campaign(1n, 1n, account(901), 10n ** 30n)],
            log.entries as EngagementEntry[],
          );
          return result.spends.reduce((a, s) => a + s.amount, 0n);
        };
        expect(pay(Array.from({ length: k }, () => r / k))).toBeLessThanOrEqual(pay([r]));
      }),
      { numRuns: 200 },
    );
  });

  it("pays more the more reputation a viewer has, and charges a promoter with none more", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 30, noNaN: true }),
        fc.double({ min: 0, max: 30, noNaN: true }),
        (a, b) => {
          const [lo, hi] = a <= b ? [a, b] : [b, a];
          expect(viewPrice(DEFAULT_PARAMS, 100, hi, 1)).toBeGreaterThanOrEqual(
            viewPrice(DEFAULT_PARAMS, 100, lo, 1),
          );
          expect(viewPrice(DEFAULT_PARAMS, 100, 1, lo)).toBeGreaterThanOrEqual(
            viewPrice(DEFAULT_PARAMS, 100, 1, hi),
          );
        },
      ),
    );
    // A promoter with no reputation pays 1 + promoterWeight times what a typical member pays.
    const ratio = Number(viewPrice(DEFAULT_PARAMS, 100, 1, 0)) / Number(viewPrice(DEFAULT_PARAMS, 100, 1, 1));
    expect(ratio).toBeCloseTo(1 + DEFAULT_PARAMS.price.promoterWeight, 6);
  });
});

describe("filler accounts", () => {
  it("accounts with no trust inflow change neither the effective size nor any payment", () => {
    let paidRuns = 0;
    const runs = 60;
    fc.assert(
      fc.property(worldArb, (spec) => {
        const run = (withFillers: boolean) => {
          const { log, members, posts } = buildWorld(spec);
          if (withFillers) {
            for (let f = 0; f < spec.fillers; f++) {
              const filler = account(5000 + f);
              log.everyone(filler, T0);
              log.engage("View", filler, BigInt(1 + (f % spec.members)), T0 + DAY);
              log.engage("Like", filler, BigInt(1 + ((f * 7) % spec.members)), T0 + 2 * DAY);
            }
          }
          const startSeq = log.seq;
          // Every View follows an impression of the campaign served to its viewer (fillers included):
          // what pays or not is the payout rules, not a missing impression.
          const view = (who: Address) => {
            log.impression(who, 1n, 1n, AS_OF - DAY - 10);
            log.engage("View", who, 1n, AS_OF - DAY, { campaignId: 1n });
          };
          for (const v of spec.viewers) view(members[v % spec.members] as Address);
          if (withFillers) for (let f = 0; f < spec.fillers; f++) view(account(5000 + f));
          return epochOf(log, posts, [campaign(1n, 1n, account(2), 10n ** 24n)], startSeq);
        };
        const a = run(false);
        const b = run(true);
        for (const d of [...a.decisions, ...b.decisions]) expect(d.reason).not.toBe("noImpression");
        if (a.payments.some((p) => p.role === "viewer")) paidRuns++;
        const sizeA = a.reputations.get(1n)?.effectiveSize ?? 0;
        const sizeB = b.reputations.get(1n)?.effectiveSize ?? 0;
        expect(Math.abs(sizeA - sizeB)).toBeLessThanOrEqual(1e-9 * Math.max(1, sizeA));
        const paid = (r: typeof a) => new Map(r.payments.map((p) => [p.account, p.amount]));
        expect(paid(b)).toEqual(paid(a));
        // No filler is paid (each is below the floor).
        for (const d of b.decisions)
          if (Number.parseInt(d.account, 16) > 5000) expect(d.reason).toBe("belowFloor");
      }),
      { numRuns: runs },
    );
    // The payment half is exercised: most worlds pay some honest viewer.
    expect(paidRuns).toBeGreaterThan(runs / 2);
  });

  it("the effective size of a uniform vector is its length, and zero entries do not count", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 500 }), fc.integer({ min: 0, max: 500 }), (n, zeros) => {
        const v = new Float64Array(n + zeros);
        v.fill(1 / n, 0, n);
        expect(effectiveSize(v)).toBeCloseTo(n, 6);
      }),
    );
  });
});

describe("per-viewer cap", () => {
  it("no viewer is paid by more than maxPaidCampaignsPerViewer campaigns in one epoch; the rest say capReached", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 30 }),
        fc.array(fc.bigInt({ min: 0n, max: 10n ** 19n }), { minLength: 30, maxLength: 30 }),
        (cap, campaignCount, budgets) => {
          const params = makeParams({ maxPaidCampaignsPerViewer: cap });
          const log = new LogBuilder();
          const posts = new Map<bigint, PostInfo>();
          const campaigns: CampaignInfo[] = [];
          for (let c = 1; c <= campaignCount; c++) {
            posts.set(BigInt(c), post(BigInt(c), account(900)));
            campaigns.push(campaign(BigInt(c), BigInt(c), account(901), budgets[c - 1] as bigint));
            for (let v = 0; v < 3; v++)
              log.engage("View", account(v), BigInt(c), T0, { campaignId: BigInt(c) });
          }
          const ctx: PayoutContext = {
            params,
            posts,
            allows: () => true,
            reputationOf: (_c, a) => (a === account(0).toLowerCase() ? 5 : 1),
            communitySize: () => 50,
            previouslyPaid: new Set(),
          };
          const r = computePayouts(ctx, campaigns, log.entries as EngagementEntry[]);
          const count = new Map<string, number>();
          for (const d of r.decisions)
            if (d.reason === "paid") count.set(d.account, (count.get(d.account) ?? 0) + 1);
          for (const n of count.values()) expect(n).toBeLessThanOrEqual(cap);
          for (const d of r.decisions) {
            if (d.reason === "capReached") expect(count.get(d.account)).toBe(cap);
            expect(d.reason === "paid").toBe(d.amount > 0n);
          }
          // No overspend, and payments match the decisions.
          for (const s of r.spends) {
            const c = campaigns.find((x) => x.id === s.campaignId) as CampaignInfo;
            expect(s.amount).toBeLessThanOrEqual(c.remaining);
            const paid = r.decisions
              .filter((d) => d.campaignId === s.campaignId)
              .reduce((a, d) => a + d.amount, 0n);
            expect(paid).toBe(s.amount);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("paid attention", () => {
  it("engagement by a paid view's claimant with that post adds no organic weight, in the epoch and in the live model, in any order", () => {
    fc.assert(
      fc.property(
        worldArb,
        fc.array(fc.nat(15), { minLength: 1, maxLength: 10 }),
        fc.boolean(),
        (spec, likers, likeFirst) => {
          const n = spec.members;
          const bait = BigInt(1 + (n - 1)); // the last member's post
          const build = (paid: boolean) => {
            const { log, members, posts } = buildWorld(spec);
            const startSeq = log.seq;
            const claim = (i: number) =>
              log.engage("View", members[i % n] as Address, bait, AS_OF - DAY, { campaignId: 1n });
            const like = (i: number) => log.engage("Like", members[i % n] as Address, bait, AS_OF - DAY + 10);
            for (const i of likers) {
              if (!paid) {
                claim(i);
                continue;
              }
              if (likeFirst) {
                like(i);
                claim(i);
              } else {
                claim(i);
                like(i);
              }
            }
            return { log, posts, startSeq };
          };
          const without = build(false);
          const withLikes = build(true);
          const campaigns = [campaign(1n, bait, account(n - 1), 10n ** 24n)];
          const a = epochOf(without.log, without.posts, campaigns, without.startSeq);
          const b = epochOf(withLikes.log, withLikes.posts, campaigns, withLikes.startSeq);
          const ra = a.reputations.get(1n);
          const rb = b.reputations.get(1n);
          if (!ra || !rb) throw new Error("no reputation");
          expect([...rb.scores]).toEqual([...ra.scores]);

          const model = (entries: readonly LogBuilder["entries"][number][], posts: readonly PostInfo[]) => {
            const m = new AttentionModel(DEFAULT_PARAMS, { rebuildMs: 0 });
            m.setCommunities([community(1n, account(0), [account(1)])]);
            for (const p of posts) m.addPost(p);
            for (const e of entries) m.addEntry(e);
            return m.reputation(1n, AS_OF);
          };
          const ma = model(without.log.entries, without.posts);
          const mb = model(withLikes.log.entries, withLikes.posts);
          // A like taken back may leave its account in the graph with no edge weight: compare by account.
          for (const a of new Set([...ma.nodes, ...mb.nodes]))
            expect(relativeReputation(mb, a)).toBeCloseTo(relativeReputation(ma, a), 9);
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe("seed hygiene", () => {
  const mod = account(7);
  const info = (appointedAt: number): CommunityInfo => ({
    ...community(1n, account(0), [account(1), mod]),
    appointedAt: { [mod.toLowerCase()]: appointedAt },
  });

  it("a moderator is a seed only once the seed delay has passed since its appointment", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 60 * DAY }),
        fc.integer({ min: 0, max: 60 * DAY }),
        (appointed, age) => {
          const c = info(T0 + appointed);
          const asOf = T0 + appointed + age;
          const seeds = activeSeedsOf(DEFAULT_PARAMS, c, asOf);
          expect(seeds.includes(mod.toLowerCase())).toBe(age >= DEFAULT_PARAMS.seedDelaySeconds);
          expect(seeds.includes(account(0).toLowerCase())).toBe(true);
        },
      ),
    );
  });

  it("before the delay, a new moderator's cluster gets exactly what it would without the appointment", () => {
    const spec = likeRing(10, 80, 3, 1);
    const { log, posts } = buildWorld(spec);
    // The moderator and a ring of 5 attend only each other.
    const ring = [mod, ...[1, 2, 3, 4, 5].map((i) => account(100 + i))];
    ring.forEach((a, i) => {
      posts.push(post(BigInt(100 + i), a, 1n, T0));
    });
    for (const a of ring) for (let j = 0; j < 6; j++) log.engage("Share", a, BigInt(100 + j), T0 + 10 * DAY);
    const startSeq = log.seq;
    const ringMass = (appointed: number | null) => {
      const communities = [appointed === null ? community(1n, account(0), [account(1)]) : info(appointed)];
      const rep = reputationIn({
        ...baseInputs(log, posts, startSeq),
        communities,
        campaigns: [campaign(1n, 1n, account(2), 1n)],
      });
      return ring.reduce((sum, a) => sum + relativeReputation(rep, a), 0);
    };
    const none = ringMass(null);
    expect(ringMass(AS_OF - DAY)).toBeCloseTo(none, 12); // appointed yesterday: not a seed yet
    // After the delay it is a seed, but weighted by the founder-rooted trust in it: nobody attends it.
    const later = ringMass(AS_OF - 8 * DAY);
    expect(later).toBeLessThan(none + 0.05);
  });

  it("no moderator restarts more than seedShareCap of the teleport mass", () => {
    const spec = likeRing(8, 60, 5, 1);
    const { log, posts } = buildWorld(spec);
    const startSeq = log.seq;
    for (const cap of [0.05, 0.1, 0.25]) {
      const params = makeParams({ seedShareCap: cap, teleport: 0.999, pagerankTolerance: 1e-12 });
      const rep = reputationIn({
        ...baseInputs(log, posts, startSeq),
        params,
        communities: [community(1n, account(0), [account(1)])],
        campaigns: [campaign(1n, 1n, account(2), 1n)],
      });
      // With teleport ~1 the vector is the restart vector itself.
      expect(rep.scores[rep.index.get(account(1).toLowerCase()) as number] as number).toBeLessThanOrEqual(
        cap + 1e-3,
      );
    }
  });
});

/** A world of `members` where like `k` goes from member k to member (k * step + offset), on post k % 20. */
function likeRing(members: number, likes: number, step: number, offset: number): WorldSpec {
  return {
    members,
    likes: Array.from(
      { length: likes },
      (_, k) => [k % members, (k * step + offset) % members, k % 20] as [number, number, number],
    ),
    fillers: 0,
    viewers: [],
  };
}

/** Community 1's reputation in the epoch computed from `inputs`. */
function reputationIn(inputs: EpochInputs) {
  const rep = computeEpoch(inputs).reputations.get(1n);
  if (!rep) throw new Error("no reputation");
  return rep;
}

function baseInputs(log: LogBuilder, posts: readonly PostInfo[], startSeq: number): EpochInputs {
  return {
    epoch: 1,
    entries: log.entries,
    startSeq,
    endSeq: log.seq,
    posts,
    communities: [community(1n, account(0), [account(1)])],
    campaigns: [],
    previousCumulative: new Map(),
    previouslyPaid: new Set(),
    params: DEFAULT_PARAMS,
    blockNumber: 1n,
    asOf: AS_OF,
    exportHash: EXPORT,
  };
}

describe("why a view was or was not paid", () => {
  it("names policy, blocks, floor, dwell, author/promoter, repeat, no impression and isolated rings, and pays none of them", () => {
    const spec = likeRing(12, 150, 5, 3);
    const { log, members, posts } = buildWorld(spec);
    const promoter = members[3] as Address;
    const author = members[4] as Address;
    for (const m of members) log.engage("Like", m, 9n, T0 + 3 * DAY); // member 8 is well attended
    log.policy(members[5] as Address, PolicyMode.None, T0 + 1);
    log.policy(members[6] as Address, PolicyMode.Everyone, T0 + 1, { blockedPromoters: [promoter] });
    // An isolated ring: attends only itself.
    const ring = [0, 1, 2].map((i) => account(300 + i));
    ring.forEach((a, i) => {
      posts.push(post(BigInt(300 + i), a, 1n, T0));
      log.everyone(a, T0);
    });
    for (const a of ring) for (let j = 0; j < 3; j++) log.engage("Share", a, BigInt(300 + j), T0 + DAY);
    const startSeq = log.seq;
    // Each View follows an impression of the campaign served to its viewer, except member 10's.
    const view = (who: Address, dwellMs = 5000, served = true) => {
      if (served) log.impression(who, 1n, 5n, AS_OF - DAY - 10);
      log.engage("View", who, 5n, AS_OF - DAY, { campaignId: 1n, dwellMs });
    };
    view(promoter);
    view(author);
    view(members[5] as Address);
    view(members[6] as Address);
    view(members[7] as Address, 100);
    view(members[8] as Address);
    view(members[9] as Address);
    view(members[10] as Address, 5000, false);
    for (const a of ring) view(a);
    const previouslyPaid = new Set([`1:${(members[9] as string).toLowerCase()}`]);
    const r = epochOf(log, posts, [campaign(1n, 5n, promoter, 10n ** 24n)], startSeq, { previouslyPaid });
    const reason = new Map(r.decisions.map((d) => [d.account, d.reason]));
    expect(reason.get(promoter.toLowerCase())).toBe("authorOrPromoter");
    expect(reason.get(author.toLowerCase())).toBe("authorOrPromoter");
    expect(reason.get((members[5] as string).toLowerCase())).toBe("policy");
    expect(reason.get((members[6] as string).toLowerCase())).toBe("policy");
    expect(reason.get((members[7] as string).toLowerCase())).toBe("dwellTooShort");
    expect(reason.get((members[9] as string).toLowerCase())).toBe("alreadyPaid");
    expect(reason.get((members[10] as string).toLowerCase())).toBe("noImpression");
    for (const a of ring) expect(reason.get(a.toLowerCase())).toBe("belowFloor");
    const paid = new Set(r.payments.map((p) => p.account));
    for (const d of r.decisions) expect(paid.has(d.account)).toBe(d.reason === "paid");
    expect(reason.get((members[8] as string).toLowerCase())).toBe("paid");
  });
});
