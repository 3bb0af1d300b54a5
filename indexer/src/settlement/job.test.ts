import { readdirSync } from "node:fs";
import { join } from "node:path";
import { type Address, type PublicClient, parseEther } from "viem";
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
import type { Logger } from "#protocol/logger.ts";
import { deploy, type HardhatNode, ROLE_WALLET, send, startHardhat, type Wallet } from "#test-kit/hardhat.ts";
import { sign, tempDir } from "#test-kit/helpers.ts";
import { captureLogs } from "#test-kit/logs.ts";
import { engagementStore } from "#test-kit/stores.ts";
import { loadConfig } from "../config.ts";
import { createImpressionIssuer, impressionKey } from "../engagement/impressions.ts";
import { type Db, openDb } from "../store/db.ts";
import { createSettlementJob } from "./job.ts";
import { epochExportDir, settleNow, settlerKey } from "./settler.ts";
import { verifyEpochs } from "./verify.ts";

describe("settlement job on a Hardhat node", () => {
  let node: HardhatNode;
  let d: AmpDeployment;
  let tmp: ReturnType<typeof tempDir>;
  let db: Db;
  let w: Wallet[];
  let nonce = 1n;
  const [founder, viewer, optedOut, promoter, author] = [0, 1, 2, 3, 4];
  const addr = (i: number) => (w[i] as Wallet).account.address.toLowerCase() as Address;

  /** Appends a message signed by its account's wallet (or `forgedBy`, which holds no delegation). */
  const append = async <K extends MessageKind>(kind: K, message: MessageByKind[K], forgedBy?: Wallet) => {
    const account = (message as { account: string }).account.toLowerCase();
    const wallet = forgedBy ?? w.find((x) => x.account.address.toLowerCase() === account);
    if (!wallet) throw new Error(`no wallet for ${account}`);
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
  const balance = (a: Address) =>
    node.publicClient.readContract({
      address: d.contracts.AMPToken,
      abi: ampTokenAbi,
      functionName: "balanceOf",
      args: [a],
    });
  /** `settleEmpty`: settle epochs whose entries (likes here) spend nothing and change no leaf. */
  const job = (wallet: number = ROLE_WALLET.settler, logger?: Logger, settleEmpty = false) =>
    createSettlementJob({
      ...(logger ? { logger } : {}),
      settleEmpty,
      db,
      publicClient: node.publicClient as PublicClient,
      walletClient: w[wallet] as Wallet,
      escrow: d.contracts.AMPEscrow,
      social: d.contracts.AMPSocial,
      startBlock: BigInt(d.startBlock),
      exportDir: join(tmp.dir, "epochs"),
    });

  /** What the verifier finds for an epoch, from the chain and the exported files only. */
  const verifyFromChain = (epoch: number) =>
    verifyEpochs(node.publicClient as PublicClient, {
      social: d.contracts.AMPSocial,
      escrow: d.contracts.AMPEscrow,
      startBlock: BigInt(d.startBlock),
      exportDir: join(tmp.dir, "epochs"),
      epoch,
    });

  beforeAll(async () => {
    tmp = tempDir("amp-settlement-");
    node = await startHardhat();
    d = await deploy(node, 60);
    w = node.wallets;
    db = openDb(join(tmp.dir, "indexer.sqlite"));
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
    // post 1 by author, 2 by viewer, 3 by optedOut; the founder's attention gives them standing.
    for (const p of [1n, 2n, 3n]) await engage("Like", founder, p);
    await engage("Like", viewer, 1n);
    await append("Policy", {
      account: addr(viewer),
      mode: PolicyMode.Everyone,
      communities: [],
      topics: [],
      blockedPromoters: [],
      timestamp: BigInt(await now()),
      nonce: nonce++,
    });
    await append("Policy", {
      account: addr(optedOut),
      mode: PolicyMode.None,
      communities: [],
      topics: [],
      blockedPromoters: [],
      timestamp: BigInt(await now()),
      nonce: nonce++,
    });
    await write(founder, d.contracts.AMPToken, ampTokenAbi, "mint", [addr(promoter), parseEther("1000")]);
    await write(promoter, d.contracts.AMPToken, ampTokenAbi, "approve", [
      d.contracts.AMPEscrow,
      parseEther("1000"),
    ]);
    await write(promoter, d.contracts.AMPEscrow, ampEscrowAbi, "amplify", [1n, parseEther("100"), 86_400n]);
    // The indexer served campaign 1 to the viewer, whose policy admits it (the local chain's impression key).
    const issuer = createImpressionIssuer({
      store: engagementStore(db),
      key: impressionKey(undefined, 31337) as `0x${string}`,
      chainId: 31337,
      verifyingContract: d.contracts.AMPSocial,
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
    await engage("View", viewer, 1n, 1n);
    await engage("View", optedOut, 1n, 1n);
    await engage("View", promoter, 1n, 1n);
    // An hour into the campaign's day: the escrow lets a settlement spend what that hour earned.
    await node.rpc("evm_increaseTime", [3600]);
    await node.rpc("evm_mine");
  }, 120_000);

  afterAll(async () => {
    db?.close();
    await node?.stop();
    tmp?.cleanup();
  });

  it("settles an epoch, stores claimable proofs, and never settles it twice", async () => {
    const logs = captureLogs();
    const outcome = await job(ROLE_WALLET.settler, logs.logger).runOnce();
    expect(outcome.status).toBe("settled");
    if (outcome.status !== "settled") return;
    // Each phase is one structured line with its duration, then one line for the settled epoch.
    const phases = logs.lines().filter((l) => l.phase !== undefined);
    expect(phases.map((l) => l.phase)).toEqual([
      "export log",
      "read chain facts",
      "compute epoch",
      "store payouts",
      "send settle transaction",
      "wait for receipt",
      "write epoch files",
    ]);
    for (const l of phases) expect(l).toMatchObject({ level: "info", epoch: 1, ms: expect.any(Number) });
    expect(logs.lines().at(-1)).toMatchObject({
      msg: "settlement: epoch settled",
      epoch: 1,
      txHash: outcome.txHash,
      totalSpent: outcome.totalSpent.toString(),
    });
    expect(outcome.totalSpent).toBeGreaterThan(0n);
    const [root, , , revoked, totalSpent] = await node.publicClient.readContract({
      address: d.contracts.AMPEscrow,
      abi: ampEscrowAbi,
      functionName: "epochs",
      args: [1n],
    });
    expect(root).toBe(outcome.root);
    expect(revoked).toBe(false);
    expect(totalSpent).toBe(outcome.totalSpent);

    const rows = db
      .prepare("SELECT account, amount, cumulative, proof FROM epoch_payouts WHERE epoch = 1")
      .all() as {
      account: string;
      amount: string;
      cumulative: string;
      proof: string;
    }[];
    expect(rows.map((r) => r.account)).toEqual([addr(viewer)]);
    expect(BigInt((rows[0] as { amount: string }).amount)).toBe(outcome.totalSpent);

    // Another settler holding the lease on the database makes a run step aside.
    db.prepare("INSERT INTO settlement_lease (id, owner, until) VALUES (1, 'other', ?)").run(
      Math.floor(Date.now() / 1000) + 60,
    );
    expect((await job().runOnce()).status).toBe("busy");
    db.prepare("DELETE FROM settlement_lease").run();

    // Nothing new: a second run (and a restarted job) leave the chain alone.
    expect((await job().runOnce()).status).toBe("idle");
    expect(
      await node.publicClient.readContract({
        address: d.contracts.AMPEscrow,
        abi: ampEscrowAbi,
        functionName: "lastEpoch",
      }),
    ).toBe(1n);

    // After the challenge window the viewer claims with the stored proof.
    await node.rpc("evm_increaseTime", [61]);
    await node.rpc("evm_mine");
    const row = rows[0] as { account: string; cumulative: string; proof: string };
    const before = await balance(addr(viewer));
    await write(founder, d.contracts.AMPEscrow, ampEscrowAbi, "claim", [
      addr(viewer),
      BigInt(row.cumulative),
      JSON.parse(row.proof),
    ]);
    expect((await balance(addr(viewer))) - before).toBe(BigInt(row.cumulative));
  });

  it("resumes after a failed send and the verifier agrees with the chain", async () => {
    await engage("Like", optedOut, 2n);
    // A wallet without the settler role: its transaction reverts after the run was recorded.
    await expect(job(4, undefined, true).runOnce()).rejects.toThrow();
    const outcome = await job(ROLE_WALLET.settler, undefined, true).runOnce();
    expect(outcome.status).toBe("settled");
    expect(outcome.epoch).toBe(2);
    const checks = await verifyFromChain(2);
    expect(checks.map((c) => c.ok)).toEqual([true, true]);

    // The guardian revokes the pending epoch 2; the settler settles epoch 2 again, afresh.
    await engage("Like", viewer, 3n);
    // Revoked with no spend restored yet: the settler finishes the restore before settling again.
    await write(ROLE_WALLET.guardian, d.contracts.AMPEscrow, ampEscrowAbi, "revoke", [2n, 0n]);
    const again = await job(ROLE_WALLET.settler, undefined, true).runOnce();
    expect(again).toMatchObject({ status: "settled", epoch: 2 });
    const recheck = await verifyFromChain(2);
    expect(recheck.map((c) => c.ok)).toEqual([true, true]);
  });

  it("runs from the indexer configuration with the development settler key", async () => {
    const config = loadConfig(
      { rpcUrl: node.url, chainId: 31337, deployment: d, dbPath: join(tmp.dir, "indexer.sqlite") },
      { env: {} },
    );
    const key = settlerKey("dev", config.chainId);
    if (!key) throw new Error("no key");
    expect((await settleNow(config, db, { key })).status).toBe("idle");
    await engage("Like", author, 2n);
    const outcome = await settleNow(config, db, { key, settleEmpty: true });
    expect(outcome).toMatchObject({ status: "settled", epoch: 3 });
    expect(readdirSync(epochExportDir(config)).sort()).toContain("epoch-3.ndjson");
  });

  it("does not verify a root built on engagement the account never signed", async () => {
    // A like in the viewer's name, signed by the promoter's wallet, settled into epoch 4.
    const base = { account: addr(viewer), postId: 3n, timestamp: BigInt(await now()), nonce: nonce++ };
    await append("Like", base, w[promoter]);
    const outcome = await job(ROLE_WALLET.settler, undefined, true).runOnce();
    expect(outcome).toMatchObject({ status: "settled", epoch: 4 });
    const checks = await verifyFromChain(4);
    expect(checks.map((c) => c.ok)).toEqual([true, true, true, false]);
    const forged = checks[3];
    // The export and the root match the chain: only the signature check catches it.
    expect(forged).toMatchObject({ exportHashOk: true, signaturesOk: false });
    expect(forged?.root).toBe(forged?.chainRoot);
    expect(forged?.badEntry?.reason).toMatch(/holds no delegation/);
  });
});
