import fc from "fast-check";
import { keccak256, stringToBytes } from "viem";
import { describe, expect, it } from "vitest";
import { relativeReputation } from "../attention/community.ts";
import { account, campaign, community, LogBuilder, post, rng } from "../attention/fixtures.ts";
import { buildGraph } from "../attention/graph.ts";
import { isEngagement, type LogEntry, type PostInfo } from "../attention/log.ts";
import { DEFAULT_PARAMS, makeParams } from "../attention/params.ts";
import { computeEpoch, type EpochInputs, epochManifest } from "./epoch.ts";
import { manifestHash, parseManifest } from "./manifest.ts";

const DAY = 86_400;
const T0 = 1_700_000_000;
const EXPORT = keccak256(stringToBytes("export"));

/** A small community: 30 members who post and engage, then an amplified post viewed in the epoch. */
function scenario(seed: number) {
  const r = rng(seed);
  const log = new LogBuilder();
  const members = Array.from({ length: 30 }, (_, i) => account(i));
  const posts: PostInfo[] = members.map((m, i) => post(BigInt(i + 1), m, 1n, T0));
  for (let k = 0; k < 400; k++) {
    const who = members[Math.floor(r() * 30)] as `0x${string}`;
    const target = BigInt(1 + Math.floor(r() * 30));
    const kind = (["View", "Like", "Comment", "Share"] as const)[Math.floor(r() * 4)] ?? "View";
    log.engage(kind, who, target, T0 + Math.floor(r() * 20 * DAY));
  }
  for (const m of members.slice(0, 20)) log.everyone(m, T0);
  // The indexer served both campaigns to the members whose policy admitted them, just before the epoch.
  for (const m of members.slice(0, 20)) for (const c of [1n, 2n]) log.impression(m, c, c, T0 + 21 * DAY - 10);
  const startSeq = log.seq;
  for (let k = 0; k < 60; k++) {
    const who = members[Math.floor(r() * 30)] as `0x${string}`;
    const c = BigInt(1 + Math.floor(r() * 2));
    log.engage("View", who, c, T0 + 21 * DAY + k, { campaignId: c, dwellMs: 1000 + Math.floor(r() * 5000) });
    if (r() < 0.3) log.engage("Like", who, BigInt(1 + Math.floor(r() * 30)), T0 + 21 * DAY + k);
    if (r() < 0.1) log.policy(who, 4, T0 + 21 * DAY + k);
  }
  const inputs: EpochInputs = {
    epoch: 1,
    entries: log.entries,
    startSeq,
    endSeq: log.seq,
    posts,
    communities: [community(1n, account(0), [account(1)])],
    campaigns: [campaign(1n, 1n, account(5), 3n * 10n ** 18n), campaign(2n, 2n, account(6), 10n ** 21n)],
    previousCumulative: new Map([[account(29).toLowerCase(), 5n]]),
    previouslyPaid: new Set(),
    params: DEFAULT_PARAMS,
    blockNumber: 123n,
    asOf: T0 + 22 * DAY,
    exportHash: EXPORT,
  };
  return { inputs, startSeq };
}

