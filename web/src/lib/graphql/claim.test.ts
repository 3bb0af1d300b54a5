import { describe, expect, it } from "vitest";
import { fakeGraphQL } from "../../test/fixtures.tsx";
import { CHAIN_CLOCK_MARGIN_SECONDS, getNewestClaim, newestActiveEpoch } from "./indexer.ts";

const account = "0x00000000000000000000000000000000000000aa";
const epochs = (list: { number: number; status: string }[]) => () => ({
  epochs: {
    edges: list.map((e) => ({ cursor: String(e.number), node: { ...e, activeAt: 1000, totalSpent: "0" } })),
    pageInfo: { hasNextPage: false, endCursor: null },
  },
});
const claimAt = (epoch: number | null, cumulative: string) => () => ({
  claim: { account, cumulativeAmount: cumulative, claimed: "100", claimable: "0", epoch, proof: ["0x01"] },
});

describe("newestActiveEpoch", () => {
  it("is the highest active number, ignoring pending and revoked settlements", () => {
    const list = [
      { number: 4, status: "PENDING", activeAt: 0, totalSpent: "0" },
      { number: 3, status: "REVOKED", activeAt: 0, totalSpent: "0" },
      { number: 2, status: "ACTIVE", activeAt: 0, totalSpent: "0" },
      { number: 1, status: "ACTIVE", activeAt: 0, totalSpent: "0" },
    ] as const;
    expect(newestActiveEpoch([...list])).toBe(2);
    expect(newestActiveEpoch([])).toBe(null);
  });
});

describe("getNewestClaim", () => {
  const newerEpoch = () =>
    fakeGraphQL({
      claim: claimAt(1, "300"),
      epochs: epochs([
        { number: 2, status: "ACTIVE" },
        { number: 1, status: "ACTIVE" },
      ]),
      epochPayouts: (vars) => {
        expect(vars.epoch).toBe(2);
        const edges =
          vars.after === null
            ? [
                {
                  cursor: "a",
                  node: { account: "0x0000000000000000000000000000000000000001", cumulative: "5", proof: [] },
                },
              ]
            : [{ cursor: "b", node: { account, cumulative: "700", proof: ["0x02", "0x03"] } }];
        return {
          epoch: { payouts: { edges, pageInfo: { hasNextPage: vars.after === null, endCursor: "a" } } },
        };
      },
    });
  const at = (chain: number, now: number) => ({ chainTime: async () => chain, now: () => now });

  it("uses the newest active epoch's payout when the chain's latest block shows it active", async () => {
    const claim = await getNewestClaim(newerEpoch().client, account, at(1000, 1001));
    expect(claim).toMatchObject({
      epoch: 2,
      cumulativeAmount: "700",
      claimable: "600",
      proof: ["0x02", "0x03"],
    });
    expect(claim?.rootAheadOfChain).toBeUndefined();
    expect(claim?.activatingAt).toBeUndefined();
  });

  it("waits out the chain's clock margin, then claims the newer root with a set gas limit", async () => {
    const early = await getNewestClaim(newerEpoch().client, account, at(990, 1005));
    expect(early).toMatchObject({
      epoch: 2,
      claimable: "600",
      activatingAt: 1000 + CHAIN_CLOCK_MARGIN_SECONDS,
    });
    const later = await getNewestClaim(
      newerEpoch().client,
      account,
      at(990, 1000 + CHAIN_CLOCK_MARGIN_SECONDS),
    );
    expect(later).toMatchObject({ epoch: 2, cumulativeAmount: "700", rootAheadOfChain: true });
    expect(later?.activatingAt).toBeUndefined();
  });

  it("keeps the indexer's claim when it already is for the newest active epoch", async () => {
    const gql = fakeGraphQL({
      claim: claimAt(2, "300"),
      epochs: epochs([{ number: 2, status: "ACTIVE" }]),
    });
    const claim = await getNewestClaim(gql.client, account);
    expect(claim).toMatchObject({ epoch: 2, cumulativeAmount: "300" });
    expect(claim?.rootAheadOfChain).toBeUndefined();
    expect(gql.requests.some((r) => r.query.includes("EpochPayouts"))).toBe(false);
  });

  it("keeps the indexer's claim when the account has no payout in the newer epoch", async () => {
    const gql = fakeGraphQL({
      claim: claimAt(1, "300"),
      epochs: epochs([{ number: 2, status: "ACTIVE" }]),
      epochPayouts: () => ({
        epoch: { payouts: { edges: [], pageInfo: { hasNextPage: false, endCursor: null } } },
      }),
    });
    expect(await getNewestClaim(gql.client, account)).toMatchObject({ epoch: 1, cumulativeAmount: "300" });
  });
});
