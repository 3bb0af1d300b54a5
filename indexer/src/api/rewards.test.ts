/** GraphQL: pending earnings of the unsettled epoch and a campaign's history per epoch. */
import { describe, expect, it } from "vitest";
import { seededApiEachTest } from "#test-kit/api.ts";
import { wallets } from "#test-kit/helpers.ts";
import type { EpochPreview } from "../settlement/preview.ts";

const [alice, bob] = wallets() as [ReturnType<typeof wallets>[number], ReturnType<typeof wallets>[number]];
const SETTLED = 1_700_000_500;

const preview = (): EpochPreview => ({
  epoch: 3,
  asOf: SETTLED + 20,
  fromSeq: 10,
  toSeq: 14,
  lastSettledAt: SETTLED,
  payouts: new Map([[bob.address.toLowerCase(), 700n]]),
  decisions: [
    { campaignId: 1n, account: bob.address.toLowerCase(), reason: "paid", amount: 700n },
    { campaignId: 2n, account: bob.address.toLowerCase(), reason: "dwellTooShort", amount: 0n },
    { campaignId: 1n, account: alice.address.toLowerCase(), reason: "authorOrPromoter", amount: 0n },
  ],
});

const PENDING = `query($a: String!) { pendingEarnings(account: $a) {
  account epoch amount asOf lastSettledAt settlesAt claimableAt epochSeconds challengeWindowSeconds
  views { campaignId reason amount campaign { id } } } }`;

describe("GraphQL pendingEarnings", () => {
  let calls = 0;
  const { gql } = seededApiEachTest(alice.address, 2, (db) => {
    calls = 0;
    // A settled spend of campaign 1 in epoch 2, paying bob.
    db.prepare("INSERT INTO blocks (number, hash, parent_hash, timestamp) VALUES (5, ?, ?, ?)").run(
      `0x${"05".repeat(32)}`,
      `0x${"04".repeat(32)}`,
      SETTLED,
    );
    db.prepare(
      "INSERT INTO campaign_spends (campaign_id, epoch, amount, block_number, log_index) VALUES (1, 2, '700', 5, 0)",
    ).run();
    db.prepare(
      "INSERT INTO epoch_campaign_payouts (epoch, campaign_id, account, amount) VALUES (2, 1, ?, '700')",
    ).run(bob.address.toLowerCase());
    return {
      pending: {
        current: async () => {
          calls++;
          return preview();
        },
      },
      epochSeconds: 30,
      deployment: {
        chainId: 31337,
        startBlock: 0,
        contracts: {
          AMPToken: alice.address,
          AMPSocial: alice.address,
          AMPEscrow: alice.address,
        },
        challengeWindow: 15,
      } as never,
    };
  });

  it("answers the viewer's pending amount, the countdown times and every view's reason", async () => {
    const r = await gql(PENDING, { a: bob.address.toUpperCase().replace("0X", "0x") });
    expect(r.errors).toBeUndefined();
    expect(r.data.pendingEarnings).toEqual({
      account: bob.address.toLowerCase(),
      epoch: 3,
      amount: "700",
      asOf: SETTLED + 20,
      lastSettledAt: SETTLED,
      settlesAt: SETTLED + 30,
      claimableAt: SETTLED + 45,
      epochSeconds: 30,
      challengeWindowSeconds: 15,
      views: [
        { campaignId: "1", reason: "PAID", amount: "700", campaign: { id: "1" } },
        { campaignId: "2", reason: "DWELL_TOO_SHORT", amount: "0", campaign: null },
      ],
    });
    expect(calls).toBe(1);
  });

  it("answers zero and no views for an account the epoch does not mention", async () => {
    const r = await gql(PENDING, { a: `0x${"ab".repeat(20)}` });
    expect(r.errors).toBeUndefined();
    expect(r.data.pendingEarnings.amount).toBe("0");
    expect(r.data.pendingEarnings.views).toEqual([]);
  });

  it.each([
    ["not an address", "nope"],
    ["too short", "0x1234"],
    ["SQL", "0x' OR 1=1 --"],
    ["huge", `0x${"a".repeat(10_000)}`],
  ])("refuses a hostile account (%s) with BAD_USER_INPUT and computes nothing", async (_, a) => {
    const r = await gql(PENDING, { a });
    expect(r.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(calls).toBe(0);
  });

  it("shows a campaign's spend and paid viewers per settled epoch", async () => {
    const r = await gql(`{ campaign(id: "1") { history { epoch settledAt spent paidViews } } }`);
    expect(r.errors).toBeUndefined();
    expect(r.data.campaign.history).toEqual([{ epoch: 2, settledAt: SETTLED, spent: "700", paidViews: 1 }]);
  });
});

describe("GraphQL pendingEarnings without a chain client", () => {
  const { gql } = seededApiEachTest(alice.address, 1, () => ({}));
  it("says it is unavailable with a code", async () => {
    const r = await gql(PENDING, { a: bob.address });
    expect(r.errors?.[0]?.extensions?.code).toBe("PENDING_UNAVAILABLE");
  });
});

describe("GraphQL pendingEarnings when the computation fails", () => {
  const { gql } = seededApiEachTest(alice.address, 1, () => ({
    pending: {
      current: async () => {
        throw new RangeError("rpc down\nstack");
      },
    },
  }));
  it("answers PENDING_UNAVAILABLE, not an unexpected error", async () => {
    const r = await gql(PENDING, { a: bob.address });
    expect(r.errors?.[0]?.extensions?.code).toBe("PENDING_UNAVAILABLE");
    expect(r.errors?.[0]?.message).toContain("rpc down");
  });
});
