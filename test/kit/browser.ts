/**
 * What the browser suites share: headless Chromium (`AMP_CHROMIUM`, else the system's
 * `/usr/bin/chromium`) and the standing in community 1 that their viewers start from.
 */

import { type Browser, chromium } from "playwright-core";
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
