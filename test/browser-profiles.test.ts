/**
 * Profiles, images and search in a real browser (Debian's Chromium driven by playwright-core)
 * against the network from `npm start`: a person sets a display name, bio and avatar and sees
 * them on their post, attaches an image to a post and sees the indexer serve it, and finds
 * posts, people and communities from the header's search box; a new user meets the demo world's
 * people by name, avatar and bio, a mention by name as a link, reputation as a percentile, and a
 * header whose navigation is whole on desktop and phone. Every page visit runs axe-core;
 * screenshots of each page land in test-results/screenshots/.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mediaHash } from "#protocol";
import { devAccount, graphql } from "#protocol/client.ts";
import { expectAccessible, launchChromium } from "#test-kit/browser.ts";
import { chainClients } from "#test-kit/chain.ts";
import { png } from "#test-kit/images.ts";
import { type RunningNetwork, startNetwork, stopNetworkGroup, until } from "#test-kit/network.ts";
import { DEMO_NAMES } from "../scripts/lib/demo-profiles.ts";

const root = join(import.meta.dirname, "..");
const shots = join(root, "test-results", "screenshots");

let net: RunningNetwork;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  net = await startNetwork(48545);
  browser = await launchChromium();
}, 20 * 60_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  if (net) await stopNetworkGroup(net.child);
});

async function openAs(index: number, route: string, viewport = { width: 1280, height: 900 }): Promise<Page> {
  const context = await browser.newContext({ viewport });
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

/** Saves a screenshot and runs axe-core on the page as the user sees it. */
async function record(page: Page, name: string, fullPage = true) {
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage });
  await expectAccessible(page, name);
}

/** Every header link (navigation, notifications, account) lies wholly inside the viewport, unscrolled. */
async function expectWholeHeader(page: Page, what: string) {
  const boxes = await page.evaluate(() =>
    [
      ...document.querySelectorAll<HTMLElement>(
        "header nav a, header [data-testid=notifications-link], header [data-testid=account-chip]",
      ),
    ].map((el) => {
      const r = el.getBoundingClientRect();
      const nav = el.closest("nav");
      return {
        label: el.textContent?.trim() || el.getAttribute("aria-label") || "",
        left: r.left,
        right: r.right,
        width: r.width,
        scrolled: nav ? nav.scrollWidth - nav.clientWidth : 0,
      };
    }),
  );
  const width = page.viewportSize()?.width ?? 0;
  expect(boxes.length, `${what}: header links`).toBeGreaterThanOrEqual(7);
  for (const b of boxes) {
    expect(b.width, `${what}: ${b.label} has a size`).toBeGreaterThan(0);
    expect(b.left, `${what}: ${b.label} starts on screen`).toBeGreaterThanOrEqual(0);
    expect(b.right, `${what}: ${b.label} ends on screen`).toBeLessThanOrEqual(width);
    expect(b.scrolled, `${what}: the navigation hides nothing behind a scroll`).toBeLessThanOrEqual(0);
  }
}

