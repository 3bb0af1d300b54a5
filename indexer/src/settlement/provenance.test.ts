/**
 * Provenance of settlement on a Hardhat node: the manifest published on chain
 * and served by the API and at /epochs/<n>/*, earnings only from epochs the
 * chain settled (the settle transaction held unmined), a fresh instance
 * rebuilding every settlement answer from the chain and the log, and the
 * public verifier recomputing epochs from the two URLs alone.
 */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { type Address, type Hex, keccak256, type PublicClient, parseEther, stringToBytes } from "viem";
import type { PrivateKeyAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AmpDeployment } from "#protocol";
import {
  ampEscrowAbi,
  ampSocialAbi,
  ampTokenAbi,
  canonicalMessage,
  type MessageByKind,
  type MessageKind,
  PolicyMode,
} from "#protocol";
import { deploy, type HardhatNode, ROLE_WALLET, send, startHardhat, type Wallet } from "#test-kit/hardhat.ts";
import { sign, tempDir } from "#test-kit/helpers.ts";
import { catchUp, gql, testIndexer } from "#test-kit/indexer.ts";
import { captureLogs } from "#test-kit/logs.ts";
import { engagementStore } from "#test-kit/stores.ts";
import { canonicalJson, DEFAULT_PARAMS } from "../attention/params.ts";
import { createImpressionIssuer, impressionKey } from "../engagement/impressions.ts";
import type { Indexer } from "../main.ts";
import { createSettlementJob } from "./job.ts";
import { encodeManifest, manifestHex, manifestOf } from "./manifest.ts";
import { verifyFromPublicData } from "./public-verify.ts";
import { createRebuilder } from "./rebuild.ts";

