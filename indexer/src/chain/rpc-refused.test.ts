import { zeroHash } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AmpDeployment } from "#protocol";
import { ampSocialAbi } from "#protocol";
import { type FlakyProxy, startFlakyProxy } from "#test-kit/flaky-proxy.ts";
import { deploy, type HardhatNode, send, startHardhat, type Wallet } from "#test-kit/hardhat.ts";
import { tempDir } from "#test-kit/helpers.ts";
import { gql, testIndexer } from "#test-kit/indexer.ts";
import { captureLogs } from "#test-kit/logs.ts";
import type { Indexer } from "../main.ts";
import { RpcRefusedError } from "./errors.ts";
import type { FollowerEvent } from "./follower.ts";

async function until(what: string, check: () => Promise<boolean> | boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("an RPC that answers HTTP 403 or 404", () => {
  let node: HardhatNode;
  let d: AmpDeployment;
  let proxy: FlakyProxy;
  let tmp: ReturnType<typeof tempDir>;
  let indexer: Indexer;
  const events: FollowerEvent[] = [];
  const logs = captureLogs();
  let failed: unknown = null;
  let published = 0;

  const publish = (text: string) =>
    send(
      node,
      (node.wallets[1] as Wallet).writeContract({
        address: d.contracts.AMPSocial,
        abi: ampSocialAbi,
        functionName: "publish",
        args: [1n, [], text, zeroHash, ""],
      }),
    );
  const postCount = async () =>
    (await gql<{ posts: { edges: unknown[] } }>(indexer, "{ posts { edges { cursor } } }")).posts.edges
      .length;

  beforeAll(async () => {
    tmp = tempDir();
    node = await startHardhat();
    d = await deploy(node);
    await send(
      node,
      (node.wallets[1] as Wallet).writeContract({
        address: d.contracts.AMPSocial,
        abi: ampSocialAbi,
        functionName: "createCommunity",
        args: ["general", "everything"],
      }),
    );
    proxy = await startFlakyProxy({ upstream: node.url });
    indexer = testIndexer(
      proxy.url,
      d,
      `${tmp.dir}/db.sqlite`,
      {},
      {
        onFollowerEvent: (e) => events.push(e),
        logger: logs.logger,
      },
    );
    await indexer.start();
    indexer.done.catch((e) => {
      failed = e;
    });
  }, 120_000);

  afterAll(async () => {
    await indexer?.stop();
    await proxy?.close();
    await node?.stop();
    tmp?.cleanup();
  });

  for (const status of [403, 404]) {
    it(`keeps the API answering through HTTP ${status} and resumes following when the RPC recovers`, async () => {
      await publish(`before ${status}`);
      const before = ++published;
      await until("the post before the refusal", async () => (await postCount()) === before);
      const errorsBefore = events.filter((e) => e.type === "error").length;

      proxy.refuseWith(status);
      await publish(`during ${status}`);
      published++;
      await until(
        "a refusal seen by the follower",
        () => events.filter((e) => e.type === "error").length > errorsBefore,
      );
      const refusal = events.filter((e) => e.type === "error").at(-1) as Extract<
        FollowerEvent,
        { type: "error" }
      >;
      expect(refusal.error).toBeInstanceOf(RpcRefusedError);
      expect(refusal.retryInMs).toBeGreaterThanOrEqual(1000);
      expect(
        logs
          .text()
          .split("\n")
          .some((l) => l.includes(`HTTP ${status}`) && l.includes("the API keeps serving")),
      ).toBe(true);
      // The API serves from the store while the RPC refuses, and the follower did not give up.
      await new Promise((r) => setTimeout(r, 1500));
      expect(await postCount()).toBe(before);
      expect(failed).toBeNull();

      proxy.refuseWith(null);
      await until("the post sent during the refusal", async () => (await postCount()) === before + 1);
      expect(failed).toBeNull();
    }, 60_000);
  }
});
