import { keccak256, stringToBytes } from "viem";
import { describe, expect, it } from "vitest";
import { PolicyMode } from "#protocol";
import { account, campaign, community, LogBuilder, post, rng } from "../attention/fixtures.ts";
import { ImpressionLedger } from "../attention/impression-ledger.ts";
import type { LogEntry, PostInfo } from "../attention/log.ts";
import { DEFAULT_PARAMS } from "../attention/params.ts";
import { SocialState } from "../attention/policy.ts";
import { computeEpoch } from "./epoch.ts";

const DAY = 86_400;
const T0 = 1_700_000_000;
const T = T0 + 21 * DAY;

/** 30 engaged members (so viewers have reputation), campaign 1 on post 1 by member 5; epoch entries from `act`. */
function epochWith(act: (log: LogBuilder, who: (i: number) => `0x${string}`) => void) {
  const r = rng(7);
  const log = new LogBuilder();
  const members = Array.from({ length: 30 }, (_, i) => account(i));
  const posts: PostInfo[] = members.map((m, i) => post(BigInt(i + 1), m, 1n, T0));
  for (let k = 0; k < 600; k++) {
    const who = members[Math.floor(r() * 30)] as `0x${string}`;
    log.engage("Like", who, BigInt(1 + Math.floor(r() * 30)), T0 + Math.floor(r() * 20 * DAY));
  }
  const startSeq = log.seq;
  act(log, (i) => members[i] as `0x${string}`);
  const result = computeEpoch({
    epoch: 1,
    entries: log.entries,
    startSeq: 0,
    endSeq: log.seq,
    posts,
    communities: [community(1n, account(0), [account(1)])],
    campaigns: [campaign(1n, 1n, account(5), 10n ** 21n)],
    previousCumulative: new Map(),
    previouslyPaid: new Set(),
    params: DEFAULT_PARAMS,
    blockNumber: 1n,
    asOf: T + DAY,
    exportHash: keccak256(stringToBytes(`impressions-${startSeq}`)),
  });
  return (i: number) =>
    result.payments.some((p) => p.role === "viewer" && p.account === account(i).toLowerCase());
}

const view = (log: LogBuilder, who: `0x${string}`, t: number, dwellMs = 5000) =>
  log.engage("View", who, 1n, t, { campaignId: 1n, dwellMs });

describe("a view pays only with a matching impression", () => {
  const cases: { name: string; paid: boolean; act: (log: LogBuilder, who: `0x${string}`) => void }[] = [
    {
      name: "impression served under an admitting policy, then a View: paid",
      paid: true,
      act: (log, who) => {
        log.everyone(who, T - 100);
        log.impression(who, 1n, 1n, T);
        view(log, who, T + 10);
      },
    },
    {
      name: "a signed View without any impression: not paid",
      paid: false,
      act: (log, who) => {
        log.everyone(who, T - 100);
        view(log, who, T + 10);
      },
    },
    {
      name: "opted out (default Friends) when served, switched to Everyone before the View: not paid",
      paid: false,
      act: (log, who) => {
        log.impression(who, 1n, 1n, T);
        log.everyone(who, T + 5);
        view(log, who, T + 10);
      },
    },
    {
      name: "admitted when served, opted out before the View: paid (the recorded policy counts)",
      paid: true,
      act: (log, who) => {
        log.everyone(who, T - 100);
        log.impression(who, 1n, 1n, T);
        log.policy(who, PolicyMode.None, T + 5);
        view(log, who, T + 10);
      },
    },
    {
      name: "a View after the impression expired: not paid",
      paid: false,
      act: (log, who) => {
        log.everyone(who, T - 100);
        log.impression(who, 1n, 1n, T, { ttl: 60 });
        view(log, who, T + 61);
      },
    },
    {
      name: "an impression recording a policy that is not the viewer's current one: not paid",
      paid: false,
      act: (log, who) => {
        log.everyone(who, T - 100);
        log.impression(who, 1n, 1n, T, { policySeq: 1 });
        view(log, who, T + 10);
      },
    },
    {
      name: "an impression for another post of the campaign's: not paid",
      paid: false,
      act: (log, who) => {
        log.everyone(who, T - 100);
        log.impression(who, 1n, 2n, T);
        view(log, who, T + 10);
      },
    },
    {
      name: "an impression and a Like, no View: not paid",
      paid: false,
      act: (log, who) => {
        log.everyone(who, T - 100);
        log.impression(who, 1n, 1n, T);
        log.engage("Like", who, 1n, T + 10);
      },
    },
    {
      name: "an impression and a View too short: not paid",
      paid: false,
      act: (log, who) => {
        log.everyone(who, T - 100);
        log.impression(who, 1n, 1n, T);
        view(log, who, T + 10, 500);
      },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const paid = epochWith((log, who) => c.act(log, who(12)));
      expect(paid(12)).toBe(c.paid);
    });
  }

  it("counts at most the per-campaign cap and the hourly ration of a viewer's impressions", () => {
    const { impressionsPerCampaign, impressionsPerHourMax } = DEFAULT_PARAMS.delivery;
    const viewer = account(12);
    const log = new LogBuilder();
    const social = new SocialState();
    const ledger = new ImpressionLedger(DEFAULT_PARAMS);
    const ctx = {
      social,
      post: (id: bigint) => post(id, account(40), 1n, T0),
      campaign: (id: bigint) => ({ postId: id, promoter: account(41) }),
    };
    const feed = (e: LogEntry) => {
      social.apply(e);
      ledger.observe(e, ctx);
    };
    feed(log.everyone(viewer, T - 100));
    for (let k = 0; k < impressionsPerCampaign + 2; k++) feed(log.impression(viewer, 1n, 1n, T + k));
    expect(ledger.impressionsOf(viewer, 1n)).toBe(impressionsPerCampaign);
    for (let c = 2n; c < 200n; c++) feed(log.impression(viewer, c, c, T + 10));
    expect(ledger.servedInHour(viewer, T + 10)).toBe(impressionsPerHourMax);
    // An hour later the ration is free again.
    feed(log.impression(viewer, 500n, 500n, T + 3700));
    expect(ledger.impressionsOf(viewer, 500n)).toBe(1);
  });
});
