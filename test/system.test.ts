/**
 * The whole system, as a newcomer runs it: `npm start` as a child process,
 * then new accounts publish, engage with signed messages through GraphQL,
 * amplify, wait for the settler, claim with proofs from GraphQL, check
 * balances on-chain, run the verifier, and stop everything with Ctrl-C.
 */
import { execFile, spawnSync } from "node:child_process";
import { join } from "node:path";
import { parseEther } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PolicyMode } from "#protocol";
import { devAccount, graphql, submitSigned } from "#protocol/client.ts";
import { chainClients } from "#test-kit/chain.ts";
import { tempDir } from "#test-kit/helpers.ts";
import { isAlive, type RunningNetwork, startNetwork, stopNetworkGroup, until } from "#test-kit/network.ts";

const root = join(import.meta.dirname, "..");
let net: RunningNetwork;

beforeAll(async () => {
  net = await startNetwork(18545);
}, 20 * 60_000);

afterAll(async () => {
  if (net) await stopNetworkGroup(net.child);
});

describe("npm start", () => {
  it("brings up a demo world with a settled, claimable epoch", async () => {
    const data = await graphql<{
      communities: { edges: { node: { name: string; postCount: number } }[] };
      epochs: { edges: { node: { number: number; status: string } }[] };
      indexerStatus: { logSize: number };
    }>(
      net.graphqlUrl,
      `{ communities(first: 10) { edges { node { name postCount } } }
         epochs(first: 5) { edges { node { number status } } }
         indexerStatus { logSize } }`,
    );
    expect(data.communities.edges.length).toBeGreaterThanOrEqual(3);
    expect(data.communities.edges.every((e) => e.node.postCount > 0)).toBe(true);
    expect(data.indexerStatus.logSize).toBeGreaterThan(500);
    expect(data.epochs.edges.some((e) => e.node.status === "ACTIVE")).toBe(true);
    const page = await fetch(net.webUrl);
    expect(page.ok).toBe(true);
    expect(await page.text()).toContain('<div id="root"');
  });

  it("refuses a second start on the same ports with a clear error, leaving the first intact", async () => {
    // Asynchronous, so this process keeps its event loop (and its pooled connections to the
    // indexer, which the server closes after its keep-alive timeout) alive meanwhile.
    const second = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile(
        "npm",
        ["start"],
        {
          cwd: root,
          encoding: "utf8",
          timeout: 120_000,
          env: {
            ...process.env,
            AMP_DATA_DIR: `${net.dataDir}-second`,
            AMP_RPC_PORT: String(net.ports.rpc),
            AMP_GRAPHQL_PORT: String(net.ports.graphql),
            AMP_WEB_PORT: String(net.ports.web),
          },
        },
        (error, stdout, stderr) =>
          resolve({ status: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });
    expect(second.status).not.toBe(0);
    expect(second.stdout + second.stderr).toMatch(new RegExp(`port ${net.ports.rpc} .*already in use`));
    const { indexerStatus } = await graphql<{ indexerStatus: { logSize: number } }>(
      net.graphqlUrl,
      "{ indexerStatus { logSize } }",
    );
    expect(indexerStatus.logSize).toBeGreaterThan(500);
  });

  it("pays the viewers whose attention was bought, and only them", async () => {
    const chain = chainClients(net.rpcUrl, net.deployment);
    const [author, viewer, promoter, optedOut, unserved] = [40, 41, 42, 43, 44].map((i) => devAccount(i)) as [
      ReturnType<typeof devAccount>,
      ReturnType<typeof devAccount>,
      ReturnType<typeof devAccount>,
      ReturnType<typeof devAccount>,
      ReturnType<typeof devAccount>,
    ];
    for (const account of [author, viewer, promoter, optedOut, unserved]) await chain.fund(account, "1000");
    const community = 1n;
    const now = () => BigInt(Math.floor(Date.now() / 1000));
    let nonce = BigInt(Date.now());
    const submit = (signer: typeof author, kind: Parameters<typeof submitSigned>[3], message: object) =>
      submitSigned(net.graphqlUrl, net.deployment, signer, kind, message as never);

    // The viewers earn some standing in the community: the founders like their posts.
    const founders = [1, 2, 3].map((i) => devAccount(i));
    for (const account of [viewer, optedOut, unserved]) {
      const own = await chain.publish(account, community, `Hello from ${account.address.slice(0, 8)}`);
      await until(
        "the indexer to see the post",
        async () =>
          (await graphql<{ post: { id: string } | null }>(net.graphqlUrl, `{ post(id: "${own}") { id } }`))
            .post,
      );
      for (const founder of founders) {
        await submit(founder, "Like", {
          account: founder.address,
          postId: own,
          timestamp: now(),
          nonce: nonce++,
        });
      }
    }
    await submit(viewer, "Policy", {
      account: viewer.address,
      mode: PolicyMode.Everyone,
      communities: [],
      topics: [],
      blockedPromoters: [],
      timestamp: now(),
      nonce: nonce++,
    });
    // Admits amplified content but never opens its stream: it is never served an impression.
    await submit(unserved, "Policy", {
      account: unserved.address,
      mode: PolicyMode.Everyone,
      communities: [],
      topics: [],
      blockedPromoters: [],
      timestamp: now(),
      nonce: nonce++,
    });
    await submit(optedOut, "Policy", {
      account: optedOut.address,
      mode: PolicyMode.None,
      communities: [],
      topics: [],
      blockedPromoters: [],
      timestamp: now(),
      nonce: nonce++,
    });

    const postId = await chain.publish(author, community, "A post worth amplifying", ["release"]);
    const campaignId = await chain.amplify(promoter, postId, parseEther("100"), 3600n);
    await until(
      "the indexer to see the campaign",
      async () =>
        (
          await graphql<{ campaign: { id: string } | null }>(
            net.graphqlUrl,
            `{ campaign(id: "${campaignId}") { id } }`,
          )
        ).campaign,
    );

    const streamOf = (address: string) =>
      graphql<{ stream: { edges: { node: { post: { id: string }; amplified: boolean } }[] } }>(
        net.graphqlUrl,
        `{ stream(viewer: "${address}", first: 10) { edges { node { post { id } amplified } } } }`,
      );
    // A post by a new account, amplified: on the first page of an eligible viewer's stream, in a slot.
    const seen = (await streamOf(viewer.address)).stream.edges.find((e) => e.node.post.id === String(postId));
    expect(seen?.node.amplified).toBe(true);
    const seenByOptedOut = (await streamOf(optedOut.address)).stream.edges.find(
      (e) => e.node.post.id === String(postId),
    );
    expect(seenByOptedOut?.node.amplified ?? false).toBe(false);

    for (const account of [viewer, optedOut, unserved]) {
      await submit(account, "View", {
        account: account.address,
        postId,
        dwellMs: 6000,
        campaignId,
        timestamp: now(),
        nonce: nonce++,
      });
    }

    // The settler closes an epoch on its own; its root becomes claimable after the challenge window.
    const settled = await until("an epoch paying the viewer", async () => {
      const { earnings } = await graphql<{
        earnings: { epoch: number; campaign: { id: string }; amount: string }[];
      }>(net.graphqlUrl, `{ earnings(account: "${viewer.address}") { epoch campaign { id } amount } }`);
      return earnings.find((e) => e.campaign.id === String(campaignId));
    });
    expect(BigInt(settled.amount)).toBeGreaterThan(0n);

    type ClaimData = {
      claim: { cumulativeAmount: string; claimable: string; epoch: number | null; proof: `0x${string}`[] };
    };
    const claimQuery = (address: string) =>
      `{ claim(account: "${address}") { cumulativeAmount claimable epoch proof } }`;
    const claim = await until("the viewer's claim to be active", async () => {
      await chain.rpc("evm_mine"); // the indexer reads time from blocks; the window passes in wall-clock time
      const data = await graphql<ClaimData>(net.graphqlUrl, claimQuery(viewer.address));
      return data.claim.epoch !== null &&
        data.claim.epoch >= settled.epoch &&
        BigInt(data.claim.claimable) > 0n
        ? data.claim
        : undefined;
    });

    const before = await chain.balanceOf(viewer.address);
    // Anyone may submit the claim; the tokens go to the viewer.
    await chain.claim(promoter, viewer.address, BigInt(claim.cumulativeAmount), claim.proof);
    const after = await chain.balanceOf(viewer.address);
    expect(after - before).toBe(BigInt(claim.claimable));

    const optedOutClaim = await graphql<ClaimData>(net.graphqlUrl, claimQuery(optedOut.address));
    expect(BigInt(optedOutClaim.claim.cumulativeAmount)).toBe(0n);
    const optedOutEarnings = await graphql<{ earnings: unknown[] }>(
      net.graphqlUrl,
      `{ earnings(account: "${optedOut.address}") { amount } }`,
    );
    expect(optedOutEarnings.earnings).toEqual([]);
    // A signed View without an impression pays nothing.
    const unservedEarnings = await graphql<{ earnings: unknown[] }>(
      net.graphqlUrl,
      `{ earnings(account: "${unserved.address}") { amount } }`,
    );
    expect(unservedEarnings.earnings).toEqual([]);

    // A stranger verifies every epoch with the two URLs alone: a fresh folder, no deployment file,
    // no access to the network's data folder.
    const stranger = tempDir("amp-stranger-");
    try {
      const verify = spawnSync(
        join(root, "node_modules", ".bin", "tsx"),
        [join(root, "scripts", "verify-epoch.ts"), "--graphql", net.graphqlUrl, "--rpc", net.rpcUrl],
        { cwd: stranger.dir, encoding: "utf8", env: { PATH: process.env.PATH ?? "" } },
      );
      expect(verify.status, verify.stdout + verify.stderr).toBe(0);
      const lines = verify.stdout.trim().split("\n");
      expect(lines.length).toBeGreaterThanOrEqual(settled.epoch);
      for (const [i, line] of lines.entries()) expect(line).toMatch(new RegExp(`^epoch ${i + 1}: OK `));
    } finally {
      stranger.cleanup();
    }
  });

  it("stops every process it started on Ctrl-C", async () => {
    await stopNetworkGroup(net.child);
    await until("every process to exit", async () => net.pids.every((pid) => !isAlive(pid)), 30_000);
    const rpcDown = await fetch(net.rpcUrl).then(
      () => false,
      () => true,
    );
    expect(rpcDown).toBe(true);
  });
});
