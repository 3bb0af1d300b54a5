/**
 * Helpers for browser tests of the dApp with playwright-core: open the app as
 * a development account and save screenshots of its main pages.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";

/** Opens the app connected as Hardhat development account #index and waits for the header. */
export async function openAs(page: Page, baseUrl: string, index: number, route = "#/"): Promise<void> {
  const url = new URL(baseUrl);
  url.searchParams.set("devAccount", String(index));
  url.hash = route;
  await page.goto(url.toString());
  await page.getByTestId("account-chip").waitFor({ timeout: 30_000 });
}

/** Navigates inside the app (hash routes keep the connection). */
export async function goTo(page: Page, route: string): Promise<void> {
  await page.evaluate((hash) => {
    window.location.hash = hash;
  }, route);
}

export const MAIN_PAGES: { name: string; route: string; ready: string }[] = [
  { name: "stream", route: "#/", ready: "post-list" },
  { name: "communities", route: "#/communities", ready: "community-card" },
  { name: "campaigns", route: "#/campaigns", ready: "main" },
  { name: "rewards", route: "#/rewards", ready: "claimable-amount" },
  { name: "settings", route: "#/settings", ready: "policy-form" },
];

/** Saves one full-page PNG per main page (plus the connected account's profile) into `dir`. */
export async function screenshotMainPages(page: Page, dir: string, prefix = ""): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  const address = await page.getByTestId("account-chip").getAttribute("data-address");
  const pages = [
    ...MAIN_PAGES,
    ...(address ? [{ name: "profile", route: `#/u/${address}`, ready: "profile" }] : []),
  ];
  for (const p of pages) {
    await goTo(page, p.route);
    const target = p.ready === "main" ? page.locator("main") : page.getByTestId(p.ready).first();
    await target.waitFor({ timeout: 15_000 }).catch(() => {});
    await page.waitForLoadState("networkidle").catch(() => {});
    const file = join(dir, `${prefix}${p.name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    files.push(file);
  }
  return files;
}