describe("settlement provenance on a Hardhat node", () => {
  let node: HardhatNode;
  let d: AmpDeployment;
  let tmp: ReturnType<typeof tempDir>;
  let a: Indexer;
  let url: string;
  let w: Wallet[];
  let nonce = 1n;
  const [founder, viewer, optedOut, promoter, author] = [0, 1, 2, 3, 4];
  const addr = (i: number) => (w[i] as Wallet).account.address.toLowerCase() as Address;

  const append = async <K extends MessageKind>(kind: K, message: MessageByKind[K]) => {
    const account = (message as { account: string }).account.toLowerCase();
    const wallet = w.find((x) => x.account.address.toLowerCase() === account) as Wallet;
    const { signature } = await sign(
      wallet.account as PrivateKeyAccount,
      kind,
      message,
      31337,
      d.contracts.AMPSocial,
    );
    const json = canonicalMessage(kind, message);
    await engagementStore(a.db).append({
      kind,
      signer: wallet.account.address.toLowerCase(),
      message: JSON.parse(json),
      json,
      signature,
      receivedAt: Date.now(),
    });
  };
  const now = async () => Number((await node.publicClient.getBlock()).timestamp);
  const engage = async (kind: "Like" | "View", who: number, postId: bigint, campaignId = 0n) => {
    const base = { account: addr(who), postId, timestamp: BigInt(await now()), nonce: nonce++ };
    if (kind === "Like") await append("Like", base);
    else await append("View", { ...base, dwellMs: 5000, campaignId });
  };
  const write = (wallet: number, address: Address, abi: unknown, functionName: string, args: unknown[]) =>
    send(
      node,
      (w[wallet] as Wallet).writeContract({
        address,
        abi: abi as never,
        functionName: functionName as never,
        args: args as never,
      }),
    );
  const job = () =>
    createSettlementJob({
      db: a.db,
      publicClient: node.publicClient as PublicClient,
      walletClient: w[ROLE_WALLET.settler] as Wallet,
      escrow: d.contracts.AMPEscrow,
      social: d.contracts.AMPSocial,
      startBlock: BigInt(d.startBlock),
    });
  const issueImpression = async (campaignId: bigint, postId: bigint, who: number) => {
    const issuer = createImpressionIssuer({
      store: engagementStore(a.db),
      key: impressionKey(undefined, 31337) as Hex,
      chainId: 31337,
      verifyingContract: d.contracts.AMPSocial,
    });
    const policySeq = a.db
      .prepare("SELECT seq FROM policies WHERE account = ?")
      .pluck()
      .get(addr(who)) as number;
    const t = await now();
    await issuer.issue(
      {
        viewer: addr(who),
        campaignId,
        postId,
        price: parseEther("1"),
        policySeq: BigInt(policySeq),
        expiresAt: BigInt(t + 3600),
        timestamp: BigInt(t),
      },
      t,
    );
  };
  const base = () => url.replace(/\/graphql$/, "");

  beforeAll(async () => {
    tmp = tempDir("amp-provenance-");
    node = await startHardhat();
    d = await deploy(node, 60);
    w = node.wallets;
    a = testIndexer(node.url, d, join(tmp.dir, "a", "indexer.sqlite"));
    url = (await a.start({ follow: false })).url as string;
    const social = d.contracts.AMPSocial;
    await write(founder, social, ampSocialAbi, "createCommunity", ["Makers", "things people make"]);
    for (const who of [author, viewer, optedOut]) {
      await write(who, social, ampSocialAbi, "publish", [
        1n,
        ["craft"],
        `hello from ${who}`,
        `0x${"0".repeat(64)}`,
        "",
      ]);
    }
    await catchUp(a);
    for (const p of [1n, 2n, 3n]) await engage("Like", founder, p);
    await engage("Like", viewer, 1n);
    for (const [who, mode] of [
      [viewer, PolicyMode.Everyone],
      [optedOut, PolicyMode.None],
    ] as const) {
      await append("Policy", {
        account: addr(who),
        mode,
        communities: [],
        topics: [],
        blockedPromoters: [],
        timestamp: BigInt(await now()),
        nonce: nonce++,
      });
    }
    await write(founder, d.contracts.AMPToken, ampTokenAbi, "mint", [addr(promoter), parseEther("1000")]);
    await write(promoter, d.contracts.AMPToken, ampTokenAbi, "approve", [
      d.contracts.AMPEscrow,
      parseEther("1000"),
    ]);
    await write(promoter, d.contracts.AMPEscrow, ampEscrowAbi, "amplify", [1n, parseEther("100"), 86_400n]);
    await write(promoter, d.contracts.AMPEscrow, ampEscrowAbi, "amplify", [3n, parseEther("100"), 86_400n]);
    await catchUp(a);
    await issueImpression(1n, 1n, viewer);
    await engage("View", viewer, 1n, 1n);
    await engage("View", optedOut, 1n, 1n);
    await node.rpc("evm_increaseTime", [3600]);
    await node.rpc("evm_mine");
  }, 180_000);

  afterAll(async () => {
    await node?.rpc("evm_setAutomine", [true]).catch(() => undefined);
    await a?.stop();
    await node?.stop();
    tmp?.cleanup();
  });

  const earnings = async (who: number) =>
    (await gql(a, `{ earnings(account: "${addr(who)}") { epoch campaignId amount status } }`)).earnings as {
      epoch: number;
      status: string;
    }[];

  it("lists earnings only once the chain holds the epoch, with its status on chain time", async () => {
    await node.rpc("evm_setAutomine", [false]);
    const running = job().runOnce();
    // Computed and sent, not mined: the database has the payouts, the chain not the epoch.
    for (let i = 0; i < 600; i++) {
      const status = a.db.prepare("SELECT status FROM settlement_runs WHERE epoch = 1").pluck().get();
      if (status === "sent") break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(
      a.db.prepare("SELECT COUNT(*) FROM epoch_campaign_payouts WHERE epoch = 1").pluck().get(),
    ).toBeGreaterThan(0);
    await catchUp(a);
    expect(await earnings(viewer)).toEqual([]);
    expect((await gql(a, "{ epoch(number: 1) { number } }")).epoch).toBeNull();
    expect((await gql(a, `{ claim(account: "${addr(viewer)}") { epoch claimable } }`)).claim).toEqual({
      epoch: null,
      claimable: "0",
    });
    await node.rpc("evm_mine");
    await node.rpc("evm_setAutomine", [true]);
    expect((await running).status).toBe("settled");
    await catchUp(a);
    const pending = await earnings(viewer);
    expect(pending.length).toBeGreaterThan(0);
    expect(pending.every((e) => e.epoch === 1 && e.status === "PENDING")).toBe(true);
    expect((await gql(a, "{ epoch(number: 1) { status } }")).epoch.status).toBe("PENDING");
    // The challenge window passes on chain: ACTIVE once a block says so, whatever the wall clock.
    await node.rpc("evm_increaseTime", [61]);
    await node.rpc("evm_mine");
    await catchUp(a);
    expect((await earnings(viewer)).every((e) => e.status === "ACTIVE")).toBe(true);
    expect((await gql(a, "{ epoch(number: 1) { status } }")).epoch.status).toBe("ACTIVE");
  }, 120_000);

  it("serves the on-chain manifest in GraphQL and at /epochs/<n>/manifest.json and log.ndjson", async () => {
    const { epoch } = await gql(
      a,
      "{ epoch(number: 1) { number inputsHash manifest algorithm periodEnd fromSeq toSeq exportHash factsBlock params paramsHash settledBlock blockNumber } }",
    );
    expect(keccak256(stringToBytes(epoch.manifest))).toBe(epoch.inputsHash);
    const parsed = JSON.parse(epoch.manifest);
    expect(epoch).toMatchObject({
      algorithm: parsed.algorithm,
      periodEnd: parsed.periodEnd,
      fromSeq: 0,
      toSeq: parsed.toSeq,
      exportHash: parsed.exportHash,
      factsBlock: parsed.factsBlock,
      params: canonicalJson(DEFAULT_PARAMS),
      paramsHash: parsed.paramsHash,
    });
    expect(epoch.toSeq).toBeGreaterThan(0);
    expect(epoch.factsBlock).toBeLessThan(epoch.settledBlock);
    expect(epoch.blockNumber).toBe(epoch.settledBlock);

    const manifest = await fetch(`${base()}/epochs/1/manifest.json`);
    expect(manifest.status).toBe(200);
    expect(manifest.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(manifest.headers.get("etag")).toBe(`"${epoch.inputsHash}"`);
    expect(await manifest.text()).toBe(epoch.manifest);
    const again = await fetch(`${base()}/epochs/1/manifest.json`, {
      headers: { "if-none-match": `"${epoch.inputsHash}"` },
    });
    expect(again.status).toBe(304);

    const log = await fetch(`${base()}/epochs/1/log.ndjson`);
    expect(log.status).toBe(200);
    expect(log.headers.get("content-type")).toBe("application/x-ndjson; charset=utf-8");
    expect(log.headers.get("etag")).toBe(`"${epoch.exportHash}"`);
    const ndjson = await log.text();
    expect(keccak256(stringToBytes(ndjson))).toBe(epoch.exportHash);
    expect(ndjson.trim().split("\n")).toHaveLength(epoch.toSeq - epoch.fromSeq);

    const refusals: [string, RequestInit, number, string][] = [
      ["/epochs/9/manifest.json", {}, 404, "EPOCH_NOT_FOUND"],
      ["/epochs/9/log.ndjson", {}, 404, "EPOCH_NOT_FOUND"],
      ["/epochs/0/manifest.json", {}, 400, "BAD_REQUEST"],
      ["/epochs/x1/log.ndjson", {}, 400, "BAD_REQUEST"],
      ["/epochs/1/manifest.json", { method: "POST", body: "{}" }, 405, "METHOD_NOT_ALLOWED"],
    ];
    for (const [path, init, status, code] of refusals) {
      const res = await fetch(`${base()}${path}`, init);
      expect(res.status, path).toBe(status);
      expect(res.headers.get("content-type")).toContain("application/json");
      expect((await res.json()).errors[0].extensions.code, path).toBe(code);
    }
  }, 60_000);

  it("settles a second epoch on the cumulative tree; an epoch in which nothing changed is skipped", async () => {
    await issueImpression(2n, 3n, viewer);
    await engage("View", viewer, 3n, 2n);
    await engage("Like", author, 2n);
    const outcome = await job().runOnce();
    expect(outcome).toMatchObject({ status: "settled", epoch: 2 });
    expect(outcome.status === "settled" && outcome.totalSpent > 0n).toBe(true);
    const logs = captureLogs();
    const quiet = () =>
      createSettlementJob({
        db: a.db,
        publicClient: node.publicClient as PublicClient,
        walletClient: w[ROLE_WALLET.settler] as Wallet,
        escrow: d.contracts.AMPEscrow,
        social: d.contracts.AMPSocial,
        startBlock: BigInt(d.startBlock),
        logger: logs.logger,
      });
    expect((await quiet().runOnce()).status).toBe("idle");
    expect(logs.lines().at(-1)?.msg).toBe("settlement: no new log entries; nothing to settle");
    // A like pays nobody: no spend, the same leaves, so no root is posted and the like waits.
    await engage("Like", founder, 2n);
    expect(await quiet().runOnce()).toEqual({ status: "idle", epoch: 3 });
    expect(logs.lines().at(-1)).toMatchObject({
      msg: "settlement: nothing changed (no spend, no new leaves); epoch not settled",
      epoch: 3,
    });
    expect(a.db.prepare("SELECT COUNT(*) FROM settlement_runs WHERE epoch = 3").pluck().get()).toBe(0);
    expect(
      await node.publicClient.readContract({
        address: d.contracts.AMPEscrow,
        abi: ampEscrowAbi,
        functionName: "lastEpoch",
      }),
    ).toBe(2n);
    await node.rpc("evm_increaseTime", [61]);
    await node.rpc("evm_mine");
    await catchUp(a);
    expect((await gql(a, "{ epoch(number: 2) { fromSeq status } }")).epoch.status).toBe("ACTIVE");
  }, 60_000);

  it("verifies every epoch from the two public URLs alone", async () => {
    const seen: number[] = [];
    const checks = await verifyFromPublicData({
      graphql: url,
      rpc: node.url,
      onEpoch: (c) => seen.push(c.epoch),
    });
    expect(checks.map((c) => [c.epoch, c.ok, c.problem])).toEqual([
      [1, true, null],
      [2, true, null],
    ]);
    expect(
      checks.every((c) => c.manifestOk && c.exportHashOk && c.signaturesOk && c.root === c.chainRoot),
    ).toBe(true);
    expect(seen).toEqual([1, 2]);
    const one = await verifyFromPublicData({ graphql: url, rpc: node.url, epochs: [2] });
    expect(one.map((c) => [c.epoch, c.ok])).toEqual([[2, true]]);
    await expect(verifyFromPublicData({ graphql: url, rpc: node.url, epochs: [5] })).rejects.toMatchObject({
      code: "VERIFY_NO_SUCH_EPOCH",
    });

    // The command, as a stranger runs it: a fresh folder, the two URLs, nothing else.
    const stranger = tempDir("amp-stranger-");
    const root = join(import.meta.dirname, "..", "..", "..");
    // Asynchronous: this process serves the indexer the command talks to.
    const cli = (args: string[]) =>
      new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
        execFile(
          join(root, "node_modules", ".bin", "tsx"),
          [join(root, "scripts", "verify-epoch.ts"), ...args],
          { cwd: stranger.dir, encoding: "utf8", env: { PATH: process.env.PATH ?? "" } },
          (error, stdout, stderr) =>
            resolve({ status: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr }),
        );
      });
    try {
      const all = await cli(["--graphql", url, "--rpc", node.url]);
      expect(all.status, all.stdout + all.stderr).toBe(0);
      expect(all.stdout).toMatch(/^epoch 1: OK .*\nepoch 2: OK /);
      const two = await cli(["--graphql", url, "--rpc", node.url, "--epoch", "2"]);
      expect(two.status, two.stderr).toBe(0);
      expect(two.stdout.trim().split("\n")).toHaveLength(1);
      for (const args of [
        ["--graphql", "http://127.0.0.1:1/graphql", "--rpc", node.url],
        ["--graphql", url, "--rpc", node.url, "--epoch", "9"],
        ["--graphql", url, "--rpc", node.url, "--epoch", "x"],
      ]) {
        const bad = await cli(args);
        expect(bad.status, bad.stdout).toBe(2);
        expect(bad.stderr).toMatch(/^verify-epoch: [^\n]+\n$/);
      }
    } finally {
      stranger.cleanup();
    }
  }, 120_000);

  it("a fresh instance with the same chain and log serves identical settlement answers", async () => {
    const b = testIndexer(node.url, d, join(tmp.dir, "b", "indexer.sqlite"));
    try {
      const store = engagementStore(b.db);
      const copyLog = async () => {
        for (const e of await engagementStore(a.db).entries((await store.lastSeq()) + 1, 1_000_000)) {
          await store.append({
            kind: e.kind,
            signer: e.signer,
            message: JSON.parse(e.json),
            json: e.json,
            signature: e.signature,
            receivedAt: e.receivedAt,
          });
        }
      };
      await copyLog();
      await catchUp(b);
      const rebuilder = createRebuilder({
        db: b.db,
        publicClient: node.publicClient as PublicClient,
        escrow: d.contracts.AMPEscrow,
        social: d.contracts.AMPSocial,
        startBlock: BigInt(d.startBlock),
      });
      expect(await rebuilder.runOnce()).toEqual([1, 2]);
      expect(await rebuilder.runOnce()).toEqual([]);
      await catchUp(a);
      const accounts = w.map((x) => x.account.address.toLowerCase());
      const answers = async (x: Indexer) => {
        const out: unknown[] = [
          await gql(
            x,
            `{ epochs(first: 5) { edges { cursor node { number root inputsHash status activeAt totalSpent blockNumber settledBlock finalized manifest algorithm periodEnd fromSeq toSeq exportHash factsBlock params paramsHash payouts(first: 20) { edges { cursor node { epoch account amount cumulative proof } } pageInfo { hasNextPage endCursor } } } } } }`,
          ),
          await gql(
            x,
            `{ campaigns(first: 10) { edges { cursor node { id promoter payer budget spent remaining expiresAt refunded refundedAmount createdAt active spends { epoch amount revoked } viewsBought averagePrice estimatedRemainingReach } } } }`,
          ),
        ];
        for (const account of accounts) {
          out.push(
            await gql(
              x,
              `{ claim(account: "${account}") { account cumulativeAmount claimed claimable epoch proof }
                 earnings(account: "${account}") { epoch campaignId amount status }
                 campaign(id: "1") { viewPayouts(account: "${account}") { epoch campaign account reason amount } } }`,
            ),
          );
        }
        return out;
      };
      const fromA = await answers(a);
      expect(JSON.stringify(fromA)).toContain(addr(viewer));
      expect(await answers(b)).toEqual(fromA);
      // A fresh settler on the rebuilt database continues the cumulative tree.
      await engage("Like", viewer, 3n);
      await copyLog();
      const fresh = createSettlementJob({
        db: b.db,
        publicClient: node.publicClient as PublicClient,
        walletClient: w[ROLE_WALLET.settler] as Wallet,
        escrow: d.contracts.AMPEscrow,
        social: d.contracts.AMPSocial,
        startBlock: BigInt(d.startBlock),
        settleEmpty: true,
      });
      const outcome = await fresh.runOnce();
      expect(outcome).toMatchObject({ status: "settled", epoch: 3 });
    } finally {
      await b.stop();
    }
  }, 180_000);

  it("a rebuild refuses, loudly, a root its manifest and the log do not produce", async () => {
    // A settler key posts a made-up root with a well-formed manifest of an empty range.
    const toSeq = await engagementStore(a.db).lastSeq();
    const block = await node.publicClient.getBlock();
    const text = encodeManifest(
      manifestOf({
        epoch: 4,
        periodEnd: Number(block.timestamp),
        fromSeq: toSeq,
        toSeq,
        exportHash: keccak256(stringToBytes("")),
        factsBlock: block.number,
        params: DEFAULT_PARAMS,
      }),
    );
    const c = createCheckedRebuilder();
    await write(ROLE_WALLET.settler, d.contracts.AMPEscrow, ampEscrowAbi, "settle", [
      4n,
      block.timestamp,
      `0x${"ab".repeat(32)}`,
      manifestHex(text),
      [],
      [],
    ]);
    await expect(c.runOnce()).rejects.toMatchObject({ code: "SETTLEMENT_ROOT_MISMATCH" });
    await catchUp(a);
    const checks = await verifyFromPublicData({ graphql: url, rpc: node.url });
    expect(checks.map((x) => [x.epoch, x.ok])).toEqual([
      [1, true],
      [2, true],
      [3, true],
      [4, false],
    ]);
    expect(checks[3]).toMatchObject({ manifestOk: true, exportHashOk: true, signaturesOk: true });
    expect(checks[3]?.problem).toMatch(/recomputed root/);
  }, 120_000);

  function createCheckedRebuilder() {
    return createRebuilder({
      db: a.db,
      publicClient: node.publicClient as PublicClient,
      escrow: d.contracts.AMPEscrow,
      social: d.contracts.AMPSocial,
      startBlock: BigInt(d.startBlock),
    });
  }
});
