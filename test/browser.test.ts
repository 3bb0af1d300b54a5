/**
 * The dApp in a real browser (Debian's Chromium driven by playwright-core)
 * against the network from `npm start`: an author posts, a second account
 * sees it in its stream, a promoter amplifies it, the viewer who allows
 * amplified content views it and is paid after the settler's epoch and
 * claims; an opted-out viewer sees no boost and earns nothing; an account with
 * no history amplifies its post and an eligible viewer finds it on the first
 * page of the stream. Screenshots of the main pages land in
 * test-results/screenshots/.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { devAccount, graphql } from "#protocol/client.ts";
import { expectAccessible, foundersLike, launchChromium } from "#test-kit/browser.ts";
import { chainClients } from "#test-kit/chain.ts";
import { type RunningNetwork, startNetwork, stopNetworkGroup, until } from "#test-kit/network.ts";

const root = join(import.meta.dirname, "..");
const shots = join(root, "test-results", "screenshots");

let net: RunningNetwork;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  net = await startNetwork(28545);
  browser = await launchChromium();
}, 20 * 60_000);

afterAll(async () => {
  await browser?.close();
  if (net) await stopNetworkGroup(net.child);
});

/** A browser context per person (its own localStorage, so its own session key), connected with the dev wallet. */
async function openAs(index: number, route: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  contexts.push(context);
  const page = await context.newPage();
  page.on("pageerror", (error) => console.error(`page error (account #${index}): ${error.message}`));
  await page.goto(`${net.webUrl}?devAccount=${index}#${route}`);
  const address = devAccount(index).address;
  await page.locator(`[data-testid=account-chip][data-address="${address}" i]`).waitFor({ timeout: 60_000 });
  return page;
}

async function goto(page: Page, route: string) {
  await page.evaluate((r) => {
    window.location.hash = r;
  }, route);
}

async function savePolicy(page: Page, mode: "everyone" | "none") {
  await goto(page, "/settings");
  await page.getByTestId(`policy-mode-${mode}`).check();
  await page.getByTestId("policy-save").click();
  await page.getByTestId("policy-saved").waitFor({ timeout: 30_000 });
}

/** Finds a post in the page's stream, reloading while the indexer catches up, and scrolls it on screen. */
async function findPost(page: Page, postId: string, route = "/") {
  const card = page.locator(`[data-testid=post-card][data-post-id="${postId}"]`);
  await until(`post ${postId} in the stream`, async () => {
    await goto(page, route);
    await page.reload();
    await page.getByTestId("post-list").waitFor({ timeout: 30_000 });
    for (let i = 0; i < 5 && (await card.count()) === 0; i++) {
      const more = page.getByTestId("load-more");
      if ((await more.count()) === 0) break;
      await more.click();
      await page.waitForTimeout(500);
    }
    return (await card.count()) > 0;
  });
  await card.scrollIntoViewIfNeeded();
  return card;
}

