import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { type Hex, verifyTypedData } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { afterEach, describe, expect, it } from "vitest";
import { engagementTypes } from "#protocol";
import { messageDomain } from "../lib/messages.ts";
import { PolicyMode, policyFormFrom } from "../lib/policy.ts";
import { submitWithWallet } from "../lib/session/engagement.ts";
import { HARDHAT_PRIVATE_KEYS } from "../lib/wallet/hardhatAccounts.ts";
import { fakeGraphQL, testApp } from "../test/fixtures.tsx";
import { PolicyEditor } from "./PolicyEditor.tsx";

afterEach(cleanup);

const wallet = privateKeyToAccount(HARDHAT_PRIVATE_KEYS[4] as Hex);
const ctx = { chainId: testApp.chainId, social: testApp.contracts.social };
const communities = [
  { id: "1", founder: wallet.address, name: "Builders", description: "", moderators: [] },
  { id: "2", founder: wallet.address, name: "Music", description: "", moderators: [] },
];
const blocked = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8";

describe("PolicyEditor", () => {
  it("saves chosen topics and blocked promoters as a Policy message whose signature verifies", async () => {
    const gql = fakeGraphQL({
      submit: () => ({ submitMessage: { seq: 1, kind: "View", account: "0x", signer: "0x" } }),
    });
    const saved: Promise<unknown>[] = [];
    render(
      <PolicyEditor
        initial={policyFormFrom(null)}
        communities={communities}
        onSave={(fields) =>
          saved.push(
            submitWithWallet(
              { client: gql.client, ctx, walletSign: (p) => wallet.signTypedData(p as never) },
              "Policy",
              { ...fields, account: wallet.address },
            ),
          )
        }
      />,
    );
    expect(screen.getByTestId("policy-mode-friends")).toHaveProperty("checked", true);
    fireEvent.click(screen.getByTestId("policy-mode-topics"));
    fireEvent.change(screen.getByTestId("policy-topics"), { target: { value: "Music, #climate music" } });
    fireEvent.change(screen.getByTestId("policy-blocked"), { target: { value: blocked } });
    fireEvent.click(screen.getByTestId("policy-save"));

    await waitFor(() => expect(saved).toHaveLength(1));
    const { message, signature } = (await saved[0]) as Awaited<ReturnType<typeof submitWithWallet<"Policy">>>;
    expect(message.mode).toBe(PolicyMode.Topics);
    expect(message.topics).toEqual(["music", "climate"]);
    expect(message.communities).toEqual([]);
    expect(message.blockedPromoters).toEqual(["0x70997970C51812dc3A010C7d01b50e0d17dc79C8"]);
    const valid = await verifyTypedData({
      address: wallet.address,
      domain: messageDomain(ctx),
      types: { Policy: engagementTypes.Policy },
      primaryType: "Policy",
      message,
      signature,
    });
    expect(valid).toBe(true);
    // What travelled to the indexer is the same message, bigints as decimal strings.
    const sent = gql.requests[0]?.variables;
    expect(sent?.kind).toBe("Policy");
    expect(JSON.parse(sent?.message as string)).toMatchObject({ mode: 3, nonce: message.nonce.toString() });
    expect(sent?.signature).toBe(signature);
  });

  it("saves chosen communities as ids", async () => {
    const calls: unknown[] = [];
    render(
      <PolicyEditor initial={policyFormFrom(null)} communities={communities} onSave={(f) => calls.push(f)} />,
    );
    fireEvent.click(screen.getByTestId("policy-mode-communities"));
    fireEvent.click(screen.getByLabelText("Music"));
    fireEvent.click(screen.getByTestId("policy-save"));
    expect(calls).toEqual([
      { mode: PolicyMode.Communities, communities: [2n], topics: [], blockedPromoters: [] },
    ]);
  });

  it("refuses a malformed promoter address without signing", () => {
    const calls: unknown[] = [];
    render(
      <PolicyEditor initial={policyFormFrom(null)} communities={communities} onSave={(f) => calls.push(f)} />,
    );
    fireEvent.change(screen.getByTestId("policy-blocked"), { target: { value: "0x1234" } });
    fireEvent.click(screen.getByTestId("policy-save"));
    expect(calls).toEqual([]);
    expect(screen.getByRole("alert").textContent).toMatch(/not an address/);
  });

  it("starts from the saved policy", () => {
    render(
      <PolicyEditor
        initial={policyFormFrom({ mode: 4, communities: [], topics: [], blockedPromoters: [blocked] })}
        communities={communities}
        onSave={() => {}}
      />,
    );
    expect(screen.getByTestId("policy-mode-everyone")).toHaveProperty("checked", true);
    expect((screen.getByTestId("policy-blocked") as HTMLTextAreaElement).value).toBe(blocked);
  });
});
