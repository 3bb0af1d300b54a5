import { cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { failStep, type StepRecord, startStep } from "../hooks/transactions.ts";
import type { AmplifyStep, StepFailure } from "../lib/chain/actions.ts";
import type { Post } from "../lib/graphql/types.ts";
import { devAccount } from "../lib/wallet/devWallet.ts";
import { fakeGraphQL, renderConnected } from "../test/fixtures.tsx";
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

  const run = (...events: ([AmplifyStep] | [AmplifyStep, StepFailure] | [StepFailure])[]) =>
    events.reduce<StepRecord[]>((records, event) => {
      if (event.length === 2) return failStep(records, event[1], event[0]);
      const [only] = event;
      return only === "failed" || only === "declined" ? failStep(records, only) : startStep(records, only);
    }, []);

  it("lists the plan before anything started", () => {
    render(<AmplifySteps steps={[]} running />);
    expect(states()).toEqual(["permit:todo", "amplify:todo", "confirm:todo", "done:todo"]);
  });

  it("shows the permit path in progress", () => {
    render(<AmplifySteps steps={run(["permit"], ["amplify"])} running />);
    expect(states()).toEqual(["permit:done", "amplify:active", "confirm:todo", "done:todo"]);
  });

  it("shows a permit the wallet refused (4200) as failed, then the approve path", () => {
    const steps = run(["permit"], ["permit", "failed"], ["approve"], ["amplify"], ["confirm"], ["done"]);
    render(<AmplifySteps steps={steps} running={false} />);
    expect(states()).toEqual(["permit:failed", "approve:done", "amplify:done", "confirm:done", "done:done"]);
    expect(screen.getAllByRole("listitem")[0]?.textContent).toMatch(/not supported.*approving instead/);
  });

  it("shows a permit rejected in the wallet (4001) as declined, never as signed", () => {
    render(<AmplifySteps steps={run(["permit"], ["permit", "declined"])} running={false} />);
    expect(states()).toEqual(["permit:declined", "amplify:todo", "confirm:todo", "done:todo"]);
    expect(screen.getAllByRole("listitem")[0]?.textContent).not.toMatch(/✓/);
  });

  it("marks the running step failed when the transaction fails", () => {
    render(<AmplifySteps steps={run(["permit"], ["amplify"], ["failed"])} running={false} />);
    expect(states()).toEqual(["permit:done", "amplify:failed", "confirm:todo", "done:todo"]);
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
    await renderConnected(gql.client, 2, <AmplifyDialog post={post} onClose={() => {}} />);
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
