/**
 * The watcher on a real Hardhat node: an honest epoch settled by the
 * settlement job is verified OK and not disputed; a forged epoch (the
 * settler's key posting a root that pays a made-up account, with a manifest
 * and log export that look right) is found to mismatch and disputed within
 * its challenge window; an epoch whose data never appears is unverifiable
 * before the window closes. With the escrow's bonded disputes, the disputed
 * root does not activate, the guardian's upheld dispute revokes it and pays
 * the disputer back its bond plus the reward, and a frivolous dispute of an
 * honest epoch loses its bond.
 */
import { join } from "node:path";
import { type Address, createWalletClient, type Hex, http, type PublicClient, parseEther } from "viem";
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
import { devAccount } from "#protocol/client.ts";
import { deploy, type HardhatNode, ROLE_WALLET, send, startHardhat, type Wallet } from "#test-kit/hardhat.ts";
import { sign, tempDir } from "#test-kit/helpers.ts";
import { captureLogs } from "#test-kit/logs.ts";
import { engagementStore } from "#test-kit/stores.ts";
import { DEFAULT_PARAMS } from "../attention/params.ts";
import { exportLog } from "../engagement/export.ts";
import { createImpressionIssuer, impressionKey } from "../engagement/impressions.ts";
import { type Db, openDb } from "../store/db.ts";
import { writeEpochFiles } from "./epoch-files.ts";
import { createSettlementJob } from "./job.ts";
import { encodeManifest, manifestHex, manifestOf } from "./manifest.ts";
import { buildMerkle } from "./merkle.ts";
import { createWatcher, escrowDisputeAbi, exportFilesVerifier, type Watcher } from "./watcher.ts";

/** Whether the escrow in this checkout takes bonded disputes (its generated ABI has `dispute`). */
const ESCROW_DISPUTES = (ampEscrowAbi as readonly { type: string; name?: string }[]).some(
  (x) => x.type === "function" && x.name === "dispute",
);
const WINDOW = 60;

