import { cleanup, fireEvent, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { devAccount } from "../lib/wallet/devWallet.ts";
import { fakeGraphQL, renderConnected } from "../test/fixtures.tsx";
import { ProfilePage } from "./ProfilePage.tsx";

afterEach(cleanup);

const person = devAccount(2).address;
const viewer = devAccount(3).address;

describe("ProfilePage", () => {
  it("shows counts and reputation, and follows through the session key", async () => {
    const gql = fakeGraphQL({
      account: () => ({
        account: {
          address: person.toLowerCase(),
          balance: "5000000000000000000",
          claimable: "0",
          claimed: "0",
          followerCount: 1,
          followingCount: 0,
          followers: {
            edges: [{ cursor: "a", node: { address: devAccount(9).address.toLowerCase() } }],
            pageInfo: {},
          },
          following: { edges: [], pageInfo: {} },
          policy: { mode: "FRIENDS", communities: [], topics: [], blockedPromoters: [], explicit: false },
        },
      }),
      posts: () => ({ posts: { edges: [], pageInfo: { hasNextPage: false, endCursor: null } } }),
      communities: () => ({
        communities: {
          edges: [
            {
              cursor: "1",
              node: { id: "1", name: "Builders", founder: person, description: "", moderators: [] },
            },
          ],
          pageInfo: { hasNextPage: false, endCursor: null },
        },
      }),
      reputation: () => ({ reputationRank: { score: 0.0421, rank: 2, ranked: 1500, topPercent: 1 } }),
      submit: (vars) => ({ submitMessage: { seq: 1, kind: vars.kind, account: viewer, signer: viewer } }),
    });
    await renderConnected(gql.client, 3, <ProfilePage address={person} />);
    expect(await screen.findByText("No posts yet")).toBeTruthy();
    expect(screen.getByTestId("follower-count").textContent).toBe("1");
    expect(screen.getByTestId("following-count").textContent).toBe("0");
    expect(screen.getByText("AMP").previousElementSibling?.textContent).toBe("5");

    fireEvent.click(screen.getByTestId("profile-tab-reputation"));
    await waitFor(() =>
      expect(screen.getByTestId("reputation-table").textContent).toContain("BuildersTop 1 %2 of 1,5000.042"),
    );

    const follow = screen.getByTestId("follow-button");
    expect(follow.textContent).toBe("Follow");
    fireEvent.click(follow);
    await waitFor(() => expect(screen.getByTestId("follow-button").textContent).toBe("Unfollow"));
    const message = gql.requests
      .filter((r) => r.query.includes("mutation Submit") && r.variables.kind === "Follow")
      .map((r) => JSON.parse(r.variables.message as string))[0];
    expect(message).toMatchObject({ account: viewer, target: person, follow: true });
  });
});