describe("computeEpoch", () => {
  it("spends within budgets, pays exactly the spend and keeps earlier cumulative amounts", () => {
    const { inputs } = scenario(1);
    const result = computeEpoch(inputs);
    expect(result.spends.length).toBeGreaterThan(0);
    const paid = [...result.payouts.values()].reduce((a, b) => a + b, 0n);
    expect(paid).toBe(result.totalSpent);
    for (const s of result.spends) {
      const c = inputs.campaigns.find((x) => x.id === s.campaignId);
      expect(s.amount).toBeLessThanOrEqual(c?.remaining ?? 0n);
      // per campaign, the payments add up to exactly the spend posted on-chain
      const paidFromCampaign = result.payments
        .filter((p) => p.campaignId === s.campaignId)
        .reduce((acc, p) => acc + p.amount, 0n);
      expect(paidFromCampaign).toBe(s.amount);
    }
    expect(result.cumulative.get(account(29).toLowerCase())).toBe(
      5n + (result.payouts.get(account(29).toLowerCase()) ?? 0n),
    );
    expect(result.proofs.size).toBe(result.cumulative.size);
    expect(result.inputsHash).toBe(manifestHash(result.manifest));
    const manifest = parseManifest(result.manifest);
    expect(manifest).toMatchObject({
      epoch: inputs.epoch,
      periodEnd: inputs.asOf,
      fromSeq: inputs.startSeq,
      toSeq: inputs.endSeq,
      exportHash: EXPORT,
      factsBlock: 123,
    });
    expect(manifest.params).toEqual(DEFAULT_PARAMS);
    expect(manifestHash(epochManifest({ ...inputs, params: makeParams({ teleport: 0.2 }) }))).not.toBe(
      result.inputsHash,
    );
  });

  it("does not depend on the order messages arrived in within the epoch", () => {
    const { inputs, startSeq } = scenario(2);
    const reference = computeEpoch(inputs);
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const r = rng(seed);
        const history = inputs.entries.filter((e) => e.seq <= startSeq);
        const epoch = inputs.entries.filter((e) => e.seq > startSeq);
        for (let i = epoch.length - 1; i > 0; i--) {
          const j = Math.floor(r() * (i + 1));
          [epoch[i], epoch[j]] = [epoch[j] as LogEntry, epoch[i] as LogEntry];
        }
        const renumbered = epoch.map((e, i) => ({ ...e, seq: startSeq + i + 1 }) as LogEntry);
        const result = computeEpoch({ ...inputs, entries: [...history, ...renumbered] });
        expect(result.root).toBe(reference.root);
        expect(result.amounts).toEqual(reference.amounts);
        expect(result.campaignIds).toEqual(reference.campaignIds);
        expect([...result.payouts].sort()).toEqual([...reference.payouts].sort());
      }),
      { numRuns: 20 },
    );
  });

  it("never pays a viewer twice for one campaign across epochs", () => {
    const { inputs } = scenario(3);
    const first = computeEpoch(inputs);
    const second = computeEpoch({
      ...inputs,
      epoch: 2,
      startSeq: inputs.startSeq, // the same views offered again
      previouslyPaid: new Set(first.newlyPaid),
      previousCumulative: first.cumulative,
      campaigns: inputs.campaigns.map((c) => ({
        ...c,
        remaining: c.remaining - (first.spends.find((s) => s.campaignId === c.id)?.amount ?? 0n),
      })),
    });
    expect(second.totalSpent).toBe(0n);
    expect(second.root).toBe(first.root);
  });
});

