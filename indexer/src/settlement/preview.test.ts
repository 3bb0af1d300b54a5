/**
 * What the preview says is pending is what the settler then settles: the same decisions (with
 * their reasons) and the same amounts, on a Hardhat node.
 */
import { join } from "node:path";
import { type Address, type PublicClient, parseEther } from "viem";
import type { PrivateKeyAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type AmpDeployment,
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
import { engagementStore } from "#test-kit/stores.ts";
import { createImpressionIssuer, impressionKey } from "../engagement/impressions.ts";
import { type Db, openDb } from "../store/db.ts";
import { createSettlementJob } from "./job.ts";
import { createEpochPreview } from "./preview.ts";

describe("epoch preview on a Hardhat node", () => {
  let node: HardhatNode;
  let d: AmpDeployment;
  let tmp: ReturnType<typeof tempDir>;
  let db: Db;
  let w: Wallet[];
  let nonce = 1n;
  const [founder, viewer, optedOut, promoter, author, shortDwell] = [0, 1, 2, 3, 4, 5];
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
  const policy = async (who: number, mode: PolicyMode) =>
    append("Policy", {
      account: addr(who),
      mode,
      communities: [],
      topics: [],
      blockedPromoters: [],
      timestamp: BigInt(await now()),
      nonce: nonce++,
    });
  const view = async (who: number, dwellMs = 5000) =>
    append("View", {
      account: addr(who),
      postId: 1n,
      dwellMs,
      campaignId: 1n,
      timestamp: BigInt(await now()),
      nonce: nonce++,
    });

  beforeAll(async () => {
    tmp = tempDir("amp-preview-");
    node = await startHardhat();
    d = await deploy(node, 60);
    w = node.wallets;
    db = openDb(join(tmp.dir, "indexer.sqlite"));
    const social = d.contracts.AMPSocial;
    await write(founder, social, ampSocialAbi, "createCommunity", ["Makers", "things people make"]);
    for (const who of [author, viewer, optedOut, shortDwell]) {
      await write(who, social, ampSocialAbi, "publish", [
        1n,
        ["craft"],
        `hello from ${who}`,
        `0x${"0".repeat(64)}`,
        "",
      ]);
    }
    // Standing for every viewer: the founder likes their posts.
    for (const postId of [1n, 2n, 3n, 4n])
      await append("Like", {
        account: addr(founder),
        postId,
        timestamp: BigInt(await now()),
        nonce: nonce++,
      });
    await policy(viewer, PolicyMode.Everyone);
    await policy(shortDwell, PolicyMode.Everyone);
    await policy(optedOut, PolicyMode.None);
    await write(founder, d.contracts.AMPToken, ampTokenAbi, "mint", [addr(promoter), parseEther("1000")]);
    await write(promoter, d.contracts.AMPToken, ampTokenAbi, "approve", [
      d.contracts.AMPEscrow,
      parseEther("1000"),
    ]);
    await write(promoter, d.contracts.AMPEscrow, ampEscrowAbi, "amplify", [1n, parseEther("100"), 86_400n]);
    const issuer = createImpressionIssuer({
      store: engagementStore(db),
      key: impressionKey(undefined, 31337) as `0x${string}`,
      chainId: 31337,
      verifyingContract: d.contracts.AMPSocial,
    });
    const t = await now();
    for (const who of [viewer, shortDwell]) {
      const policySeq = db
        .prepare("SELECT seq FROM policies WHERE account = ?")
        .pluck()
        .get(addr(who)) as number;
      await issuer.issue(
        {
          viewer: addr(who),
          campaignId: 1n,
          postId: 1n,
          price: parseEther("1"),
          policySeq: BigInt(policySeq),
          expiresAt: BigInt(t + 3600),
          timestamp: BigInt(t),
        },
        t,
      );
    }
    await view(viewer);
    await view(shortDwell, 500);
    await view(optedOut);
    await view(promoter);
    await node.rpc("evm_increaseTime", [3600]);
    await node.rpc("evm_mine");
  }, 120_000);

  afterAll(async () => {
    db?.close();
    await node?.stop();
    tmp?.cleanup();
  });

  it("previews exactly the decisions and amounts the settler then settles", async () => {
    const blockNumber = await node.publicClient.getBlockNumber();
    const previewer = createEpochPreview({
      db,
      publicClient: node.publicClient as PublicClient,
      social: d.contracts.AMPSocial,
      escrow: d.contracts.AMPEscrow,
      startBlock: BigInt(d.startBlock),
      blockNumber: async () => blockNumber,
    });
    const preview = await previewer.current();
    expect(preview.epoch).toBe(1);
    const reasons = new Map(preview.decisions.map((x) => [x.account, x.reason]));
    expect(reasons.get(addr(viewer))).toBe("paid");
    expect(reasons.get(addr(shortDwell))).toBe("dwellTooShort");
    expect(reasons.get(addr(promoter))).toBe("authorOrPromoter");
    expect(reasons.has(addr(optedOut)) && reasons.get(addr(optedOut)) !== "paid").toBe(true);
    expect(preview.payouts.get(addr(viewer)) ?? 0n).toBeGreaterThan(0n);
    // A second request while nothing moved reuses the computation.
    expect(await previewer.current()).toBe(preview);
    // Nothing was stored or sent.
    expect(db.prepare("SELECT COUNT(*) FROM epoch_payouts").pluck().get()).toBe(0);

    const outcome = await createSettlementJob({
      db,
      publicClient: node.publicClient as PublicClient,
      walletClient: w[ROLE_WALLET.settler] as Wallet,
      escrow: d.contracts.AMPEscrow,
      social: d.contracts.AMPSocial,
      startBlock: BigInt(d.startBlock),
    }).runOnce();
    expect(outcome.status).toBe("settled");
    const settled = db
      .prepare(
        "SELECT campaign_id AS campaignId, account, reason, amount FROM epoch_view_reasons WHERE epoch = 1 ORDER BY account",
      )
      .all() as { campaignId: number; account: string; reason: string; amount: string }[];
    expect(settled).toEqual(
      [...preview.decisions]
        .sort((a, b) => (a.account < b.account ? -1 : 1))
        .map((x) => ({
          campaignId: Number(x.campaignId),
          account: x.account,
          reason: x.reason,
          amount: x.amount.toString(),
        })),
    );
    const paid = db.prepare("SELECT account, amount FROM epoch_payouts WHERE epoch = 1").all() as {
      account: string;
      amount: string;
    }[];
    expect(new Map(paid.map((p) => [p.account, BigInt(p.amount)]))).toEqual(
      new Map([...preview.payouts].filter(([, a]) => a > 0n)),
    );
  });
});
