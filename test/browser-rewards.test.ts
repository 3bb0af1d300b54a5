/**
 * Communities, earnings and campaigns in a real browser against `npm start`: a founder creates a
 * community and adds, removes and re-adds a moderator, a member joins and leaves, a viewer sees what is pending for
 * it this epoch with the countdown to settlement, another sees why its view will not pay, the
 * promoter sees forecast against delivered and tops its campaign up, and every account in the
 * picker is funded. Every page visit runs axe-core; screenshots land in test-results/screenshots/.
 *
 * Epochs here last 15 minutes, so what this suite does stays pending while it looks at it.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { parseEther } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { devAccount, graphql, submitSigned } from "#protocol/client.ts";
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
  process.env.AMP_EPOCH_SECONDS = "900";
  net = await startNetwork(38545);
  browser = await launchChromium();
}, 20 * 60_000);

afterAll(async () => {
  await browser?.close();
  if (net) await stopNetworkGroup(net.child);
});

async function openAs(index: number, route: string, viewport = { width: 1280, height: 900 }): Promise<Page> {
  const context = await browser.newContext({ viewport });
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

/** Saves a screenshot and runs axe-core on the page as the user sees it. */
async function record(page: Page, name: string) {
  await page.screenshot({ path: join(shots, `rewards-${name}.png`), fullPage: true });
  await expectAccessible(page, name);
}

const text = async (page: Page, testId: string) =>
  ((await page.getByTestId(testId).first().textContent({ timeout: 30_000 })) ?? "").trim();

