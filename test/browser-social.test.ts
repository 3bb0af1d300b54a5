/**
 * The social journeys in a real browser (Debian's Chromium driven by playwright-core) against
 * the network from `npm start`: the Connect dialog on screen, a fresh post on top of its
 * author's stream, a reply in a thread and a reply to it, a repost counted once, a quote linking
 * its original, a like remembered after reload and an unlike, notifications received and read,
 * Settings that say which policy is on record, a budget that buys no views refused, a mention by
 * display name as a link and a notification, and the API's coded refusals. A screenshot per page lands in test-results/screenshots/social-*.png.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ampSocialAbi, NO_AVATAR } from "#protocol";
import { devAccount, graphql, submitSigned } from "#protocol/client.ts";
import { expectAccessible, launchChromium } from "#test-kit/browser.ts";
import { chainClients } from "#test-kit/chain.ts";
import { type RunningNetwork, startNetwork, stopNetworkGroup, until } from "#test-kit/network.ts";

const root = join(import.meta.dirname, "..");
const shots = join(root, "test-results", "screenshots");
/** Saves a screenshot and runs axe-core on the page as the user sees it. */
async function shot(page: Page, name: string, fullPage = true) {
  await page.screenshot({ path: join(shots, `social-${name}.png`), fullPage });
  await expectAccessible(page, name);
}

// Accounts of this suite only (the main browser suite uses #45-#48).
const [AUTHOR, REPLIER, FAN, SETTINGS] = [40, 41, 42, 43];

let net: RunningNetwork;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  net = await startNetwork(38545);
  browser = await launchChromium();
  const chain = chainClients(net.rpcUrl, net.deployment);
  for (const index of [AUTHOR, REPLIER, FAN, SETTINGS]) await chain.fund(devAccount(index), "1000");
}, 20 * 60_000);

afterAll(async () => {
  await browser?.close();
  if (net) await stopNetworkGroup(net.child);
});

async function openAs(index: number, route: string, viewport = { width: 1280, height: 900 }): Promise<Page> {
  const context = await browser.newContext({ viewport });
  await context.grantPermissions(["clipboard-read", "clipboard-write"], {
    origin: new URL(net.webUrl).origin,
  });
  contexts.push(context);
  const page = await context.newPage();
  page.on("pageerror", (error) => console.error(`page error (account #${index}): ${error.message}`));
  await page.goto(`${net.webUrl}?devAccount=${index}#${route}`);
  await page
    .locator(`[data-testid=account-chip][data-address="${devAccount(index).address}" i]`)
    .waitFor({ timeout: 60_000 });
  return page;
}

async function goto(page: Page, route: string) {
  await page.evaluate((r) => {
    window.location.hash = r;
  }, route);
}

const card = (page: Page, postId: string) =>
  page.locator(`[data-testid=post-card][data-post-id="${postId}"]`);

/** Publishes `text` from the stream's composer and returns the new post's id once indexed. */
async function publishFromComposer(page: Page, index: number, text: string): Promise<string> {
  await goto(page, "/");
  await page.getByTestId("composer-community").selectOption("1");
  await page.getByTestId("composer-text").fill(text);
  await page.getByTestId("publish-button").click();
  await page.getByTestId("composer-confirmed").waitFor({ timeout: 60_000 });
  return until("the indexer to see the new post", async () => {
    const { posts } = await graphql<{ posts: { edges: { node: { id: string; text: string } }[] } }>(
      net.graphqlUrl,
      `{ posts(author: "${devAccount(index).address}", first: 5) { edges { node { id text } } } }`,
    );
    return posts.edges.find((e) => e.node.text === text)?.node.id;
  });
}

/** Opens a post's page and waits for its card. */
async function openPost(page: Page, postId: string) {
  await goto(page, `/p/${postId}`);
  await page.getByTestId("post-page").waitFor({ timeout: 30_000 });
  await card(page, postId).first().waitFor({ timeout: 30_000 });
}

