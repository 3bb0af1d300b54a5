/**
 * Profiles, images and search in a real browser (Debian's Chromium driven by playwright-core)
 * against the network from `npm start`: a person sets a display name, bio and avatar and sees
 * them on their post, attaches an image to a post and sees the indexer serve it, and finds
 * posts, people and communities from the header's search box. Screenshots of each page land in
 * test-results/screenshots/.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mediaHash } from "#protocol";
import { devAccount, graphql } from "#protocol/client.ts";
import { launchChromium } from "#test-kit/browser.ts";
import { chainClients } from "#test-kit/chain.ts";
import { png } from "#test-kit/images.ts";
import { type RunningNetwork, startNetwork, stopNetworkGroup, until } from "#test-kit/network.ts";

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

async function openAs(index: number, route: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
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
    await page.screenshot({ path: join(shots, "profile-editor.png"), fullPage: true });

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
    await page.screenshot({ path: join(shots, "composer-image.png") });
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
    await page.screenshot({ path: join(shots, "post-image.png") });

    // Search from the header: the post, the person, a community.
    const search = page.getByTestId("search-input");
    await search.fill("engines analysis");
    await search.press("Enter");
    await page.getByTestId("search-page").waitFor();
    const hit = page.locator(`[data-testid=post-card][data-post-id="${postId}"]`);
    await hit.waitFor({ timeout: 30_000 });
    expect(await hit.locator(".post-text").textContent()).toBe(text);
    await page.screenshot({ path: join(shots, "search-posts.png"), fullPage: true });

    await page.getByTestId("search-tab-people").click();
    await search.fill(name.split(" ")[0] as string);
    await search.press("Enter");
    const personRow = page.getByTestId("search-person").filter({ hasText: name });
    await personRow.waitFor({ timeout: 30_000 });
    expect(await personRow.getByTestId("account-name").getAttribute("data-address")).toBe(me.toLowerCase());
    await page.screenshot({ path: join(shots, "search-people.png"), fullPage: true });

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
    await page.screenshot({ path: join(shots, "search-communities.png"), fullPage: true });

    // Input that is FTS syntax shows no results, not an error.
    await search.fill('"* ^ ( :');
    await search.press("Enter");
    await page.getByText(/No communities match/).waitFor({ timeout: 30_000 });
  });
});