describe("sybil resistance", () => {
  it("a 1,000-account cluster with few attack edges earns a small, bounded share", () => {
    const r = rng(42);
    const log = new LogBuilder();
    const H = 200;
    const S = 1000;
    const honest = Array.from({ length: H }, (_, i) => account(i));
    const sybils = Array.from({ length: S }, (_, i) => account(10_000 + i));
    const posts: PostInfo[] = [
      ...honest.map((a, i) => post(BigInt(i + 1), a, 1n, T0)),
      ...sybils.map((a, i) => post(BigInt(H + i + 1), a, 1n, T0)),
    ];
    const day = (k: number) => T0 + (k % 20) * DAY;
    // Honest members attend each other's posts.
    for (let k = 0; k < H * 10; k++) {
      const who = honest[Math.floor(r() * H)] as `0x${string}`;
      log.engage("Like", who, BigInt(1 + Math.floor(r() * H)), day(k));
    }
    // Sybils attend each other densely and every honest post they can (edges into the honest part).
    for (let k = 0; k < S * 20; k++) {
      const who = sybils[Math.floor(r() * S)] as `0x${string}`;
      log.engage("Share", who, BigInt(H + 1 + Math.floor(r() * S)), day(k));
    }
    for (let k = 0; k < S; k++) log.engage("Like", sybils[k] as `0x${string}`, BigInt(1 + (k % H)), day(k));
    // Attack edges: 5 honest accounts attend one sybil post once each.
    const ATTACK = 5;
    for (let k = 0; k < ATTACK; k++)
      log.engage("View", honest[k * 7] as `0x${string}`, BigInt(H + 1 + k), day(k));
    for (const a of [...honest, ...sybils]) log.everyone(a, T0);
    for (const a of [...honest.slice(1), ...sybils]) log.impression(a, 1n, 1n, T0 + 21 * DAY - 10);
    const startSeq = log.seq;
    // Everyone, sybils included, views the amplified honest post 1 in this epoch.
    for (const a of [...honest.slice(1), ...sybils])
      log.engage("View", a, 1n, T0 + 21 * DAY, { campaignId: 1n });

    const result = computeEpoch({
      epoch: 1,
      entries: log.entries,
      startSeq,
      endSeq: log.seq,
      posts,
      communities: [
        community(1n, honest[0] as `0x${string}`, [honest[1] as `0x${string}`, honest[2] as `0x${string}`]),
      ],
      campaigns: [campaign(1n, 1n, honest[3] as `0x${string}`, 10n ** 24n)],
      previousCumulative: new Map(),
      previouslyPaid: new Set(),
      params: DEFAULT_PARAMS,
      blockNumber: 1n,
      asOf: T0 + 22 * DAY,
      exportHash: EXPORT,
    });
    const rep = result.reputations.get(1n);
    if (!rep) throw new Error("no reputation");
    const sybilSet = new Set(sybils.map((a) => a.toLowerCase()));
    let sybilMass = 0;
    rep.nodes.forEach((a, i) => {
      if (sybilSet.has(a)) sybilMass += rep.scores[i] as number;
    });

    // Flow bound: at stationarity the cluster holds at most (1 - t) / t times the mass that crosses
    // the attack edges per step (sum of pi(u) * w(u, s) / W(u)), since seeds lie outside it and it
    // loses a share t of its mass to teleport every step.
    const postMap = new Map(posts.map((p) => [p.id, p]));
    const graph = buildGraph(DEFAULT_PARAMS, log.entries.filter(isEngagement), postMap, 1n, T0 + 22 * DAY);
    const t = DEFAULT_PARAMS.teleport;
    let crossing = 0;
    for (let u = 0; u < graph.n; u++) {
      if (sybilSet.has(graph.nodes[u] as string)) continue;
      for (let j = graph.offsets[u] as number; j < (graph.offsets[u + 1] as number); j++) {
        if (!sybilSet.has(graph.nodes[graph.targets[j] as number] as string)) continue;
        const pu = rep.scores[rep.index.get(graph.nodes[u] as string) as number] as number;
        crossing += (pu * (graph.weights[j] as number)) / (graph.outWeight[u] as number);
      }
    }
    const flowBound = ((1 - t) / t) * crossing;
    // A paid sybil needs relative reputation >= floor, so at most mass * N / floor of them are paid.
    const paidBound = Math.floor((sybilMass * rep.effectiveSize) / DEFAULT_PARAMS.reputationFloor);

    let sybilPaid = 0n;
    let total = 0n;
    for (const [a, amount] of result.payouts) {
      total += amount;
      if (sybilSet.has(a)) sybilPaid += amount;
    }
    const sybilsPaid = [...result.payouts.keys()].filter((a) => sybilSet.has(a)).length;
    const payoutShare = Number(sybilPaid) / Number(total);
    console.log(
      `sybil reputation share ${sybilMass.toExponential(3)} (flow bound ${flowBound.toExponential(3)}, ` +
        `${S}/${H + S} of accounts); paid sybils ${sybilsPaid}/${S} (bound ${paidBound}); ` +
        `sybil payout share ${payoutShare.toExponential(3)}`,
    );
    expect(sybilMass).toBeLessThanOrEqual(flowBound * (1 + 1e-6));
    expect(sybilsPaid).toBeLessThanOrEqual(paidBound);
    expect(sybilMass).toBeLessThan(0.05);
    expect(payoutShare).toBeLessThan(0.05);
    // the honest accounts remain paid
    expect(relativeReputation(rep, honest[10] as string)).toBeGreaterThan(DEFAULT_PARAMS.reputationFloor);
    expect(total).toBeGreaterThan(0n);
  });
});
