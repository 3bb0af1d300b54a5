import { act, cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { connect } from "wagmi/actions";
import { createWagmiConfig } from "../config/wagmi.ts";
import { GraphQLRequestError } from "../lib/graphql/client.ts";
import type { StreamItem } from "../lib/graphql/types.ts";
import { devAccount } from "../lib/wallet/devWallet.ts";
import { FakeIntersectionObserver, fakeGraphQL, Providers, testApp } from "../test/fixtures.tsx";
import { walletOn } from "../test/wallet.ts";
import { StreamPage } from "./StreamPage.tsx";

const promoter = devAccount(2).address.toLowerCase();
const author = devAccount(5).address.toLowerCase();
const community = { id: "1", name: "Builders" };
const post = (id: string, text: string) => ({
  id,
  author,
  community,
  topics: ["defi"],
  text,
  uri: "",
  createdAt: Math.floor(Date.now() / 1000) - 120,
  likes: 2,
  commentCount: 0,
  shares: 0,
  views: 10,
  boughtViews: 0,
});
const items: StreamItem[] = [
  { post: post("11", "An amplified post"), score: 2, amplified: true, campaign: { id: "3", promoter } },
  { post: post("12", "An organic post"), score: 1, amplified: false, campaign: null },
];

function indexer() {
  return fakeGraphQL({
    stream: () => ({
      stream: {
        edges: items.map((node, i) => ({ cursor: String(i), node })),
        pageInfo: { hasNextPage: false, endCursor: "1" },
      },
    }),
    reputation: () => ({ reputationRank: { score: 0.4213, rank: 3, ranked: 40, topPercent: 8 } }),
    communities: () => ({
      communities: {
        edges: [{ cursor: "1", node: { ...community, founder: author, description: "", moderators: [] } }],
        pageInfo: { hasNextPage: false, endCursor: null },
      },
    }),
    submit: () => ({ submitMessage: { seq: 1, kind: "View", account: "0x", signer: "0x" } }),
  });
}

/** An indexer with no communities that rates everyone 0.1, answering the given operations too. */
function quietIndexer(handlers: Parameters<typeof fakeGraphQL>[0]) {
  return fakeGraphQL({
    reputation: () => ({ reputationRank: { score: 0.1, rank: null, ranked: 40, topPercent: null } }),
    communities: () => ({ communities: { edges: [], pageInfo: { hasNextPage: false, endCursor: null } } }),
    ...handlers,
  });
}

/** Shows every card for three dwell periods, then lets what that triggers settle. */
async function dwellOnEveryCard() {
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
  act(() => FakeIntersectionObserver.show(() => true, 1));
  act(() => vi.advanceTimersByTime(testApp.dwellMs * 3));
  vi.useRealTimers();
  await new Promise((r) => setTimeout(r, 100));
}

async function renderConnected(gql: ReturnType<typeof indexer>) {
  const wagmiConfig = createWagmiConfig(testApp);
  const dev = wagmiConfig.connectors[0];
  if (!dev) throw new Error("no dev wallet");
  await (dev as unknown as { setAccountIndex(i: number): Promise<void> }).setAccountIndex(3);
  await connect(wagmiConfig, { connector: dev });
  const handle = dev as unknown as { setAccountIndex(i: number): Promise<void> };
  render(
    <Providers gql={gql.client} wagmiConfig={wagmiConfig}>
      <StreamPage community={null} onCommunity={() => {}} />
    </Providers>,
  );
  return handle;
}

describe("StreamPage", () => {
  beforeEach(() => {
    FakeIntersectionObserver.instances = [];
    vi.stubGlobal("IntersectionObserver", FakeIntersectionObserver);
  });
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
    vi.useRealTimers();
  });

  it("shows the viewer's stream with the amplified badge, promoter, campaign and author reputation", async () => {
    const gql = indexer();
    await renderConnected(gql);
    const cards = await screen.findAllByTestId("post-card");
    expect(cards).toHaveLength(2);
    const [amplified, organic] = cards as [HTMLElement, HTMLElement];
    const badge = within(amplified).getByTestId("amplified-badge");
    expect(badge.textContent).toBe("Amplified");
    expect(amplified.textContent).toContain("campaign #3");
    expect(within(amplified).getByTitle(devAccount(2).address.toLowerCase())).toBeTruthy();
    expect(within(organic).queryByTestId("amplified-badge")).toBeNull();
    await waitFor(() =>
      expect(within(amplified).getByTestId("author-reputation").textContent).toBe("Top 8 %"),
    );
    const streamCall = gql.requests.find((r) => r.query.includes("query Stream"));
    expect(streamCall?.variables.viewer).toBe(devAccount(3).address.toLowerCase());
  });

  it("sends one View receipt with the campaign id after the dwell time", async () => {
    const gql = indexer();
    await renderConnected(gql);
    await screen.findAllByTestId("post-card");
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const isPost = (id: string) => (el: Element) => el.getAttribute("data-post-id") === id;
    act(() => {
      FakeIntersectionObserver.show(isPost("11"), 0.8);
      FakeIntersectionObserver.show(isPost("12"), 0.8);
    });
    act(() => vi.advanceTimersByTime(1500));
    act(() => FakeIntersectionObserver.show(isPost("12"), 0.2)); // scrolled away early
    act(() => vi.advanceTimersByTime(testApp.dwellMs));
    vi.useRealTimers();

    const submits = () =>
      gql.requests
        .filter((r) => r.query.includes("mutation Submit"))
        .map((r) => ({
          kind: r.variables.kind,
          message: JSON.parse(r.variables.message as string),
        }));
    await waitFor(() => expect(submits().map((s) => s.kind)).toEqual(["Delegation", "View"]));
    const view = submits()[1]?.message;
    expect(view).toMatchObject({ postId: "11", campaignId: "3", dwellMs: testApp.dwellMs });
    expect(view.account).toBe(devAccount(3).address);
    const [amplified, organic] = screen.getAllByTestId("post-card");
    await waitFor(() => expect(amplified?.getAttribute("data-viewed")).toBe("true"));
    expect(organic?.getAttribute("data-viewed")).toBe("false");
  });

  it("drops the dwell clocks of the old account when the development wallet switches accounts", async () => {
    const gql = indexer();
    const dev = await renderConnected(gql);
    await screen.findAllByTestId("post-card");
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const isPost = (id: string) => (el: Element) => el.getAttribute("data-post-id") === id;
    act(() => FakeIntersectionObserver.show(isPost("11"), 0.8));
    act(() => vi.advanceTimersByTime(1500));
    vi.useRealTimers();
    // #3 switches to #4 halfway through the dwell: #3's clock must not fire as #4's receipt.
    await act(() => dev.setAccountIndex(4));
    await waitFor(() =>
      expect(gql.requests.some((r) => r.variables.viewer === devAccount(4).address.toLowerCase())).toBe(true),
    );
    await new Promise((r) => setTimeout(r, testApp.dwellMs + 300));
    const submits = () => gql.requests.filter((r) => r.query.includes("mutation Submit"));
    expect(submits()).toEqual([]);
    // #4 views the post itself: the development wallet keeps its one-click flow.
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    act(() => FakeIntersectionObserver.show(isPost("11"), 0.8));
    act(() => vi.advanceTimersByTime(testApp.dwellMs));
    vi.useRealTimers();
    await waitFor(() => expect(submits().map((r) => r.variables.kind)).toEqual(["Delegation", "View"]));
    const view = JSON.parse(submits()[1]?.variables.message as string);
    expect(view.account).toBe(devAccount(4).address);
  });

  it("never asks a browser wallet for a session key from a passive view", async () => {
    const gql = indexer();
    const { config, provider } = await walletOn(testApp.chainId, devAccount(3).address);
    render(
      <Providers gql={gql.client} wagmiConfig={config}>
        <StreamPage community={null} onCommunity={() => {}} />
      </Providers>,
    );
    await screen.findAllByTestId("post-card");
    expect(await screen.findByTestId("session-banner")).toBeTruthy();
    await dwellOnEveryCard();
    expect(provider.signing()).toEqual([]);
    expect(gql.requests.filter((r) => r.query.includes("mutation Submit"))).toEqual([]);
    // A second account arrives from the wallet: still nothing is asked.
    provider.account = devAccount(4).address;
    act(() => provider.emit("accountsChanged", [devAccount(4).address]));
    await waitFor(() =>
      expect(gql.requests.some((r) => r.variables.viewer === devAccount(4).address.toLowerCase())).toBe(true),
    );
    await dwellOnEveryCard();
    expect(provider.signing()).toEqual([]);
  });

  it("likes a post through the session key and shows the new count", async () => {
    const gql = indexer();
    await renderConnected(gql);
    const cards = await screen.findAllByTestId("post-card");
    const like = within(cards[1] as HTMLElement).getByTestId("like-button");
    expect(like.textContent).toBe("♡ 2");
    fireEvent.click(like);
    await waitFor(() => expect(like.getAttribute("aria-pressed")).toBe("true"));
    expect(like.textContent).toBe("♥ 3");
    const kinds = gql.requests
      .filter((r) => r.query.includes("mutation Submit"))
      .map((r) => [r.variables.kind, JSON.parse(r.variables.message as string).postId]);
    expect(kinds).toEqual([
      ["Delegation", undefined],
      ["Like", "12"],
    ]);
  });

  it("loads the next page when the end of the stream scrolls into view", async () => {
    const gql = quietIndexer({
      stream: (vars) => {
        const second = vars.after === "c1";
        const node = second ? items[1] : items[0];
        return {
          stream: {
            edges: [{ cursor: second ? "c2" : "c1", node }],
            pageInfo: { hasNextPage: !second, endCursor: second ? "c2" : "c1" },
          },
        };
      },
      submit: () => ({ submitMessage: { seq: 1, kind: "View", account: "0x", signer: "0x" } }),
    });
    await renderConnected(gql);
    expect(await screen.findAllByTestId("post-card")).toHaveLength(1);
    act(() => FakeIntersectionObserver.show((el) => el.getAttribute("data-testid") === "scroll-sentinel", 1));
    await waitFor(() => expect(screen.getAllByTestId("post-card")).toHaveLength(2));
    const afters = gql.requests.filter((r) => r.query.includes("query Stream")).map((r) => r.variables.after);
    expect(afters).toEqual([null, "c1"]);
    expect(screen.queryByTestId("load-more")).toBeNull();
  });

  it("shows a post once when a later page repeats it", async () => {
    const gql = quietIndexer({
      stream: (vars) => {
        const second = vars.after === "c1";
        return {
          stream: {
            edges: second
              ? [
                  { cursor: "c2", node: items[0] },
                  { cursor: "c3", node: items[1] },
                ]
              : [{ cursor: "c1", node: items[0] }],
            pageInfo: { hasNextPage: !second, endCursor: second ? "c3" : "c1" },
          },
        };
      },
      submit: () => ({ submitMessage: { seq: 1, kind: "View", account: "0x", signer: "0x" } }),
    });
    await renderConnected(gql);
    expect(await screen.findAllByTestId("post-card")).toHaveLength(1);
    act(() => FakeIntersectionObserver.show((el) => el.getAttribute("data-testid") === "scroll-sentinel", 1));
    await waitFor(() => expect(gql.requests.filter((r) => r.variables.after === "c1")).toHaveLength(1));
    await waitFor(() => expect(screen.getAllByTestId("post-card")).toHaveLength(2));
    const ids = screen.getAllByTestId("post-card").map((c) => c.getAttribute("data-post-id"));
    expect(new Set(ids).size).toBe(2);
  });

  it("falls back to the newest posts when ranking is unavailable", async () => {
    const gql = quietIndexer({
      stream: () => {
        throw new GraphQLRequestError("stream is not available", { code: "ATTENTION_UNAVAILABLE" });
      },
      posts: () => ({
        posts: {
          edges: [{ cursor: "1", node: post("12", "An organic post") }],
          pageInfo: { hasNextPage: false, endCursor: "1" },
        },
      }),
    });
    await renderConnected(gql);
    expect(await screen.findByTestId("stream-fallback")).toBeTruthy();
    const cards = await screen.findAllByTestId("post-card");
    expect(cards.map((c) => c.getAttribute("data-post-id"))).toEqual(["12"]);
  });
});
