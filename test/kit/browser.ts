/**
 * What the browser suites share: headless Chromium (`AMP_CHROMIUM`, else the system's
 * `/usr/bin/chromium`), the standing in community 1 that their viewers start from, and the
 * accessibility check every page visit runs.
 */

import AxeBuilder from "@axe-core/playwright";
import { type Browser, chromium, type Page } from "playwright-core";
import { devAccount, graphql, submitSigned } from "#protocol/client.ts";
import { type RunningNetwork, until } from "./network.ts";

export const CHROMIUM = process.env.AMP_CHROMIUM ?? "/usr/bin/chromium";

/** Launches Chromium headless, without sandbox, GPU, QUIC or any background traffic of its own. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/**
 * Gives a post's author standing in its community: once the indexer has seen the post, the
 * founders (dev accounts 1 to 3) each sign a Like of it.
 */
export async function foundersLike(net: RunningNetwork, postId: bigint): Promise<void> {
  await until(
    "the indexer to see the viewer's post",
    async () =>
      (await graphql<{ post: { id: string } | null }>(net.graphqlUrl, `{ post(id: "${postId}") { id } }`))
        .post,
  );
  let nonce = BigInt(Date.now());
  for (const founder of [1, 2, 3].map((i) => devAccount(i))) {
    await submitSigned(net.graphqlUrl, net.deployment, founder, "Like", {
      account: founder.address,
      postId,
      timestamp: BigInt(Math.floor(Date.now() / 1000)),
      nonce: nonce++,
    });
  }
}

/** axe-core findings at these impacts fail a page. */
const BLOCKING_IMPACTS = new Set(["serious", "critical"]);

/**
 * Runs axe-core (WCAG 2.1 A and AA rules) on the page as it is now and fails, naming every rule
 * and element, when it finds a serious or critical violation. `what` names the page in the failure.
 */
export async function expectAccessible(page: Page, what: string): Promise<void> {
  const results = await new AxeBuilder({ page: page as never })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"])
    .analyze();
  const blocking = results.violations.filter((v) => BLOCKING_IMPACTS.has(v.impact ?? ""));
  if (blocking.length === 0) return;
  const lines = blocking.map(
    (v) =>
      `${v.impact} ${v.id}: ${v.help}\n${v.nodes
        .slice(0, 5)
        .map((n) => `    ${n.target.join(" ")}: ${n.failureSummary?.split("\n").slice(1).join("; ") ?? ""}`)
        .join("\n")}`,
  );
  throw new Error(
    `accessibility (axe-core) of ${what}: ${blocking.length} serious or critical violation(s)\n${lines.join("\n")}`,
  );
}
