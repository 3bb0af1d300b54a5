import { cleanup, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { devAccount } from "../lib/wallet/devWallet.ts";
import { fakeGraphQL, renderConnected } from "../test/fixtures.tsx";
import { RewardsPage } from "./RewardsPage.tsx";

afterEach(cleanup);

const AMP = 10n ** 18n;
const DISPUTER = "0x3a7c400000000000000000000000000000000001";

async function renderRewards(claimable: bigint) {
  const account = devAccount(4).address.toLowerCase();
  const gql = fakeGraphQL({
    claim: () => ({
      claim: {
        account,
        cumulativeAmount: (claimable + 2n * AMP).toString(),
        claimed: (2n * AMP).toString(),
        claimable: claimable.toString(),
        epoch: 2,
        proof: ["0x01"],
      },
    }),
    earnings: () => ({
      earnings: [
        { epoch: 1, campaignId: "3", amount: (2n * AMP).toString() },
        { epoch: 2, campaignId: "3", amount: claimable.toString() },
      ],
    }),
    epochs: () => ({
      epochs: {
        edges: [
          {
            cursor: "3",
            node: {
              number: 3,
              status: "DISPUTED",
              activeAt: 1_791_000_000,
              totalSpent: AMP.toString(),
              dispute: {
                disputer: DISPUTER,
                bond: (100n * AMP).toString(),
                deadline: 1_791_000_600,
                status: "OPEN",
              },
            },
          },
          {
            cursor: "2",
            node: {
              number: 2,
              status: "ACTIVE",
              activeAt: 1_790_000_000,
              totalSpent: claimable.toString(),
              dispute: {
                disputer: DISPUTER,
                bond: (100n * AMP).toString(),
                deadline: 1_790_000_600,
                status: "REJECTED",
              },
            },
          },
          {
            cursor: "1",
            node: {
              number: 1,
              status: "ACTIVE",
              activeAt: 1_789_000_000,
              totalSpent: (2n * AMP).toString(),
              dispute: null,
            },
          },
        ],
        pageInfo: { hasNextPage: false, endCursor: "1" },
      },
    }),
  });
  await renderConnected(gql.client, 4, <RewardsPage />);
  return gql;
}

describe("RewardsPage", () => {
  it("shows what is claimable, the epoch history and enables the claim", async () => {
    const gql = await renderRewards(3n * AMP + AMP / 2n);
    expect((await screen.findByTestId("claimable-amount")).textContent).toBe("3.5");
    const claim = screen.getByTestId("claim-button");
    expect(claim).toHaveProperty("disabled", false);
    expect(claim.textContent).toBe("Claim 3.5 AMP");
    const earnings = await screen.findByTestId("earnings-table");
    expect(within(earnings).getAllByRole("row")).toHaveLength(3);
    const epochs = within(await screen.findByTestId("epochs-table"));
    expect(epochs.getAllByText("active")).toHaveLength(2);
    expect(epochs.getByText("disputed")).toBeTruthy();
    expect(epochs.getByTestId("dispute-open").textContent).toContain("100 AMP bonded by");
    expect(epochs.getByText(/^rejected \(bond forfeited\)/)).toBeTruthy();
    const asked = gql.requests.find((r) => r.query.includes("query Claim"))?.variables.account;
    expect(asked).toBe(devAccount(4).address.toLowerCase());
  });

  it("disables the claim when nothing is claimable", async () => {
    await renderRewards(0n);
    expect((await screen.findByTestId("claimable-amount")).textContent).toBe("0");
    expect(screen.getByTestId("claim-button")).toHaveProperty("disabled", true);
  });
});