describe("watcher on a Hardhat node", () => {
  let node: HardhatNode;
  let d: AmpDeployment;
  let tmp: ReturnType<typeof tempDir>;
  let db: Db;
  let w: Wallet[];
  let watcherWallet: Wallet;
  let nonce = 1n;
  const [founder, viewer, frivolous, promoter, author] = [0, 1, 2, 3, 4];
  const addr = (i: number) => (w[i] as Wallet).account.address.toLowerCase() as Address;
  const exportDir = () => join(tmp.dir, "epochs");
  const madeUp = "0x000000000000000000000000000000000000dead" as Address;

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
    await engagementStore(db).append({
      kind,
      signer: account,
      message: JSON.parse(json),
      json,
      signature,
      receivedAt: Date.now(),
    });
  };
  const now = async () => Number((await node.publicClient.getBlock()).timestamp);
  const like = async (who: number, postId: bigint) =>
    append("Like", { account: addr(who), postId, timestamp: BigInt(await now()), nonce: nonce++ });
  const write = (wallet: Wallet, address: Address, abi: unknown, functionName: string, args: unknown[]) =>
    send(
      node,
      wallet.writeContract({
        address,
        abi: abi as never,
        functionName: functionName as never,
        args: args as never,
      }),
    );
  const balance = (a: Address) =>
    node.publicClient.readContract({
      address: d.contracts.AMPToken,
      abi: ampTokenAbi,
      functionName: "balanceOf",
      args: [a],
    });
  const epochOnChain = (epoch: number) =>
    node.publicClient.readContract({
      address: d.contracts.AMPEscrow,
      abi: ampEscrowAbi,
      functionName: "epochs",
      args: [BigInt(epoch)],
    });
  const job = () =>
    createSettlementJob({
      db,
      publicClient: node.publicClient as PublicClient,
      walletClient: w[ROLE_WALLET.settler] as Wallet,
      escrow: d.contracts.AMPEscrow,
      social: d.contracts.AMPSocial,
      startBlock: BigInt(d.startBlock),
      exportDir: exportDir(),
    });
  const verifier = () =>
    exportFilesVerifier(node.publicClient as PublicClient, {
      social: d.contracts.AMPSocial,
      escrow: d.contracts.AMPEscrow,
      startBlock: BigInt(d.startBlock),
      exportDir: exportDir(),
    });
  const watcherWith = (wallet: Wallet | undefined, logs = captureLogs()) =>
    createWatcher({
      publicClient: node.publicClient as PublicClient,
      ...(wallet ? { walletClient: wallet } : {}),
      escrow: d.contracts.AMPEscrow,
      token: d.contracts.AMPToken,
      startBlock: BigInt(d.startBlock),
      verify: verifier(),
      logger: logs.logger,
    });

  beforeAll(async () => {
    tmp = tempDir("amp-watcher-");
    node = await startHardhat();
    d = await deploy(node, WINDOW);
    w = node.wallets;
    db = openDb(join(tmp.dir, "indexer.sqlite"));
    // The watcher's own account: development account 59, with gas and AMP for bonds.
    const account = devAccount(59);
    await node.rpc("hardhat_setBalance", [account.address, "0x56BC75E2D63100000"]);
    watcherWallet = createWalletClient({ account, chain: node.chain, transport: http(node.url) }) as Wallet;
    const admin = w[founder] as Wallet;
    for (const a of [account.address, addr(frivolous), addr(promoter)])
      await write(admin, d.contracts.AMPToken, ampTokenAbi, "mint", [a, parseEther("1000")]);

    const social = d.contracts.AMPSocial;
    await write(admin, social, ampSocialAbi, "createCommunity", ["Makers", "things people make"]);
    for (const who of [author, viewer]) {
      await write(w[who] as Wallet, social, ampSocialAbi, "publish", [
        1n,
        ["craft"],
        `hello from ${who}`,
        `0x${"0".repeat(64)}`,
        "",
      ]);
    }
    for (const p of [1n, 2n]) await like(founder, p);
    await like(viewer, 1n);
    await append("Policy", {
      account: addr(viewer),
      mode: PolicyMode.Everyone,
      communities: [],
      topics: [],
      blockedPromoters: [],
      timestamp: BigInt(await now()),
      nonce: nonce++,
    });
    const p = w[promoter] as Wallet;
    await write(p, d.contracts.AMPToken, ampTokenAbi, "approve", [d.contracts.AMPEscrow, parseEther("1000")]);
    await write(p, d.contracts.AMPEscrow, ampEscrowAbi, "amplify", [1n, parseEther("100"), 86_400n]);
    const issuer = createImpressionIssuer({
      store: engagementStore(db),
      key: impressionKey(undefined, 31337) as Hex,
      chainId: 31337,
      verifyingContract: social,
    });
    const policySeq = db
      .prepare("SELECT seq FROM policies WHERE account = ?")
      .pluck()
      .get(addr(viewer)) as number;
    const t = await now();
    await issuer.issue(
      {
        viewer: addr(viewer),
        campaignId: 1n,
        postId: 1n,
        price: parseEther("1"),
        policySeq: BigInt(policySeq),
        expiresAt: BigInt(t + 3600),
        timestamp: BigInt(t),
      },
      t,
    );
    await append("View", {
      account: addr(viewer),
      postId: 1n,
      dwellMs: 5000,
      campaignId: 1n,
      timestamp: BigInt(t + 1),
      nonce: nonce++,
    });
    await node.rpc("evm_increaseTime", [3600]);
    await node.rpc("evm_mine");
  }, 180_000);

  afterAll(async () => {
    db?.close();
    await node?.stop();
    tmp?.cleanup();
  });

  let watcher: Watcher;
  let logs: ReturnType<typeof captureLogs>;

  it("verifies an honest epoch OK and does not dispute it", async () => {
    // Before its files are published the epoch is unavailable; the same verifier then checks it.
    const files = verifier();
    expect(await files(1)).toMatchObject({ epoch: 1, verdict: "unavailable" });
    const outcome = await job().runOnce();
    expect(outcome.status).toBe("settled");
    expect(await files(1)).toEqual({ epoch: 1, verdict: "ok", root: (await epochOnChain(1))[0] });
    logs = captureLogs();
    watcher = watcherWith(watcherWallet, logs);
    const verdicts = await watcher.tick();
    expect(verdicts).toEqual([{ epoch: 1, verdict: "ok", root: (await epochOnChain(1))[0] }]);
    expect(watcher.disputes.size).toBe(0);
    const line = logs.lines().find((l) => l.verdict === "ok");
    expect(line).toMatchObject({ epoch: 1, level: "info" });
    // Nothing new: the next tick reports nothing.
    expect(await watcher.tick()).toEqual([]);
  });

  it.skipIf(!ESCROW_DISPUTES)("a frivolous dispute of the honest epoch loses its bond", async () => {
    const f = w[frivolous] as Wallet;
    const bond = await node.publicClient.readContract({
      address: d.contracts.AMPEscrow,
      abi: escrowDisputeAbi,
      functionName: "disputeBond",
    });
    const before = await balance(addr(frivolous));
    await write(f, d.contracts.AMPToken, ampTokenAbi, "approve", [d.contracts.AMPEscrow, bond]);
    await write(f, d.contracts.AMPEscrow, escrowDisputeAbi, "dispute", [1n]);
    expect(await balance(addr(frivolous))).toBe(before - bond);
    await write(
      w[ROLE_WALLET.guardian] as Wallet,
      d.contracts.AMPEscrow,
      disputeResolutionAbi,
      "resolveDispute",
      [1n, false],
    );
    expect(await balance(addr(frivolous))).toBe(before - bond);
    expect((await epochOnChain(1))[3]).toBe(false);
  });

  let forgedRoot: Hex;
  let forgedProof: Hex[];
  const forgedAmount = parseEther("1000");

  it("finds a forged epoch (the settler's key paying a made-up account) and disputes it within the window", async () => {
    await like(viewer, 2n);
    // The forger publishes a correct-looking export and manifest for epoch 2 and a root of its own.
    const fromSeq = db.prepare("SELECT to_seq FROM settlement_runs WHERE epoch = 1").pluck().get() as number;
    const toSeq = db.prepare("SELECT MAX(seq) FROM engagement_log").pluck().get() as number;
    const { ndjson, hash: exportHash } = exportLog(db, fromSeq + 1, toSeq);
    const blockNumber = await node.publicClient.getBlockNumber();
    const asOf = await now();
    const previous = db.prepare("SELECT account, cumulative FROM epoch_payouts WHERE epoch = 1").all() as {
      account: string;
      cumulative: string;
    }[];
    const leaves = new Map(previous.map((r) => [r.account, BigInt(r.cumulative)] as const));
    leaves.set(madeUp, forgedAmount);
    const tree = buildMerkle(leaves);
    forgedRoot = tree.root;
    forgedProof = tree.proofs.get(madeUp) as Hex[];
    const text = encodeManifest(
      manifestOf({
        epoch: 2,
        periodEnd: asOf,
        fromSeq,
        toSeq,
        exportHash,
        factsBlock: blockNumber,
        params: DEFAULT_PARAMS,
      }),
    );
    writeEpochFiles(exportDir(), 2, text, ndjson);
    const commitment = manifestHex(text);
    await write(w[ROLE_WALLET.settler] as Wallet, d.contracts.AMPEscrow, ampEscrowAbi, "settle", [
      2n,
      BigInt(asOf),
      forgedRoot,
      commitment,
      [],
      [],
    ]);
    const activeAt = (await epochOnChain(2))[2];
    const bondBefore = await balance(watcherWallet.account.address);
    const verdicts = await watcher.tick();
    expect(verdicts).toHaveLength(1);
    const v = verdicts[0];
    expect(v).toMatchObject({ epoch: 2, verdict: "mismatch", root: forgedRoot });
    if (v?.verdict !== "mismatch") return;
    expect(v.expectedRoot).not.toBe(forgedRoot);
    expect(v.reasons.join(" ")).toContain("root");
    const line = logs.lines().find((l) => l.verdict === "mismatch");
    expect(line).toMatchObject({ epoch: 2, level: "error", root: forgedRoot });
    const dispute = watcher.disputes.get(2);
    if (ESCROW_DISPUTES) {
      expect(dispute?.status).toBe("disputed");
      const [disputer, bond] = await node.publicClient.readContract({
        address: d.contracts.AMPEscrow,
        abi: escrowDisputeAbi,
        functionName: "disputes",
        args: [2n],
      });
      expect(disputer.toLowerCase()).toBe(watcherWallet.account.address.toLowerCase());
      expect(bond).toBe(dispute?.bond);
      expect(await balance(watcherWallet.account.address)).toBe(bondBefore - bond);
      // Disputed within the window: the dispute's block came before the root would have activated.
      const receipt = await node.publicClient.getTransactionReceipt({ hash: dispute?.txHash as Hex });
      const block = await node.publicClient.getBlock({ blockNumber: receipt.blockNumber });
      expect(block.timestamp).toBeLessThan(activeAt);
    } else {
      // This escrow has no bonded disputes: the watcher says so and leaves it to the guardian.
      expect(dispute?.status).toBe("unsupported");
      expect(logs.text()).toContain("takes no disputes");
    }
  });

  it.skipIf(!ESCROW_DISPUTES)(
    "the disputed root does not activate; the guardian's upheld dispute revokes it and pays bond plus reward",
    async () => {
      await node.rpc("evm_increaseTime", [WINDOW + 5]);
      await node.rpc("evm_mine");
      // Past the window the made-up account still cannot claim: the disputed root never became active.
      await expect(
        (w[viewer] as Wallet).writeContract({
          address: d.contracts.AMPEscrow,
          abi: ampEscrowAbi,
          functionName: "claim",
          args: [madeUp, forgedAmount, forgedProof],
        }),
      ).rejects.toThrow();
      const before = await balance(watcherWallet.account.address);
      const [, bond] = await node.publicClient.readContract({
        address: d.contracts.AMPEscrow,
        abi: escrowDisputeAbi,
        functionName: "disputes",
        args: [2n],
      });
      const hash = await (w[ROLE_WALLET.guardian] as Wallet).writeContract({
        address: d.contracts.AMPEscrow,
        abi: disputeResolutionAbi,
        functionName: "resolveDispute",
        args: [2n, true],
      });
      const receipt = await node.publicClient.waitForTransactionReceipt({ hash });
      expect(receipt.status).toBe("success");
      expect((await epochOnChain(2))[3]).toBe(true);
      const paid = (await balance(watcherWallet.account.address)) - before;
      expect(paid).toBeGreaterThan(bond);
      expect(await balance(madeUp)).toBe(0n);
    },
  );

  it("calls an epoch whose data never appears unverifiable before its window closes", async () => {
    const quiet = captureLogs();
    const blind = createWatcher({
      publicClient: node.publicClient as PublicClient,
      escrow: d.contracts.AMPEscrow,
      token: d.contracts.AMPToken,
      startBlock: BigInt(d.startBlock),
      verify: async (epoch) => ({
        epoch,
        verdict: "unavailable",
        reason: "no manifest at the published path",
      }),
      logger: quiet.logger,
      marginSeconds: 5,
    });
    await like(author, 2n);
    // A fresh epoch settled directly (its files are never published), inside its window.
    const last = Number(
      await node.publicClient.readContract({
        address: d.contracts.AMPEscrow,
        abi: ampEscrowAbi,
        functionName: "lastEpoch",
      }),
    );
    await write(w[ROLE_WALLET.settler] as Wallet, d.contracts.AMPEscrow, ampEscrowAbi, "settle", [
      BigInt(last + 1),
      BigInt(await now()),
      forgedRoot,
      `0x${"ab".repeat(32)}`,
      [],
      [],
    ]);
    const first = await blind.tick();
    // Earlier epochs are past their windows: unverifiable at once; the new one waits.
    expect(first.map((v) => v.epoch)).not.toContain(last + 1);
    await node.rpc("evm_increaseTime", [WINDOW - 3]);
    await node.rpc("evm_mine");
    const second = await blind.tick();
    expect(second.map((v) => v.epoch)).toContain(last + 1);
    expect(blind.disputes.get(last + 1)?.status).toBe("noKey");
    expect(quiet.lines().some((l) => l.verdict === "unverifiable" && l.epoch === last + 1)).toBe(true);
  });
});

/** The guardian's side of the escrow's dispute interface. */
const disputeResolutionAbi = [
  {
    type: "function",
    name: "resolveDispute",
    stateMutability: "nonpayable",
    inputs: [
      { name: "epoch", type: "uint64" },
      { name: "upheld", type: "bool" },
    ],
    outputs: [],
  },
] as const;
