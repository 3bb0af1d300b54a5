import { cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { connect } from "wagmi/actions";
import { createWagmiConfig } from "../config/wagmi.ts";
import type { Post } from "../lib/graphql/types.ts";
import { devAccount } from "../lib/wallet/devWallet.ts";
import { fakeGraphQL, Providers, testApp } from "../test/fixtures.tsx";
import { AmplifyDialog, AmplifySteps } from "./AmplifyDialog.tsx";

afterEach(cleanup);

const post: Post = {
  id: "7",
  author: devAccount(4).address,
  community: { id: "2", name: "Climate" },
  topics: [],
  text: "hello",
  uri: "",
  createdAt: 0,
  likes: 0,
  commentCount: 0,
  shares: 0,
  views: 0,
  boughtViews: 0,
};

describe("AmplifySteps", () => {
  const states = () =>
    screen
      .getAllByRole("listitem")
      .map((li) => `${li.getAttribute("data-step")}:${li.getAttribute("data-state")}`);

  it("shows the permit path in progress", () => {
    render(<AmplifySteps steps={["permit", "amplify"]} running />);
    expect(states()).toEqual(["permit:done", "amplify:active", "confirm:todo", "done:todo"]);
  });

  it("shows the approve path when the wallet could not sign a permit", () => {
    render(<AmplifySteps steps={["permit", "approve", "amplify", "confirm", "done"]} running={false} />);
    expect(states()).toEqual(["permit:done", "approve:done", "amplify:done", "confirm:done", "done:done"]);
  });
});

describe("AmplifyDialog", () => {
  it("asks the indexer what the budget buys for this promoter and community", async () => {
    const gql = fakeGraphQL({
      quote: (vars) => ({
        quote: {
          views: Number(BigInt(vars.budget as string) / 10n ** 17n),
          pricePerView: (10n ** 17n).toString(),
          promoterReputation: 0.25,
        },
      }),
    });
    const wagmiConfig = createWagmiConfig(testApp);
    const dev = wagmiConfig.connectors[0] as (typeof wagmiConfig.connectors)[number] & {
      setAccountIndex(i: number): Promise<void>;
    };
    await dev.setAccountIndex(2);
    await connect(wagmiConfig, { connector: dev });
    render(
      <Providers gql={gql.client} wagmiConfig={wagmiConfig}>
        <AmplifyDialog post={post} onClose={() => {}} />
      </Providers>,
    );
    expect((await screen.findByTestId("quote-views")).textContent).toBe("100");
    const quote = gql.requests.find((r) => r.query.includes("query Quote"))?.variables;
    expect(quote).toEqual({
      promoter: devAccount(2).address.toLowerCase(),
      community: "2",
      budget: "10000000000000000000",
    });
    expect(within(screen.getByTestId("amplify-quote")).getByText(/0\.1 AMP per view/)).toBeTruthy();

    fireEvent.change(screen.getByTestId("amplify-amount"), { target: { value: "abc" } });
    expect(screen.getByText("Enter a positive amount.")).toBeTruthy();
    expect(screen.getByTestId("amplify-submit")).toHaveProperty("disabled", true);
  });
});
