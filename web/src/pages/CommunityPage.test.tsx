import { cleanup, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { devAccount } from "../lib/wallet/devWallet.ts";
import { fakeGraphQL, renderConnected } from "../test/fixtures.tsx";
import { CommunityPage } from "./CommunityPage.tsx";

afterEach(cleanup);

const [first, second] = [devAccount(1).address.toLowerCase(), devAccount(2).address.toLowerCase()];

describe("CommunityPage leaderboard", () => {
  it("gives percentiles among every account with reputation, not only the rows shown", async () => {
    const gql = fakeGraphQL({
      community: () => ({
        community: {
          id: "1",
          founder: first,
          name: "Builders",
          description: "",
          moderators: [],
          postCount: 0,
        },
      }),
      leaderboard: () => ({
        leaderboard: [
          { account: first, score: 3.2, rank: 1 },
          { account: second, score: 1.1, rank: 2 },
        ],
      }),
      // 400 accounts hold reputation in the community, as the leader's rank says.
      reputation: () => ({ reputationRank: { score: 3.2, rank: 1, ranked: 400, topPercent: 1 } }),
      posts: () => ({ posts: { edges: [], pageInfo: { hasNextPage: false, endCursor: null } } }),
    });
    await renderConnected(gql.client, 3, <CommunityPage id="1" />);
    await waitFor(() =>
      expect(screen.getAllByTestId("reputation-percentile").map((c) => c.textContent)).toEqual([
        "top 1 %",
        "top 1 %",
      ]),
    );
  });
});
