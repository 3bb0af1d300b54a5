import { describe, expect, it } from "vitest";
import { fakeGraphQL } from "../../test/fixtures.tsx";
import { getNewestClaim, newestActiveEpoch } from "./indexer.ts";

const account = "0x00000000000000000000000000000000000000aa";
const epochs = (list: { number: number; status: string }[]) => () => ({
  epochs: {
    edges: list.map((e) => ({ cursor: String(e.number), node: { ...e, activeAt: 0, totalSpent: "0" } })),
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
  it("uses the newest active epoch's payout when the indexer's claim is for an older root", async () => {
    const gql = fakeGraphQL({
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
    const claim = await getNewestClaim(gql.client, account);
    expect(claim).toMatchObject({
      epoch: 2,
      cumulativeAmount: "700",
      claimable: "600",
      proof: ["0x02", "0x03"],
      rootAheadOfChain: true,
    });
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
