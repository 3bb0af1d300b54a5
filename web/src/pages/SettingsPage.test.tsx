import { cleanup, fireEvent, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { devAccount } from "../lib/wallet/devWallet.ts";
import { fakeGraphQL, renderConnected } from "../test/fixtures.tsx";
import { SettingsPage } from "./SettingsPage.tsx";

afterEach(cleanup);

describe("SettingsPage", () => {
  it("creates a session key with one delegation, then revokes it", async () => {
    const account = devAccount(7).address.toLowerCase();
    const gql = fakeGraphQL({
      account: () => ({
        account: {
          address: account,
          balance: "0",
          claimable: "0",
          claimed: "0",
          followerCount: 0,
          followingCount: 0,
          followers: { edges: [], pageInfo: { hasNextPage: false } },
          following: { edges: [], pageInfo: { hasNextPage: false } },
          policy: { mode: "FRIENDS", communities: [], topics: [], blockedPromoters: [], explicit: false },
        },
      }),
      communities: () => ({ communities: { edges: [], pageInfo: { hasNextPage: false, endCursor: null } } }),
      submit: (vars) => ({ submitMessage: { seq: 1, kind: vars.kind, account, signer: account } }),
    });
    await renderConnected(gql.client, 7, <SettingsPage />);
    expect(await screen.findByTestId("policy-default")).toBeTruthy();
    expect((await screen.findByTestId("session-status")).textContent).toBe("No session key.");

    fireEvent.click(screen.getByTestId("enable-session"));
    await waitFor(() => expect(screen.getByTestId("session-status").textContent).toMatch(/^Active key 0x/));
    fireEvent.click(screen.getByTestId("revoke-session"));
    await waitFor(() => expect(screen.getByTestId("session-status").textContent).toBe("No session key."));

    const sent = gql.requests
      .filter((r) => r.query.includes("mutation Submit"))
      .map((r) => ({ kind: r.variables.kind, message: JSON.parse(r.variables.message as string) }));
    expect(sent.map((s) => s.kind)).toEqual(["Delegation", "RevokeDelegation"]);
    expect(sent[1]?.message.sessionKey).toBe(sent[0]?.message.sessionKey);
    expect(sent[0]?.message.account).toBe(devAccount(7).address);
  });
});