describe("profiles, images and search in Chromium", () => {
  it("sets a profile with an avatar, posts an image, and finds both by search", async () => {
    const chain = chainClients(net.rpcUrl, net.deployment);
    const person = 44;
    const me = devAccount(person).address;
    await chain.fund(devAccount(person), "100");
    const page = await openAs(person, `/u/${me}`);

    // The profile editor on one's own profile: avatar upload, name and bio, one signature.
    const avatar = png(64, 64);
    const editor = page.getByTestId("profile-editor");
    await editor.waitFor({ timeout: 30_000 });
    await page
      .getByTestId("profile-avatar-input")
      .setInputFiles({ name: "me.png", mimeType: "image/png", buffer: avatar });
    await page.getByTestId("profile-editor-avatar").waitFor({ timeout: 30_000 });
    const name = `Ada Lovelace ${Date.now() % 100_000}`;
    await page.getByTestId("profile-name-input").fill(name);
    await page.getByTestId("profile-bio-input").fill("Notes on the analytical engine");
    await page.getByTestId("profile-save").click();
    await page.getByTestId("profile-saved").waitFor({ timeout: 30_000 });
    await expect.poll(() => page.getByTestId("profile-name").textContent(), { timeout: 30_000 }).toBe(name);
    expect(await page.getByTestId("profile-bio").textContent()).toBe("Notes on the analytical engine");
    expect((await page.getByTestId("profile-address").textContent())?.toLowerCase()).toBe(me.toLowerCase());
    const chip = page.getByTestId("account-chip");
    await expect
      .poll(() => chip.locator("img[data-testid=avatar-image]").count(), { timeout: 30_000 })
      .toBe(1);
    await record(page, "profile-editor");

    // A post with an image from the composer.
    await goto(page, "/");
    const image = png(320, 180);
    await page.getByTestId("composer-community").selectOption("1");
    const text = `Engines of analysis, with a figure ${Date.now()}`;
    await page.getByTestId("composer-text").fill(text);
    await page
      .getByTestId("composer-images")
      .setInputFiles({ name: "figure.png", mimeType: "image/png", buffer: image });
    await page.getByTestId("composer-image").waitFor({ timeout: 30_000 });
    await record(page, "composer-image", false);
    await page.getByTestId("publish-button").click();
    await page.getByTestId("composer-confirmed").waitFor({ timeout: 90_000 });
    const postId = await until("the indexer to see the post", async () => {
      const { posts } = await graphql<{ posts: { edges: { node: { id: string; text: string } }[] } }>(
        net.graphqlUrl,
        `{ posts(author: "${me}", first: 5) { edges { node { id text } } } }`,
      );
      return posts.edges.find((e) => e.node.text === text)?.node.id;
    });

    // On the profile's posts: the author's name and avatar, the image served by the indexer.
    await goto(page, `/u/${me}`);
    const card = page.locator(`[data-testid=post-card][data-post-id="${postId}"]`);
    await card.waitFor({ timeout: 30_000 });
    expect(await card.getByTestId("account-name").first().textContent()).toBe(name);
    expect((await card.getByTestId("account-name").first().getAttribute("href"))?.toLowerCase()).toBe(
      `#/u/${me.toLowerCase()}`,
    );
    expect(await card.locator("img[data-testid=avatar-image]").count()).toBe(1);
    const shown = card.getByTestId("post-image");
    await shown.waitFor({ timeout: 30_000 });
    expect(await shown.getAttribute("data-hash")).toBe(mediaHash(image));
    await expect
      .poll(() => shown.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), {
        timeout: 30_000,
      })
      .toBe(320);
    const src = (await shown.getAttribute("src")) as string;
    const served = await page.request.get(src);
    expect(served.status()).toBe(200);
    expect(served.headers()["content-type"]).toBe("image/png");
    expect(served.headers()["cache-control"]).toContain("immutable");
    expect(served.headers()["x-content-type-options"]).toBe("nosniff");
    expect(Buffer.from(await served.body()).equals(image)).toBe(true);
    await card.scrollIntoViewIfNeeded();
    await record(page, "post-image", false);

    // Search from the header: the post, the person, a community.
    const search = page.getByTestId("search-input");
    await search.fill("engines analysis");
    await search.press("Enter");
    await page.getByTestId("search-page").waitFor();
    const hit = page.locator(`[data-testid=post-card][data-post-id="${postId}"]`);
    await hit.waitFor({ timeout: 30_000 });
    expect(await hit.locator(".post-text").textContent()).toBe(text);
    await record(page, "search-posts");

    await page.getByTestId("search-tab-people").click();
    await search.fill(name.split(" ")[0] as string);
    await search.press("Enter");
    const personRow = page.getByTestId("search-person").filter({ hasText: name });
    await personRow.waitFor({ timeout: 30_000 });
    expect(await personRow.getByTestId("account-name").getAttribute("data-address")).toBe(me.toLowerCase());
    await record(page, "search-people");

    const { community } = await graphql<{ community: { name: string } }>(
      net.graphqlUrl,
      `{ community(id: "1") { name } }`,
    );
    await page.getByTestId("search-tab-communities").click();
    await search.fill(community.name);
    await search.press("Enter");
    await page
      .getByTestId("search-community")
      .filter({ hasText: community.name })
      .first()
      .waitFor({ timeout: 30_000 });
    await record(page, "search-communities");

    // Input that is FTS syntax shows no results, not an error.
    await search.fill('"* ^ ( :');
    await search.press("Enter");
    await page.getByText(/No communities match/).waitFor({ timeout: 30_000 });
  });

  it("shows a new user a lived-in network: names, avatars, bios, mentions, percentiles", async () => {
    const newcomer = 38;
    const maya = devAccount(1).address.toLowerCase();
    const page = await openAs(newcomer, "/");
    await page.getByTestId("post-list").waitFor({ timeout: 60_000 });
    const cards = page.getByTestId("post-card");
    await cards.first().waitFor({ timeout: 30_000 });
    // The demo's authors appear by their display names, several with an avatar image.
    await expect
      .poll(
        () => cards.locator(".post-author.display-name, [data-testid=account-name].display-name").count(),
        {
          timeout: 30_000,
        },
      )
      .toBeGreaterThan(0);
    const shownNames = await cards.locator("[data-testid=account-name].display-name").allTextContents();
    expect(shownNames.length).toBeGreaterThan(0);
    expect(shownNames.filter((n) => (DEMO_NAMES as readonly string[]).includes(n)).length).toBeGreaterThan(0);
    await expect
      .poll(() => cards.locator("img[data-testid=avatar-image]").count(), { timeout: 30_000 })
      .toBeGreaterThan(0);
    // Reputation reads as a place in the community, never a bare score.
    const badges = await cards.getByTestId("author-reputation").allTextContents();
    expect(badges.length).toBeGreaterThan(0);
    await until("the reputation badges", async () => {
      const now = await cards.getByTestId("author-reputation").allTextContents();
      return (
        now.every((b) => /^(Top \d+ %|No reputation yet)$/.test(b)) && now.some((b) => b.startsWith("Top"))
      );
    });
    await record(page, "demo-stream", false);
    await expectWholeHeader(page, "desktop");

    // The demo reply that mentions Maya Chen by name links to her profile.
    const reply = await until("the demo reply mentioning Maya Chen", async () => {
      const { posts } = await graphql<{ posts: { edges: { node: { id: string; text: string } }[] } }>(
        net.graphqlUrl,
        `{ posts(author: "${devAccount(4).address}", first: 20) { edges { node { id text } } } }`,
      );
      return posts.edges.find((e) => e.node.text.startsWith("@Maya Chen "))?.node.id;
    });
    await goto(page, `/p/${reply}`);
    const card = page.locator(`[data-testid=post-card][data-post-id="${reply}"]`).first();
    const mention = card.getByTestId("mention");
    await mention.waitFor({ timeout: 30_000 });
    expect(await mention.textContent()).toBe("@Maya Chen");
    expect(await mention.getAttribute("href")).toBe(`#/u/${maya}`);
    expect(await card.getByTestId("account-name").first().textContent()).toBe("Kwame Mensah");
    await record(page, "demo-mention");
    await mention.click();
    await expect
      .poll(() => page.getByTestId("profile-name").textContent(), { timeout: 30_000 })
      .toBe("Maya Chen");
    expect(await page.getByTestId("profile-bio").textContent()).toBe(
      "Maintainer of a parser you have never heard of and depend on anyway.",
    );
    expect(
      await page.getByTestId("profile").locator("img[data-testid=avatar-image]").count(),
    ).toBeGreaterThan(0);
    await page.getByTestId("profile-tab-reputation").click();
    const standing = page.getByTestId("reputation-standing").first();
    await standing.waitFor({ timeout: 30_000 });
    await expect.poll(() => standing.textContent(), { timeout: 30_000 }).toMatch(/^Top \d+ %$/);
    await record(page, "demo-profile");

    // The community's leaderboard gives each member's percentile.
    await goto(page, "/c/1");
    const percentiles = page.getByTestId("reputation-percentile");
    await percentiles.first().waitFor({ timeout: 30_000 });
    for (const p of await percentiles.allTextContents()) expect(p).toMatch(/^top \d+ %$/);
    await record(page, "demo-community");

    // On a phone, the whole navigation is on screen, on the stream and on a post page.
    const phone = await openAs(newcomer, "/", { width: 390, height: 844 });
    await phone.getByTestId("post-list").waitFor({ timeout: 60_000 });
    await expectWholeHeader(phone, "phone stream");
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await record(phone, "demo-stream-phone", false);
    await goto(phone, `/p/${reply}`);
    await phone.getByTestId("post-page").waitFor({ timeout: 30_000 });
    await expectWholeHeader(phone, "phone post page");
    await record(phone, "demo-post-phone", false);
  });
});
