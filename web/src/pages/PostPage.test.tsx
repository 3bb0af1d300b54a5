import { cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { devAccount } from "../lib/wallet/devWallet.ts";
import { fakeGraphQL, renderConnected } from "../test/fixtures.tsx";
import { NotificationsPage } from "./NotificationsPage.tsx";
import { PostPage } from "./PostPage.tsx";

afterEach(cleanup);

const author = devAccount(2).address.toLowerCase();
const replier = devAccount(4).address.toLowerCase();
const post = (id: string, by: string, text: string, parent: string | null) => ({
  id,
  author: by,
  community: { id: "1", name: "Builders" },
  topics: [],
  text,
  uri: "",
  createdAt: Math.floor(Date.now() / 1000) - 60,
  likes: 0,
  commentCount: 0,
  shares: 0,
  views: 0,
  boughtViews: 0,
  replyCount: 0,
  quoteCount: 0,
  parent: parent ? { id: parent, author } : null,
  quoted: null,
});

describe("PostPage", () => {
  it("renders the thread as a tree: replies to replies beneath their parent", async () => {
    const gql = fakeGraphQL({
      postThread: () => ({
        post: {
          ...post("1", author, "the root", null),
          thread: {
            edges: [
              { node: post("2", replier, "first reply", "1") },
              { node: post("3", author, "reply to the reply", "2") },
              { node: post("4", replier, "second reply", "1") },
            ],
          },
        },
      }),
      viewerState: () => ({ post: { likedBy: true, sharedBy: false } }),
      reputation: () => ({ reputation: 0.1 }),
    });
    await renderConnected(gql.client, 3, <PostPage id="1" />);
    await screen.findByTestId("post-page");
    const top = screen.getByTestId("replies-1");
    const direct = within(top)
      .getAllByTestId("thread-reply")
      .filter((li) => li.dataset.depth === "0");
    expect(direct.map((li) => li.querySelector("[data-post-id]")?.getAttribute("data-post-id"))).toEqual([
      "2",
      "4",
    ]);
    const nested = within(screen.getByTestId("replies-2")).getByTestId("thread-reply");
    expect(nested.dataset.depth).toBe("1");
    expect(nested.textContent).toContain("reply to the reply");
    expect(screen.getByText("3 replies")).toBeTruthy();
    expect(screen.getByTestId("permalink").textContent).toContain("#/p/1");
    // The like the indexer remembers shows pressed.
    const root = screen.getAllByTestId("post-card").find((c) => c.getAttribute("data-post-id") === "1");
    await waitFor(() =>
      expect(
        within(root as HTMLElement)
          .getByTestId("like-button")
          .getAttribute("aria-pressed"),
      ).toBe("true"),
    );
  });

  it("says when there is no such post", async () => {
    const gql = fakeGraphQL({ postThread: () => ({ post: null }) });
    await renderConnected(gql.client, 3, <PostPage id="99" />);
    expect(await screen.findByText("No post #99")).toBeTruthy();
  });
});

describe("NotificationsPage", () => {
  it("lists notifications, marks unread ones, and signs a read marker up to the newest", async () => {
    const gql = fakeGraphQL({
      notifications: () => ({
        notifications: {
          edges: [
            {
              node: {
                id: "2",
                kind: "LIKE",
                actor: replier,
                post: { id: "1", text: "hello" },
                epoch: null,
                amount: null,
                createdAt: 1_800_000_100,
                read: false,
              },
            },
            {
              node: {
                id: "1",
                kind: "EARNING",
                actor: null,
                post: null,
                epoch: 3,
                amount: "1500000000000000000",
                createdAt: 1_800_000_000,
                read: true,
              },
            },
          ],
        },
        unreadCount: 1,
      }),
      submit: (vars) => ({ submitMessage: { seq: 1, kind: vars.kind, account: author, signer: author } }),
    });
    await renderConnected(gql.client, 3, <NotificationsPage />);
    const items = await screen.findAllByTestId("notification");
    expect(items.map((i) => [i.dataset.kind, i.dataset.read])).toEqual([
      ["LIKE", "false"],
      ["EARNING", "true"],
    ]);
    expect(items[0]?.textContent).toContain("liked your post");
    expect(items[1]?.textContent).toContain("You earned 1.5 AMP in epoch 3");
    fireEvent.click(screen.getByTestId("mark-read"));
    await waitFor(() => {
      const sent = gql.requests.filter((r) => r.variables.kind === "NotificationsRead");
      expect(sent.length).toBe(1);
      expect(JSON.parse(sent[0]?.variables.message as string).readUntil).toBe("1800000100");
    });
  });
});