describe("the social dApp in Chromium", () => {
  let postId = "";

  it("shows the Connect wallet dialog inside the viewport on desktop and phone", async () => {
    for (const [name, viewport] of [
      ["desktop", { width: 1280, height: 900 }],
      ["phone", { width: 390, height: 844 }],
    ] as const) {
      const context = await browser.newContext({ viewport });
      contexts.push(context);
      const page = await context.newPage();
      await page.goto(`${net.webUrl}#/`);
      await page.getByTestId("connect-button").click();
      const dialog = page.getByRole("dialog", { name: "Connect a wallet" });
      await dialog.waitFor({ timeout: 30_000 });
      const title = await dialog.getByRole("heading", { name: "Connect a wallet" }).boundingBox();
      const close = await dialog.getByRole("button", { name: /close/i }).first().boundingBox();
      expect(title?.y ?? -1, `${name}: title on screen`).toBeGreaterThanOrEqual(0);
      expect(close?.y ?? -1, `${name}: close button on screen`).toBeGreaterThanOrEqual(0);
      expect((title?.y ?? 0) + (title?.height ?? 0)).toBeLessThanOrEqual(viewport.height);
      await shot(page, `connect-${name}`, false);
      await context.close();
    }
  });

  it("puts a post you just published on top of your own stream", async () => {
    const page = await openAs(AUTHOR, "/");
    postId = await publishFromComposer(page, AUTHOR, `A fresh thought from the composer ${Date.now()}`);
    await page.reload();
    await page.getByTestId("post-list").waitFor({ timeout: 30_000 });
    // On the first screen, without loading more pages.
    await card(page, postId).first().waitFor({ timeout: 30_000 });
    await shot(page, "stream-fresh-post", false);
  });

  it("replies in a thread, and a reply to the reply renders beneath it", async () => {
    const replier = await openAs(REPLIER, "/");
    await openPost(replier, postId);
    await replier.getByTestId(`reply-${postId}-input`).fill("First reply, from the post page");
    await replier.getByTestId(`reply-${postId}-submit`).click();
    const first = replier.getByTestId("thread-reply").filter({ hasText: "First reply, from the post page" });
    await first.waitFor({ timeout: 60_000 });
    expect(await first.getAttribute("data-depth")).toBe("0");
    const replyId = await first.getByTestId("post-card").first().getAttribute("data-post-id");

    const author = await openAs(AUTHOR, "/");
    await openPost(author, postId);
    const theirs = author.getByTestId("thread-reply").filter({ hasText: "First reply, from the post page" });
    await theirs.getByTestId("reply-to-reply").first().click();
    await author.getByTestId(`reply-${replyId}-input`).fill("Answering the reply");
    await author.getByTestId(`reply-${replyId}-submit`).click();
    const nested = author.getByTestId(`replies-${replyId}`).getByTestId("thread-reply");
    await nested.filter({ hasText: "Answering the reply" }).waitFor({ timeout: 60_000 });
    expect(await nested.first().getAttribute("data-depth")).toBe("1");
    await expect
      .poll(() => card(author, postId).first().getByTestId("reply-link").textContent())
      .toBe("Reply 1");
    // The reply's own card says what it replies to, with a link there.
    const nestedCard = nested.first().getByTestId("post-card").first();
    expect(await nestedCard.getByTestId("replying-to").textContent()).toContain(`post #${replyId}`);
    // The permalink and copy-link.
    await author.getByTestId("copy-link").click();
    expect(await author.getByTestId("copy-link-status").textContent()).toBe("Link copied");
    expect(await author.getByTestId("permalink").textContent()).toContain(`#/p/${postId}`);
    await shot(author, "post-thread");
  });

  it("reposts once: the count stays after a reload and a second repost is refused", async () => {
    const fan = await openAs(FAN, "/");
    await openPost(fan, postId);
    const repost = card(fan, postId).first().getByTestId("share-button");
    const before = Number((await repost.textContent())?.replace(/\D/g, ""));
    await repost.click();
    await until("the repost to show", async () => (await repost.getAttribute("aria-pressed")) === "true");
    expect(await repost.textContent()).toBe(`Repost ${before + 1}`);
    await fan.reload();
    await card(fan, postId).first().waitFor({ timeout: 30_000 });
    const again = card(fan, postId).first().getByTestId("share-button");
    await until("the repost remembered", async () => (await again.getAttribute("aria-pressed")) === "true");
    expect(await again.isDisabled()).toBe(true);
    expect(await again.textContent()).toBe(`Repost ${before + 1}`);
  });

  it("quotes a post, and the quote links to the original", async () => {
    const fan = await openAs(FAN, "/");
    await openPost(fan, postId);
    await card(fan, postId).first().getByTestId("quote-button").click();
    await fan.getByTestId("quote-input").fill("Quoting this one");
    await fan.getByTestId("quote-submit").click();
    const quoteId = await until("the indexer to see the quote", async () => {
      const { post } = await graphql<{ post: { quotes: { edges: { node: { id: string } }[] } } }>(
        net.graphqlUrl,
        `{ post(id: "${postId}") { quotes(first: 1) { edges { node { id } } } } }`,
      );
      return post.quotes.edges[0]?.node.id;
    });
    await openPost(fan, quoteId);
    const quoted = card(fan, quoteId).first().getByTestId("quoted-post");
    expect(await quoted.textContent()).toContain(`post #${postId}`);
    await shot(fan, "quote");
    await quoted.click();
    await until("the original's page", async () => fan.url().endsWith(`#/p/${postId}`));
    await card(fan, postId).first().waitFor({ timeout: 30_000 });
  });

  it("remembers a like after a reload, and unlikes", async () => {
    const fan = await openAs(FAN, "/");
    await openPost(fan, postId);
    const like = () => card(fan, postId).first().getByTestId("like-button");
    const count = async () => Number((await like().textContent())?.replace(/\D/g, ""));
    const before = await count();
    expect(await like().getAttribute("aria-pressed")).toBe("false");
    await like().click();
    await until("the like to show", async () => (await like().getAttribute("aria-pressed")) === "true");
    expect(await count()).toBe(before + 1);
    await fan.reload();
    await card(fan, postId).first().waitFor({ timeout: 30_000 });
    await until("the like remembered", async () => (await like().getAttribute("aria-pressed")) === "true");
    expect(await count()).toBe(before + 1);
    await like().click();
    await until("the unlike to show", async () => (await like().getAttribute("aria-pressed")) === "false");
    expect(await count()).toBe(before);
    const { post } = await graphql<{ post: { likes: number; likedBy: boolean } }>(
      net.graphqlUrl,
      `{ post(id: "${postId}") { likes likedBy(account: "${devAccount(FAN).address}") } }`,
    );
    expect(post).toEqual({ likes: before, likedBy: false });
  });

  it("receives notifications with an unread count in the header, and reads them", async () => {
    const author = await openAs(AUTHOR, "/");
    const unread = author.getByTestId("unread-count");
    await unread.waitFor({ timeout: 30_000 });
    expect(Number(await unread.textContent())).toBeGreaterThanOrEqual(3);
    await author.getByTestId("notifications-link").click();
    const list = author.getByTestId("notification");
    await list.first().waitFor({ timeout: 30_000 });
    const kinds = await list.evaluateAll((els) => els.map((e) => e.getAttribute("data-kind")));
    expect(kinds).toEqual(expect.arrayContaining(["REPLY", "REPOST", "QUOTE"]));
    const reply = list.filter({ hasText: "replied to your post" }).first();
    expect(await reply.getAttribute("data-read")).toBe("false");
    await shot(author, "notifications");
    await author.getByTestId("mark-read").click();
    await until(
      "the notifications read",
      async () => (await author.getByTestId("notifications-unread").textContent()) === "All read",
    );
    await author.reload();
    await author.getByTestId("notification").first().waitFor({ timeout: 30_000 });
    expect(await author.getByTestId("unread-count").count()).toBe(0);
    expect(await author.getByTestId("notification").first().getAttribute("data-read")).toBe("true");
    // The reply notification opens the reply.
    await author
      .getByTestId("notification")
      .filter({ hasText: "replied to your post" })
      .first()
      .getByTestId("notification-post")
      .click();
    await author.getByTestId("post-page").waitFor({ timeout: 30_000 });
  });

  it("Settings never shows Saved beside an error and says which policy is on record", async () => {
    const page = await openAs(SETTINGS, "/settings");
    await page.getByTestId("policy-mode-friends").check();
    await page.getByTestId("policy-save").click();
    await page.getByTestId("policy-saved").waitFor({ timeout: 30_000 });
    // Everyone, with a broken blocked address: refused in the form.
    await page.getByTestId("policy-mode-everyone").check();
    await page.getByTestId("policy-blocked").fill("not-an-address");
    await page.getByTestId("policy-save").click();
    await page.getByRole("alert").filter({ hasText: "is not an address" }).waitFor();
    expect(await page.getByTestId("policy-saved").count()).toBe(0);
    expect(await page.getByTestId("policy-on-record").textContent()).toBe("Friends");
    await shot(page, "settings-error");
    await page.getByTestId("policy-reset").click();
    expect(await page.getByTestId("policy-mode-friends").isChecked()).toBe(true);
  });

  it("refuses a budget that buys no views", async () => {
    const page = await openAs(SETTINGS, "/");
    await openPost(page, postId);
    await card(page, postId).first().getByTestId("amplify-button").click();
    await page.getByTestId("amplify-amount").fill("0.000000000000000001");
    await page.getByTestId("quote-too-small").waitFor({ timeout: 30_000 });
    expect(await page.getByTestId("quote-views").textContent()).toBe("0");
    expect(await page.getByTestId("amplify-submit").isDisabled()).toBe(true);
    await shot(page, "amplify-too-small", false);
  });

  it("links a mention by display name to the profile and notifies the mentioned account", async () => {
    const name = `Fan Club ${Date.now() % 100_000}`;
    const fan = devAccount(FAN);
    await submitSigned(net.graphqlUrl, net.deployment, fan, "Profile", {
      account: fan.address,
      name,
      avatar: NO_AVATAR,
      bio: "",
      timestamp: BigInt(Math.floor(Date.now() / 1000) - 5),
      nonce: BigInt(Date.now()) * 1000n,
    });
    const replier = await openAs(REPLIER, "/");
    const text = `Welcome @${name}, and hello to @nobody-known-here ${Date.now()}`;
    const mentionId = await publishFromComposer(replier, REPLIER, text);
    await openPost(replier, mentionId);
    const mention = card(replier, mentionId).first().getByTestId("mention");
    await mention.waitFor({ timeout: 30_000 });
    expect(await mention.count()).toBe(1);
    expect(await mention.textContent()).toBe(`@${name}`);
    expect(await mention.getAttribute("href")).toBe(`#/u/${fan.address.toLowerCase()}`);
    expect(await card(replier, mentionId).first().locator(".post-text").textContent()).toBe(text);
    await shot(replier, "mention");
    await mention.click();
    await expect
      .poll(() => replier.getByTestId("profile-name").textContent(), { timeout: 30_000 })
      .toBe(name);

    const fanPage = await openAs(FAN, "/notifications");
    const mentioned = fanPage.getByTestId("notification").filter({ hasText: "mentioned you" });
    await mentioned.first().waitFor({ timeout: 30_000 });
    expect(await mentioned.first().getAttribute("data-kind")).toBe("MENTION");
    expect(await mentioned.first().getByTestId("notification-post").textContent()).toContain(`@${name}`);
    await shot(fanPage, "notifications-mention");
  });

  it("deletes the author's post: gone from the stream, its page and the API, the chain's record unchanged", async () => {
    const page = await openAs(AUTHOR, "/");
    const text = `A post its author will delete ${Date.now()}`;
    const doomed = await publishFromComposer(page, AUTHOR, text);
    await page.reload();
    const mine = card(page, doomed).first();
    await mine.waitFor({ timeout: 30_000 });
    // Only the author is offered Delete.
    const other = await openAs(FAN, `/p/${doomed}`);
    await card(other, doomed).first().waitFor({ timeout: 30_000 });
    expect(await card(other, doomed).first().getByTestId("delete-post").count()).toBe(0);

    await mine.getByTestId("delete-post").click();
    await page.getByTestId("delete-post-confirm").waitFor();
    await shot(page, "delete-confirm", false);
    await page.getByTestId("delete-post-submit").click();
    // The card leaves the stream (a refusal would show as an alert on the card instead).
    await expect
      .poll(
        async () =>
          (await card(page, doomed).count()) === 0
            ? "gone"
            : ((await card(page, doomed)
                .first()
                .getByRole("alert")
                .textContent()
                .catch(() => null)) ?? "shown"),
        { timeout: 30_000 },
      )
      .toBe("gone");
    await page.reload();
    await page.getByTestId("post-list").waitFor({ timeout: 30_000 });
    await page.getByTestId("post-card").first().waitFor({ timeout: 30_000 });
    expect(await card(page, doomed).count()).toBe(0);
    await goto(page, `/p/${doomed}`);
    await page.getByText(`No post #${doomed}`).waitFor({ timeout: 30_000 });
    await page.getByText("It does not exist, or its author deleted it.").waitFor();
    await shot(page, "deleted-post-page");
    const { post } = await graphql<{ post: { id: string } | null }>(
      net.graphqlUrl,
      `{ post(id: "${doomed}") { id } }`,
    );
    expect(post).toBeNull();
    // The chain still holds the post as it was published.
    const chain = chainClients(net.rpcUrl, net.deployment);
    const logs = await chain.publicClient.getContractEvents({
      address: net.deployment.contracts.AMPSocial,
      abi: ampSocialAbi,
      eventName: "PostPublished",
      args: { postId: BigInt(doomed) },
      fromBlock: 0n,
    });
    expect(logs.map((l) => l.args.text)).toEqual([text]);
  });

  it("answers hostile queries with a code", async () => {
    const codeOf = async (query: string) => {
      const res = await fetch(net.graphqlUrl, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query }),
      });
      const body = (await res.json()) as { errors?: { message: string; extensions?: { code?: string } }[] };
      return body.errors?.[0];
    };
    const promoter = devAccount(AUTHOR).address;
    const huge = await codeOf(
      `{ quote(promoter: "${promoter}", community: "1", budget: "${"9".repeat(60)}") { views } }`,
    );
    expect(huge?.extensions?.code).toBe("QUOTE_OUT_OF_RANGE");
    expect(huge?.message).not.toBe("Unexpected error.");
    const unknown = await codeOf(
      `{ quote(promoter: "${promoter}", community: "999", budget: "1000") { views } }`,
    );
    expect(unknown?.extensions?.code).toBe("UNKNOWN_COMMUNITY");
    const page = await codeOf(`{ posts(first: 100000) { edges { node { id } } } }`);
    expect(page?.extensions?.code).toBe("PAGE_TOO_LARGE");
  });
});