describe("communities, earnings and campaigns in Chromium", () => {
  it("funds every account the picker offers", async () => {
    const chain = chainClients(net.rpcUrl, net.deployment);
    for (let i = 1; i <= 49; i++) {
      const { address } = devAccount(i);
      expect(await chain.publicClient.getBalance({ address }), `ETH of #${i}`).toBeGreaterThan(0n);
      expect(await chain.balanceOf(address), `AMP of #${i}`).toBeGreaterThan(0n);
    }
    // The last account in the picker shows a balance and can publish.
    const page = await openAs(49, "/");
    await until("a balance in the header", async () => {
      const shown = await text(page, "amp-balance");
      return Number.parseFloat(shown.replace(/,/g, "")) > 0;
    });
    await page.getByTestId("composer-community").selectOption("1");
    await page.getByTestId("composer-text").fill(`Hello from the last picker account ${Date.now()}`);
    await page.getByTestId("publish-button").click();
    await page.getByTestId("composer-confirmed").waitFor({ timeout: 60_000 });
    await record(page, "stream");
  });

  it("creates a community, adds and removes a moderator, and a member joins and leaves", async () => {
    const [founder, moderator, member] = [43, 44, 39];
    const founderPage = await openAs(founder, "/communities");
    const name = `Makers ${Date.now() % 100000}`;
    await page(founderPage).fill("community-name", name);
    await page(founderPage).fill("community-description", "Things people make by hand");
    await founderPage.getByTestId("create-community-submit").click();
    const done = founderPage.getByTestId("create-community-done");
    await done.waitFor({ timeout: 60_000 });
    await record(founderPage, "communities");
    const link = await done.locator("a").getAttribute("href");
    const id = link?.match(/#\/c\/(\d+)/)?.[1];
    expect(id).toBeDefined();

    await goto(founderPage, `/c/${id}`);
    await expect.poll(() => founderPage.locator("h1").first().textContent(), { timeout: 30_000 }).toBe(name);
    await founderPage.getByTestId("moderator-address").fill(devAccount(moderator).address);
    await founderPage.getByTestId("add-moderator").click();
    await founderPage
      .locator(`[data-testid=moderator][data-address="${devAccount(moderator).address.toLowerCase()}"]`)
      .waitFor({ timeout: 60_000 });
    await record(founderPage, "community-founder");
    // The founder removes the moderator again: the chain drops it and the page follows.
    const modRow = founderPage.locator(
      `[data-testid=moderator][data-address="${devAccount(moderator).address.toLowerCase()}"]`,
    );
    await modRow.getByTestId("remove-moderator").click();
    await expect.poll(() => modRow.count(), { timeout: 60_000 }).toBe(0);
    const { community } = await graphql<{ community: { moderators: string[] } }>(
      net.graphqlUrl,
      `{ community(id: "${id}") { moderators } }`,
    );
    expect(community.moderators.map((m) => m.toLowerCase())).not.toContain(
      devAccount(moderator).address.toLowerCase(),
    );
    await founderPage.getByTestId("moderator-address").fill(devAccount(moderator).address);
    await founderPage.getByTestId("add-moderator").click();
    await modRow.waitFor({ timeout: 60_000 });

    const memberPage = await openAs(member, `/c/${id}`);
    await expect.poll(() => text(memberPage, "member-count"), { timeout: 30_000 }).toBe("0 members");
    await memberPage.getByTestId("membership-button").click();
    await memberPage.getByTestId("member-badge").waitFor({ timeout: 30_000 });
    await expect.poll(() => text(memberPage, "member-count"), { timeout: 30_000 }).toBe("1 member");
    expect(await memberPage.getByTestId("membership-button").textContent()).toBe("Leave");
    // The member's communities feed the "chosen communities" policy editor.
    await goto(memberPage, "/settings");
    await memberPage.getByTestId("policy-mode-communities").check();
    await memberPage.getByTestId("policy-joined").getByText(name).waitFor({ timeout: 30_000 });
    await goto(memberPage, `/c/${id}`);
    await memberPage.getByTestId("membership-button").click();
    await expect.poll(() => text(memberPage, "member-count"), { timeout: 30_000 }).toBe("0 members");
    await expect.poll(() => memberPage.getByTestId("member-badge").count()).toBe(0);
    await record(memberPage, "community-member");
  });

  it("shows a pending earning with its countdown, the reason a view will not pay, and the campaign's delivery and top-up", async () => {
    const chain = chainClients(net.rpcUrl, net.deployment);
    const [author, viewer, promoter, unpaid] = [45, 46, 47, 48];

    // The viewer has standing in community 1 and allows amplified content.
    const own = await chain.publish(devAccount(viewer), 1n, "Notes from a careful reader");
    await foundersLike(net, own);
    const viewerPage = await openAs(viewer, "/settings");
    await viewerPage.getByTestId("policy-mode-everyone").check();
    await viewerPage.getByTestId("policy-save").click();
    await viewerPage.getByTestId("policy-saved").waitFor({ timeout: 30_000 });
    await record(viewerPage, "settings");

    const postId = await chain.publish(devAccount(author), 1n, `A post worth amplifying ${Date.now()}`);
    const campaignId = await chain.amplify(devAccount(promoter), postId, parseEther("50"), 3600n);

    // The viewer is served the amplified post, dwells on it, and sees it pending on the post.
    const card = viewerPage.locator(`[data-testid=post-card][data-post-id="${postId}"]`);
    await until("the amplified post in the viewer's stream", async () => {
      await goto(viewerPage, "/");
      await viewerPage.reload();
      await viewerPage.getByTestId("post-list").waitFor({ timeout: 30_000 });
      return (await card.count()) > 0 && (await card.getAttribute("data-amplified")) === "true";
    });
    await card.scrollIntoViewIfNeeded();
    await until("the view to be pending on the post", async () => {
      const earning = card.getByTestId("post-earning");
      return (await earning.count()) > 0 && (await earning.getAttribute("data-state")) === "pending";
    });
    expect(await card.getByTestId("post-earning").textContent()).toMatch(
      /Pending [0-9.]+ AMP for you, settles in/,
    );
    await record(viewerPage, "stream-pending");

    // Rewards: the amount pending this epoch and when it settles and becomes claimable.
    await goto(viewerPage, "/rewards");
    const view = viewerPage.locator(`[data-testid=pending-view][data-campaign-id="${campaignId}"]`);
    await view.waitFor({ timeout: 60_000 });
    expect(await view.getAttribute("data-reason")).toBe("PAID");
    expect(Number.parseFloat((await text(viewerPage, "pending-amount")).replace(/,/g, ""))).toBeGreaterThan(
      0,
    );
    expect(await text(viewerPage, "settles-in")).toMatch(/^settles in \d+ min \d\d s$/);
    expect(await text(viewerPage, "claimable-in")).toMatch(/^claimable in \d+ min \d\d s$/);
    const first = await text(viewerPage, "settles-in");
    await expect.poll(() => text(viewerPage, "settles-in"), { timeout: 10_000 }).not.toBe(first);
    expect(await viewerPage.getByTestId("default-policy-notice").count()).toBe(0);
    await record(viewerPage, "rewards-pending");

    // A viewer on the default Friends policy, never served the campaign, signs a view of it anyway:
    // the dApp says it will not pay, and why, and that the default policy earns nothing.
    const unpaidAccount = devAccount(unpaid);
    await submitSigned(net.graphqlUrl, net.deployment, unpaidAccount, "View", {
      account: unpaidAccount.address,
      postId,
      dwellMs: 5000,
      campaignId,
      timestamp: BigInt(Math.floor(Date.now() / 1000)),
      nonce: BigInt(Date.now()),
    });
    const unpaidPage = await openAs(unpaid, "/rewards");
    await unpaidPage.getByTestId("default-policy-notice").waitFor({ timeout: 30_000 });
    const refused = unpaidPage.locator(`[data-testid=pending-view][data-campaign-id="${campaignId}"]`);
    await refused.waitFor({ timeout: 60_000 });
    expect(["NO_IMPRESSION", "POLICY", "BELOW_FLOOR"]).toContain(await refused.getAttribute("data-reason"));
    expect(await refused.getByTestId("pending-reason").textContent()).toMatch(
      /will not pay.*(not served|policy|below the floor)/,
    );
    expect(await text(unpaidPage, "pending-amount")).toBe("0");
    await record(unpaidPage, "rewards-unpaid");

    // The promoter's campaign page: the post, forecast against delivered, and a top-up.
    const promoterPage = await openAs(promoter, "/campaigns");
    await promoterPage
      .locator(`[data-testid=campaign-card][data-campaign-id="${campaignId}"]`)
      .waitFor({ timeout: 30_000 });
    await record(promoterPage, "campaigns");
    await promoterPage
      .locator(`[data-testid=campaign-card][data-campaign-id="${campaignId}"]`)
      .getByTestId("campaign-link")
      .click();
    await promoterPage.getByTestId("campaign-page").waitFor({ timeout: 30_000 });
    expect(await promoterPage.getByTestId("campaign-post-link").getAttribute("href")).toBe(`#/p/${postId}`);
    expect(await text(promoterPage, "campaign-budget")).toBe("50");
    await until("the forecast", async () => /^\d[\d,]*$/.test(await text(promoterPage, "forecast-views")));
    expect(await text(promoterPage, "delivered-views")).toMatch(/^\d[\d,]*$/);
    await until("the served impression in the delivery", async () => {
      await promoterPage.reload();
      await promoterPage.getByTestId("campaign-page").waitFor({ timeout: 30_000 });
      return Number.parseInt((await text(promoterPage, "campaign-impressions")).replace(/,/g, ""), 10) >= 1;
    });
    expect(await text(promoterPage, "campaign-reach")).toMatch(/^[1-9]/);
    expect(await text(promoterPage, "quoted-price")).toMatch(/AMP$/);
    await promoterPage.getByTestId("top-up-amount").fill("5");
    await promoterPage.getByTestId("top-up-submit").click();
    await promoterPage.getByTestId("top-up-done").waitFor({ timeout: 60_000 });
    await expect.poll(() => text(promoterPage, "campaign-budget"), { timeout: 30_000 }).toBe("55");
    const { campaign } = await graphql<{ campaign: { budget: string } }>(
      net.graphqlUrl,
      `{ campaign(id: "${campaignId}") { budget } }`,
    );
    expect(campaign.budget).toBe(parseEther("55").toString());
    await record(promoterPage, "campaign");

    // The same pages on a phone: navigation is reachable, nothing is cut off sideways.
    const phone = await openAs(viewer, "/rewards", { width: 390, height: 844 });
    await phone.getByTestId("pending-earnings").waitFor({ timeout: 60_000 });
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    for (const label of ["Stream", "Communities", "Campaigns", "Rewards", "Settings"]) {
      const link = phone.getByRole("navigation", { name: "Main" }).getByRole("link", { name: label });
      await link.scrollIntoViewIfNeeded();
      expect(await link.isVisible(), `${label} on a phone`).toBe(true);
    }
    await record(phone, "rewards-phone");
    await goto(phone, `/campaign/${campaignId}`);
    await phone.getByTestId("campaign-page").waitFor({ timeout: 30_000 });
    await record(phone, "campaign-phone");
  });
});

/** Fills an input found by its test id. */
function page(p: Page) {
  return { fill: (testId: string, value: string) => p.getByTestId(testId).fill(value) };
}
