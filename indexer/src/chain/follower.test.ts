import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { type Address, type Hex, keccak256, parseEther, stringToHex, zeroHash } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AmpDeployment } from "#protocol";
import { ampEscrowAbi, ampSocialAbi, ampTokenAbi, engagementDomain, engagementTypes } from "#protocol";
import { deploy, type HardhatNode, ROLE_WALLET, send, startHardhat, type Wallet } from "#test-kit/hardhat.ts";
import { dumpState, tempDir } from "#test-kit/helpers.ts";
import { catchUp, gql, testIndexer } from "#test-kit/indexer.ts";
import { createAttentionService } from "../attention/service.ts";
import type { Indexer } from "../main.ts";
import type { FollowerEvent } from "./follower.ts";

describe("chain follower against a Hardhat node", () => {
  let node: HardhatNode;
  let d: AmpDeployment;
  let tmp: ReturnType<typeof tempDir>;
  let indexer: Indexer;
  const events: FollowerEvent[] = [];
  let w: Wallet[];
  let who: Record<"admin" | "alice" | "bob" | "carol" | "dave", Address>;

  const token = (wallet: Wallet, fn: string, args: unknown[]) =>
    send(
      node,
      wallet.writeContract({
        address: d.contracts.AMPToken,
        abi: ampTokenAbi,
        functionName: fn as never,
        args: args as never,
      }),
    );
  const social = (wallet: Wallet, fn: string, args: unknown[]) =>
    send(
      node,
      wallet.writeContract({
        address: d.contracts.AMPSocial,
        abi: ampSocialAbi,
        functionName: fn as never,
        args: args as never,
      }),
    );
  const escrow = (wallet: Wallet, fn: string, args: unknown[]) =>
    send(
      node,
      wallet.writeContract({
        address: d.contracts.AMPEscrow,
        abi: ampEscrowAbi,
        functionName: fn as never,
        args: args as never,
      }),
    );
  const read = <T>(address: Address, abi: unknown, fn: string, args: unknown[]) =>
    node.publicClient.readContract({
      address,
      abi: abi as never,
      functionName: fn as never,
      args: args as never,
    }) as Promise<T>;

  beforeAll(async () => {
    tmp = tempDir();
    node = await startHardhat();
    d = await deploy(node);
    w = node.wallets;
    const [admin, alice, bob, carol, dave] = w.map(
      (x) => x.account.address.toLowerCase() as Address,
    ) as Address[];
    who = { admin, alice, bob, carol, dave } as typeof who;
    indexer = testIndexer(
      node.url,
      d,
      `${tmp.dir}/main.sqlite`,
      {},
      { onFollowerEvent: (e) => events.push(e) },
    );
  }, 120_000);

  afterAll(async () => {
    await indexer?.stop();
    await node?.stop();
    tmp?.cleanup();
  });

  it("answers GraphQL queries exactly like on-chain reads", async () => {
    const [admin, alice, bob] = w as [Wallet, Wallet, Wallet];
    await token(admin, "mint", [who.alice, parseEther("1000")]);
    await token(admin, "mint", [who.bob, parseEther("500")]);
    await social(alice, "createCommunity", ["general", "everything"]);
    await social(alice, "addModerator", [1n, who.bob]);
    await social(alice, "publish", [1n, ["news", "0xEth"], "0xCAFE Hello World", zeroHash, ""]);
    await social(bob, "publish", [1n, [], "", keccak256(stringToHex("file")), "ipfs://file"]);
    await token(bob, "approve", [d.contracts.AMPEscrow, parseEther("100")]);
    await escrow(bob, "amplify", [1n, parseEther("50"), 3600n]);
    await escrow(bob, "topUp", [1n, parseEther("10")]);
    await token(alice, "transfer", [who.carol, parseEther("5")]);

    const payouts: [Address, bigint][] = [
      [who.carol, parseEther("15")],
      [who.dave, parseEther("5")],
    ];
    const tree = StandardMerkleTree.of(
      payouts.map(([a, v]) => [a, v.toString()]),
      ["address", "uint256"],
    );
    // 20 of the 60 AMP is earned a third into the campaign's hour.
    await node.rpc("evm_increaseTime", [1300]);
    await node.rpc("evm_mine");
    const periodEnd = (await node.publicClient.getBlock()).timestamp;
    await escrow(node.wallets[ROLE_WALLET.settler] as Wallet, "settle", [
      1n,
      periodEnd,
      tree.root as Hex,
      stringToHex("inputs"),
      [1n],
      [parseEther("20")],
    ]);
    const insert = indexer.db.prepare(
      "INSERT INTO epoch_payouts (epoch, account, amount, cumulative, proof, root) VALUES (1, ?, ?, ?, ?, ?)",
    );
    for (const [i, [a, v]] of payouts.entries()) {
      insert.run(a, v.toString(), v.toString(), JSON.stringify(tree.getProof(i)), tree.root);
    }
    await node.rpc("evm_increaseTime", [61]);
    await node.rpc("evm_mine");
    await escrow(bob, "claim", [who.carol, parseEther("15"), tree.getProof(0)]);

    await catchUp(indexer);
    const head = Number(await node.publicClient.getBlockNumber({ cacheTime: 0 }));
    const q = await gql(
      indexer,
      `query($a: String!, $b: String!, $c: String!, $d: String!, $e: String!) {
        indexerStatus { latestBlock finalizedBlock headBlock chainId contracts { token social escrow } }
        a: account(address: $a) { balance posts { edges { node { id } } } }
        b: account(address: $b) { balance }
        c: account(address: $c) { balance claimed claimable }
        d: account(address: $d) { balance claimable }
        e: account(address: $e) { balance }
        community(id: "1") { founder name description moderators postCount }
        p1: post(id: "1") { author text topics contentHash uri community { id } amplified campaigns { id } }
        p2: post(id: "2") { author text topics contentHash uri }
        campaign(id: "1") { promoter payer budget spent remaining expiresAt refunded post { id } }
        epoch(number: 1) { root inputsHash status activeAt totalSpent payouts { edges { node { account cumulative } } } }
        claim(account: $d) { cumulativeAmount claimable epoch proof }
      }`,
      { a: who.alice, b: who.bob, c: who.carol, d: who.dave, e: d.contracts.AMPEscrow },
    );
    expect(q.indexerStatus).toMatchObject({ latestBlock: head, headBlock: head, finalizedBlock: head - 8 });
    expect(q.indexerStatus.contracts.escrow).toBe(d.contracts.AMPEscrow.toLowerCase());
    for (const [key, address] of [
      ["a", who.alice],
      ["b", who.bob],
      ["c", who.carol],
      ["d", who.dave],
      ["e", d.contracts.AMPEscrow],
    ] as const) {
      const onChain = await read<bigint>(d.contracts.AMPToken, ampTokenAbi, "balanceOf", [address]);
      expect(q[key].balance, key).toBe(onChain.toString());
    }
    expect(q.a.posts.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual(["1"]);

    const [founder] = await read<[Address]>(d.contracts.AMPSocial, ampSocialAbi, "communities", [1n]);
    expect(q.community).toEqual({
      founder: founder.toLowerCase(),
      name: "general",
      description: "everything",
      moderators: [who.bob],
      postCount: 2,
    });
    const [author2, community2] = await read<[Address, bigint]>(
      d.contracts.AMPSocial,
      ampSocialAbi,
      "posts",
      [2n],
    );
    expect(q.p2.author).toBe(author2.toLowerCase());
    expect(q.p1.community.id).toBe(community2.toString());
    expect(q.p1).toMatchObject({
      text: "0xCAFE Hello World",
      topics: ["news", "0xEth"],
      contentHash: zeroHash,
      amplified: true,
    });
    expect(q.p2).toMatchObject({
      text: "",
      topics: [],
      contentHash: keccak256(stringToHex("file")),
      uri: "ipfs://file",
    });

    const [postId, promoter, budget, spent, expiresAt, refunded] = await read<
      [bigint, Address, bigint, bigint, bigint, boolean]
    >(d.contracts.AMPEscrow, ampEscrowAbi, "campaigns", [1n]);
    const remaining = await read<bigint>(d.contracts.AMPEscrow, ampEscrowAbi, "remaining", [1n]);
    expect(q.campaign).toEqual({
      promoter: promoter.toLowerCase(),
      payer: who.bob,
      budget: budget.toString(),
      spent: spent.toString(),
      remaining: remaining.toString(),
      expiresAt: Number(expiresAt),
      refunded,
      post: { id: postId.toString() },
    });
    expect(q.campaign.budget).toBe(parseEther("60").toString());

    const [root, inputsHash, activeAt, , totalSpent] = await read<[Hex, Hex, bigint, boolean, bigint]>(
      d.contracts.AMPEscrow,
      ampEscrowAbi,
      "epochs",
      [1n],
    );
    expect(q.epoch).toMatchObject({
      root,
      inputsHash,
      activeAt: Number(activeAt),
      totalSpent: totalSpent.toString(),
      status: "ACTIVE",
    });
    expect(q.epoch.payouts.edges).toHaveLength(2);
    const claimedOnChain = await read<bigint>(d.contracts.AMPEscrow, ampEscrowAbi, "claimed", [who.carol]);
    expect(q.c).toMatchObject({ claimed: claimedOnChain.toString(), claimable: "0" });
    expect(q.d.claimable).toBe(parseEther("5").toString());

    // The proof served by the API is accepted by the contract.
    await escrow(bob, "claim", [who.dave, BigInt(q.claim.cumulativeAmount), q.claim.proof]);
    await catchUp(indexer);
    const after = await gql(indexer, `{ claim(account: "${who.dave}") { claimed claimable } }`);
    expect(after.claim).toEqual({ claimed: parseEther("5").toString(), claimable: "0" });
  });

  it("serves attention-model fields through the AttentionService seam", async () => {
    const withModel = testIndexer(
      node.url,
      d,
      `${tmp.dir}/model.sqlite`,
      {},
      {
        attention: (deps) => createAttentionService(deps),
      },
    );
    await catchUp(withModel);
    const q = await gql(
      withModel,
      `{
        stream(viewer: "${who.carol}", first: 10) { edges { node { post { id } score amplified campaign { id } } } }
        reputation(account: "${who.alice}", community: "1")
        leaderboard(community: "1", first: 5) { account score rank }
        quote(promoter: "${who.bob}", community: "1", budget: "1000000000000000000") { views pricePerView promoterReputation }
        campaign(id: "1") { viewsBought averagePrice estimatedRemainingReach }
      }`,
    );
    const streamed = q.stream.edges.map((e: { node: { post: { id: string } } }) => e.node.post.id);
    expect(streamed.length).toBeGreaterThan(0);
    expect(new Set(streamed).size).toBe(streamed.length);
    for (const id of streamed) expect(["1", "2"]).toContain(id);
    expect(typeof q.reputation).toBe("number");
    expect(q.leaderboard.map((e: { rank: number }) => e.rank)).toEqual(
      q.leaderboard.map((_: unknown, i: number) => i + 1),
    );
    expect(BigInt(q.quote.pricePerView)).toBeGreaterThanOrEqual(0n);
    expect(q.campaign.viewsBought).toBe(0);
    await withModel.stop();
  });

  it("serves the same answers over real HTTP with CORS for the dApp", async () => {
    const { url } = await indexer.start({ follow: false });
    const res = await fetch(url as string, {
      method: "POST",
      headers: { "content-type": "application/json", origin: "http://127.0.0.1:5173" },
      body: JSON.stringify({ query: `{ post(id: "1") { text author } }` }),
    });
    expect(res.headers.get("access-control-allow-origin")).toBe("http://127.0.0.1:5173");
    const body = (await res.json()) as { data: { post: { text: string; author: string } } };
    expect(body.data.post).toEqual({ text: "0xCAFE Hello World", author: who.alice });
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/graphql$/);

    // Mutations, errors and preflights take yoga's full path over the same socket.
    const post = async (payload: unknown) => {
      const r = await fetch(url as string, {
        method: "POST",
        headers: { "content-type": "application/json", origin: "http://127.0.0.1:5173" },
        body: JSON.stringify(payload),
      });
      expect(r.headers.get("access-control-allow-origin")).toBe("http://127.0.0.1:5173");
      return (await r.json()) as {
        data?: Record<string, unknown>;
        errors?: Array<{ extensions?: { code?: string } }>;
      };
    };
    const badArg = await post({ query: `{ account(address: "nope") { balance } }` });
    expect(badArg.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    const mutation = `mutation($m: String!, $s: String!) { submitMessage(kind: Like, message: $m, signature: $s) { seq signer } }`;
    // Timestamps are bounded below (not before the post, not older than the intake window): sign now.
    const at = Math.floor(Date.now() / 1000);
    const message = JSON.stringify({ account: who.bob, postId: "1", timestamp: String(at), nonce: "1" });
    const badSig = await post({ query: mutation, variables: { m: message, s: `0x${"00".repeat(65)}` } });
    expect(badSig.errors?.[0]?.extensions?.code).toBe("BAD_SIGNATURE");
    const [, , bob] = w as [Wallet, Wallet, Wallet];
    const signature = await bob.signTypedData({
      domain: engagementDomain(31337, d.contracts.AMPSocial),
      types: engagementTypes,
      primaryType: "Like",
      message: { account: who.bob, postId: 1n, timestamp: BigInt(at), nonce: 1n },
    });
    const ok = await post({ query: mutation, variables: { m: message, s: signature } });
    expect(ok.data?.submitMessage).toEqual({ seq: 1, signer: who.bob });
    const preflight = await fetch(url as string, {
      method: "OPTIONS",
      headers: { origin: "http://127.0.0.1:5173", "access-control-request-method": "POST" },
    });
    expect(preflight.headers.get("access-control-allow-origin")).toBe("http://127.0.0.1:5173");
  });

  it("rolls back reorged events and indexes the replacement chain", async () => {
    const [, alice, bob] = w as [Wallet, Wallet, Wallet];
    const snapshot = await node.rpc<string>("evm_snapshot");
    await social(bob, "publish", [1n, ["doomed"], "this post will vanish", zeroHash, ""]);
    await token(alice, "transfer", [who.bob, parseEther("7")]);
    await catchUp(indexer);
    expect((await gql(indexer, `{ post(id: "3") { text } }`)).post.text).toBe("this post will vanish");

    await node.rpc("evm_revert", [snapshot]);
    await social(alice, "publish", [1n, ["kept"], "the replacement", zeroHash, ""]);
    await node.rpc("hardhat_mine", ["0x3"]);
    await catchUp(indexer);

    expect(events.some((e) => e.type === "reorg")).toBe(true);
    const q = await gql(
      indexer,
      `{ post(id: "3") { text author topics } a: account(address: "${who.alice}") { balance } b: account(address: "${who.bob}") { balance } posts(topic: "doomed") { edges { cursor } } }`,
    );
    expect(q.post).toEqual({ text: "the replacement", author: who.alice, topics: ["kept"] });
    expect(q.posts.edges).toEqual([]);
    for (const [key, address] of [
      ["a", who.alice],
      ["b", who.bob],
    ] as const) {
      const onChain = await read<bigint>(d.contracts.AMPToken, ampTokenAbi, "balanceOf", [address]);
      expect(q[key].balance).toBe(onChain.toString());
    }
    const stored = indexer.db
      .prepare("SELECT COUNT(*) FROM chain_events WHERE payload LIKE '%vanish%'")
      .pluck()
      .get();
    expect(stored).toBe(0);

    // A fresh indexer reading the final chain ends in exactly the same state.
    const fresh = testIndexer(node.url, d, `${tmp.dir}/fresh.sqlite`);
    await catchUp(fresh);
    const chainState = (db: Indexer["db"]) => ({ ...dumpState(db), engagement_log: [] });
    expect(chainState(fresh.db)).toEqual(chainState(indexer.db));
    await fresh.stop();
  });

  it("rolls back when the chain rewinds below the indexed block", async () => {
    const [, alice] = w as [Wallet, Wallet];
    const before = dumpState(indexer.db);
    const snapshot = await node.rpc<string>("evm_snapshot");
    await social(alice, "publish", [1n, [], "short-lived", zeroHash, ""]);
    await token(alice, "transfer", [who.dave, 1n]);
    await catchUp(indexer);
    expect(dumpState(indexer.db)).not.toEqual(before);
    await node.rpc("evm_revert", [snapshot]);
    await catchUp(indexer);
    expect(dumpState(indexer.db)).toEqual(before);
    expect((await gql(indexer, "{ indexerStatus { latestBlock } }")).indexerStatus.latestBlock).toBe(
      Number(await node.publicClient.getBlockNumber({ cacheTime: 0 })),
    );
  });
});