describe("the dApp in Chromium", () => {
  it("posts, amplifies, pays the viewer who allowed it and not the one who opted out", async () => {
    const chain = chainClients(net.rpcUrl, net.deployment);
    const [author, viewer, promoter, optedOut] = [45, 46, 47, 48];
    for (const index of [author, viewer, promoter, optedOut]) await chain.fund(devAccount(index), "1000");

    // The viewer has standing in the community: the founders like one of its posts.
    const own = await chain.publish(devAccount(viewer), 1n, "Notes from a careful reader");
    await foundersLike(net, own);

    const viewerPage = await openAs(viewer, "/settings");
    await savePolicy(viewerPage, "everyone");
    await viewerPage.screenshot({ path: join(shots, "settings.png"), fullPage: true });
    await expectAccessible(viewerPage, "settings");
    const optedOutPage = await openAs(optedOut, "/settings");
    await savePolicy(optedOutPage, "none");

    // The author publishes from the composer.
    const authorPage = await openAs(author, "/");
    await authorPage.getByTestId("composer-community").selectOption("1");
    await authorPage.getByTestId("composer-topics").fill("release");
    const text = `Release notes, read in a real browser ${Date.now()}`;
    await authorPage.getByTestId("composer-text").fill(text);
    await authorPage.getByTestId("publish-button").click();
    await authorPage.getByTestId("composer-confirmed").waitFor({ timeout: 60_000 });
    const postId = await until("the indexer to see the new post", async () => {
      const { posts } = await graphql<{ posts: { edges: { node: { id: string; text: string } }[] } }>(
        net.graphqlUrl,
        `{ posts(author: "${devAccount(author).address}", first: 5) { edges { node { id text } } } }`,
      );
      return posts.edges.find((e) => e.node.text === text)?.node.id;
    });
    await authorPage.screenshot({ path: join(shots, "stream-author.png"), fullPage: false });
    await expectAccessible(authorPage, "stream-author");

    // Another account sees it in its stream; the promoter amplifies it with a quote first.
    await findPost(viewerPage, postId);
    const promoterPage = await openAs(promoter, "/");
    const promoted = await findPost(promoterPage, postId);
    await promoted.getByTestId("amplify-button").click();
    await promoterPage.getByTestId("amplify-amount").fill("50");
    await promoterPage.getByTestId("quote-views").waitFor({ timeout: 30_000 });
    await promoterPage.screenshot({ path: join(shots, "amplify.png") });
    await expectAccessible(promoterPage, "amplify");
    await promoterPage.getByTestId("amplify-submit").click();
    await promoterPage.getByTestId("amplify-success").waitFor({ timeout: 90_000 });
    const campaignId = await until("the indexer to see the campaign", async () => {
      const { campaigns } = await graphql<{ campaigns: { edges: { node: { id: string } }[] } }>(
        net.graphqlUrl,
        `{ campaigns(post: "${postId}", first: 1) { edges { node { id } } } }`,
      );
      return campaigns.edges[0]?.node.id;
    });

    // The viewer who allows amplified content sees the boost and dwells on the post.
    const boosted = await findPost(viewerPage, postId);
    await until("the amplified badge", async () => {
      await findPost(viewerPage, postId);
      return (await boosted.getAttribute("data-amplified")) === "true";
    });
    await boosted.getByTestId("amplified-badge").waitFor();
    await viewerPage.screenshot({ path: join(shots, "stream-amplified.png") });
    await expectAccessible(viewerPage, "stream-amplified");
    const boughtView = () =>
      graphql<{ messages: { edges: { node: { message: string } }[] } }>(
        net.graphqlUrl,
        `{ messages(account: "${devAccount(viewer).address}", kind: View, first: 20) { edges { node { message } } } }`,
      );
    await until("the viewer's bought view receipt", async () =>
      (await boughtView()).messages.edges.some((e) => JSON.parse(e.node.message).campaignId === campaignId),
    );

    // The opted-out viewer sees the post without a boost.
    const plain = await findPost(optedOutPage, postId);
    expect(await plain.getAttribute("data-amplified")).toBe("false");
    await optedOutPage.waitForTimeout(4000);

    // The settler pays the viewer in its next epoch; after the challenge window the viewer claims.
    await until("the viewer's earnings", async () => {
      const { earnings } = await graphql<{ earnings: { campaign: { id: string } }[] }>(
        net.graphqlUrl,
        `{ earnings(account: "${devAccount(viewer).address}") { campaign { id } } }`,
      );
      return earnings.some((e) => e.campaign.id === campaignId);
    });
    await goto(viewerPage, "/rewards");
    await until("a claimable amount", async () => {
      await chain.rpc("evm_mine"); // the indexer reads time from blocks
      await viewerPage.reload();
      const text = await viewerPage.getByTestId("claimable-amount").textContent({ timeout: 10_000 });
      return text !== null && Number.parseFloat(text.replace(/,/g, "")) > 0;
    });
    // The chart of earnings per epoch draws the settled epoch.
    const chart = viewerPage.getByTestId("earnings-chart");
    await chart.waitFor({ timeout: 30_000 });
    await expect
      .poll(() => chart.locator(".recharts-bar-rectangle").count(), { timeout: 30_000 })
      .toBeGreaterThan(0);
    await viewerPage.screenshot({ path: join(shots, "rewards.png"), fullPage: true });
    await expectAccessible(viewerPage, "rewards");
    const before = await chain.balanceOf(devAccount(viewer).address);
    await viewerPage.getByTestId("claim-button").click();
    await viewerPage.getByTestId("claim-result").waitFor({ timeout: 60_000 });
    // The result names the epochs that earned what it paid.
    expect(await viewerPage.getByTestId("claim-result").textContent()).toMatch(
      /^Claimed [\d,.]+ AMP, earned in epochs? [\d, and]+\.$/,
    );
    const after = await chain.balanceOf(devAccount(viewer).address);
    expect(after).toBeGreaterThan(before);
    // The settled epoch's earning is among the viewer's notifications.
    await goto(viewerPage, "/notifications");
    const earned = viewerPage.locator("[data-testid=notification][data-kind=EARNING]").first();
    await earned.waitFor({ timeout: 30_000 });
    expect(await earned.textContent()).toMatch(/You earned [\d,.]+ AMP in epoch \d+\./);
    await viewerPage.screenshot({ path: join(shots, "notifications-earning.png"), fullPage: true });
    await expectAccessible(viewerPage, "notifications-earning");

    await goto(optedOutPage, "/rewards");
    await chain.rpc("evm_mine");
    await optedOutPage.reload();
    const nothing = await optedOutPage.getByTestId("claimable-amount").textContent({ timeout: 30_000 });
    expect(Number.parseFloat((nothing ?? "x").replace(/,/g, ""))).toBe(0);

    // The other main pages, for the record.
    await goto(promoterPage, "/campaigns");
    await promoterPage.getByTestId("campaign-card").first().waitFor({ timeout: 30_000 });
    await promoterPage.screenshot({ path: join(shots, "campaigns.png"), fullPage: true });
    await expectAccessible(promoterPage, "campaigns");
    // The campaign's page: its settled epoch in the views-and-spend chart, the realised price
    // against the quote, and why they differ.
    await goto(promoterPage, `/campaign/${campaignId}`);
    const campaignChart = promoterPage.getByTestId("campaign-chart");
    await campaignChart.waitFor({ timeout: 30_000 });
    await expect
      .poll(() => campaignChart.locator(".recharts-bar-rectangle").count(), { timeout: 30_000 })
      .toBeGreaterThan(0);
    expect(await promoterPage.getByTestId("realised-price").textContent()).toMatch(/AMP$/);
    expect(((await promoterPage.getByTestId("price-reason").textContent()) ?? "").length).toBeGreaterThan(10);
    await promoterPage.screenshot({ path: join(shots, "campaign.png"), fullPage: true });
    await expectAccessible(promoterPage, "campaign");
    await goto(authorPage, "/c/1");
    await authorPage.getByTestId("leaderboard").waitFor({ timeout: 30_000 });
    await authorPage.screenshot({ path: join(shots, "community.png"), fullPage: true });
    await expectAccessible(authorPage, "community");
    await goto(authorPage, `/u/${devAccount(author).address}`);
    await authorPage.getByTestId("profile").waitFor({ timeout: 30_000 });
    await authorPage.screenshot({ path: join(shots, "profile.png"), fullPage: true });
    await expectAccessible(authorPage, "profile");
    const phone = await browser.newContext({ viewport: { width: 375, height: 812 } });
    contexts.push(phone);
    const phonePage = await phone.newPage();
    await phonePage.goto(`${net.webUrl}?devAccount=${viewer}#/`);
    await phonePage.getByTestId("post-list").waitFor({ timeout: 60_000 });
    await phonePage.screenshot({ path: join(shots, "stream-phone.png") });
    await expectAccessible(phonePage, "stream-phone");
  });

  it("shows an amplified post from a new account on the first page of an eligible viewer's stream", async () => {
    const chain = chainClients(net.rpcUrl, net.deployment);
    const [newcomer, reader] = [43, 44];
    for (const index of [newcomer, reader]) await chain.fund(devAccount(index), "1000");
    // The reader has standing in the community and admits amplified content.
    const own = await chain.publish(devAccount(reader), 1n, "A reader's first notes");
    await foundersLike(net, own);
    const readerPage = await openAs(reader, "/settings");
    await savePolicy(readerPage, "everyone");

    // An account with no history publishes and amplifies its post with 40 AMP.
    const postId = await chain.publish(devAccount(newcomer), 1n, `A newcomer's first post ${Date.now()}`);
    const campaignId = await chain.amplify(devAccount(newcomer), postId, 40n * 10n ** 18n, 7n * 86_400n);
    await until("the indexer to see the campaign", async () => {
      const { campaign } = await graphql<{ campaign: { id: string } | null }>(
        net.graphqlUrl,
        `{ campaign(id: "${campaignId}") { id } }`,
      );
      return campaign;
    });

    // The reader's first page (nothing loaded beyond it) carries the post, labelled amplified.
    const card = readerPage.locator(
      `[data-testid=post-card][data-post-id="${postId}"][data-amplified="true"]`,
    );
    await until("the amplified post on the reader's first page", async () => {
      await goto(readerPage, "/");
      await readerPage.reload();
      await readerPage.getByTestId("post-list").waitFor({ timeout: 30_000 });
      return (await card.count()) > 0;
    });
    await card.getByTestId("amplified-badge").waitFor();
    await readerPage.screenshot({ path: join(shots, "stream-newcomer-amplified.png") });
  });
});
