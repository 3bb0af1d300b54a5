import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type Account, type ContractErrorName, getAddress, type Hex } from "viem";
import {
  amp,
  changeRole,
  DAY,
  escrowed,
  escrowWithTokenErrors,
  type Fixture,
  GRACE,
  inputs,
  manifest,
  mined,
  now,
  ROLES,
  rewardTree,
  settleNext,
  WINDOW,
  worldFixture,
} from "./fixture.ts";

/**
 * Campaign 1 (alice, 100 AMP on post 1) and campaign 2 (bob, 50 AMP on post 2), a day later: both
 * lived their whole day, so settlements may spend their whole budgets (within the week's grace).
 */
async function withCampaigns() {
  const f = await worldFixture();
  await f.escrow.write.amplify([1n, amp(100), DAY], { account: f.alice.account });
  await f.escrow.write.amplify([2n, amp(50), DAY], { account: f.bob.account });
  await f.networkHelpers.time.increase(Number(DAY));
  return f;
}

/** Asserts that `call` reverts with the escrow's custom error `error`, carrying `args`. */
function escrowRefuses(
  f: Awaited<ReturnType<typeof withCampaigns>>,
  call: Promise<Hex>,
  error: ContractErrorName<typeof f.escrow.abi>,
  args: readonly unknown[],
) {
  return f.viem.assertions.revertWithCustomErrorWithArgs(call, f.escrow, error, args as never);
}

const activate = (f: Fixture) => f.networkHelpers.time.increase(WINDOW + 1);

describe("AMPEscrow: settle", () => {
  it("test_settle: spends campaigns, stores the epoch, emits CampaignSpent and EpochSettled", async () => {
    const f = await withCampaigns();
    const tree = rewardTree([[f.carol.account.address, amp(30)]]);
    const periodEnd = await now(f);
    const hash = f.escrow.write.settle(
      [1n, periodEnd, tree.root, manifest("e1"), [1n, 2n], [amp(20), amp(10)]],
      {
        account: f.settler.account,
      },
    );
    const receipt = await mined(f, hash);
    const settledAt = (await f.publicClient.getBlock({ blockNumber: receipt.blockNumber })).timestamp;
    const activeAt = settledAt + BigInt(WINDOW);
    await f.viem.assertions.emitWithArgs(
      Promise.resolve(receipt.transactionHash),
      f.escrow,
      "CampaignSpent",
      [1n, 1n, amp(20)],
    );
    await f.viem.assertions.emitWithArgs(
      Promise.resolve(receipt.transactionHash),
      f.escrow,
      "CampaignSpent",
      [2n, 1n, amp(10)],
    );
    await f.viem.assertions.emitWithArgs(
      Promise.resolve(receipt.transactionHash),
      f.escrow,
      "EpochManifest",
      [1n, manifest("e1")],
    );
    await f.viem.assertions.emitWithArgs(Promise.resolve(receipt.transactionHash), f.escrow, "EpochSettled", [
      1n,
      tree.root,
      inputs("e1"),
      amp(30),
      activeAt,
      periodEnd,
    ]);
    assert.equal(await f.escrow.read.lastEpoch(), 1n);
    assert.deepEqual(await f.escrow.read.epochs([1n]), [tree.root, inputs("e1"), activeAt, false, amp(30)]);
    assert.equal(await f.escrow.read.totalAllocated(), amp(30));
    assert.equal(await f.escrow.read.remaining([1n]), amp(80));
    assert.equal((await f.escrow.read.campaigns([2n]))[3], amp(10));
    // Pending until the window passes.
    assert.equal(await f.escrow.read.activeEpoch(), 0n);
    await f.networkHelpers.time.increaseTo(activeAt);
    assert.equal(await f.escrow.read.activeEpoch(), 1n);
  });

  it("test_settle_emptyEpochAndRepeatedCampaign", async () => {
    const f = await withCampaigns();
    await settleNext(f, rewardTree([[f.carol.account.address, 1n]]).root, []);
    assert.equal((await f.escrow.read.epochs([1n]))[4], 0n);
    // The same campaign twice in one epoch: both spends count against its budget.
    await settleNext(f, rewardTree([[f.carol.account.address, 1n]]).root, [
      [1n, amp(60)],
      [1n, amp(40)],
    ]);
    assert.equal(await f.escrow.read.remaining([1n]), 0n);
    await escrowRefuses(
      f,
      f.escrow.write.settle(
        [3n, await now(f), rewardTree([[f.carol.account.address, 1n]]).root, manifest("x"), [1n], [1n]],
        { account: f.settler.account },
      ),
      "AMPEscrowSpendExceedsEarned",
      [1n, 1n, 0n],
    );
  });

  it("test_settle_revertPaths: role, order, lengths, zero, unknown, above budget, refunded", async () => {
    const f = await withCampaigns();
    const root = rewardTree([[f.carol.account.address, 1n]]).root;
    const settle = async (
      epoch: bigint,
      ids: bigint[],
      amounts: bigint[],
      account: Account = f.settler.account,
    ) => f.escrow.write.settle([epoch, await now(f), root, manifest("x"), ids, amounts], { account });
    await escrowRefuses(f, settle(1n, [1n], [1n], f.alice.account), "AccessControlUnauthorizedAccount", [
      getAddress(f.alice.account.address),
      ROLES.SETTLER_ROLE,
    ]);
    await escrowRefuses(f, settle(2n, [1n], [1n]), "AMPEscrowEpochOutOfOrder", [2n, 1n]);
    await escrowRefuses(f, settle(0n, [1n], [1n]), "AMPEscrowEpochOutOfOrder", [0n, 1n]);
    await escrowRefuses(f, settle(1n, [1n, 2n], [1n]), "AMPEscrowLengthMismatch", [2n, 1n]);
    await escrowRefuses(f, settle(1n, [1n], [0n]), "AMPEscrowZeroAmount", []);
    await escrowRefuses(f, settle(1n, [3n], [1n]), "AMPEscrowUnknownCampaign", [3n]);
    await escrowRefuses(f, settle(1n, [1n, 2n], [amp(10), amp(50) + 1n]), "AMPEscrowSpendExceedsEarned", [
      2n,
      amp(50) + 1n,
      amp(50),
    ]);
    await mined(f, settle(1n, [1n], [amp(1)]));
    // Re-settling the same epoch, or skipping one, is out of order.
    await escrowRefuses(f, settle(1n, [1n], [1n]), "AMPEscrowEpochOutOfOrder", [1n, 2n]);
    await escrowRefuses(f, settle(3n, [1n], [1n]), "AMPEscrowEpochOutOfOrder", [3n, 2n]);
    // Expired campaigns can still be spent within the settlement grace; refunded ones cannot.
    await f.networkHelpers.time.increase(Number(DAY));
    await mined(f, settle(2n, [1n], [amp(1)]));
    await f.networkHelpers.time.increase(GRACE);
    await f.escrow.write.refund([2n]);
    await escrowRefuses(f, settle(3n, [2n], [1n]), "AMPEscrowCampaignRefunded", [2n]);
    // A granted settler can settle.
    await changeRole(f, ROLES.SETTLER_ROLE, f.dave.account.address);
    await mined(f, settle(3n, [], [], f.dave.account));
    assert.equal(await f.escrow.read.totalAllocated(), amp(2));
  });
});

describe("AMPEscrow: revoke", () => {
  it("test_revoke: a pending epoch and every later one; spends restored; settler re-settles", async () => {
    const f = await withCampaigns();
    const t1 = rewardTree([[f.carol.account.address, amp(10)]]);
    await settleNext(f, t1.root, [[1n, amp(10)]]);
    await activate(f);
    const t2 = rewardTree([[f.carol.account.address, amp(30)]]);
    await settleNext(f, t2.root, [
      [1n, amp(15)],
      [2n, amp(5)],
    ]);
    const t3 = rewardTree([[f.carol.account.address, amp(40)]]);
    await settleNext(f, t3.root, [[2n, amp(10)]]);
    const hash = await f.escrow.write.revoke([2n, 1000n], { account: f.guardian.account });
    await f.viem.assertions.emitWithArgs(Promise.resolve(hash), f.escrow, "EpochRevoked", [2n]);
    await f.viem.assertions.emitWithArgs(Promise.resolve(hash), f.escrow, "EpochRevoked", [3n]);
    assert.equal(await f.escrow.read.lastEpoch(), 1n);
    assert.equal(await f.escrow.read.remaining([1n]), amp(90));
    assert.equal(await f.escrow.read.remaining([2n]), amp(50));
    assert.equal(await f.escrow.read.totalAllocated(), amp(10));
    assert.equal((await f.escrow.read.epochs([2n]))[3], true);
    assert.equal((await f.escrow.read.epochs([3n]))[3], true);
    // Epoch 1 stays active and claimable.
    assert.equal(await f.escrow.read.activeEpoch(), 1n);
    await f.escrow.write.claim([f.carol.account.address, amp(10), t1.proof(f.carol.account.address)]);
    // The settler re-settles from epoch 2.
    const t2b = rewardTree([[f.carol.account.address, amp(20)]]);
    await settleNext(f, t2b.root, [[1n, amp(10)]], "e2b");
    assert.deepEqual((await f.escrow.read.epochs([2n])).slice(0, 2), [t2b.root, inputs("e2b")]);
    assert.equal((await f.escrow.read.epochs([2n]))[3], false);
    await activate(f);
    await f.escrow.write.claim([f.carol.account.address, amp(20), t2b.proof(f.carol.account.address)]);
    assert.equal(await f.token.read.balanceOf([f.carol.account.address]), amp(10_000 + 20));
  });

  it("test_revoke_revertPaths: role, active, unknown, already revoked", async () => {
    const f = await withCampaigns();
    const root = rewardTree([[f.carol.account.address, 1n]]).root;
    await escrowRefuses(
      f,
      f.escrow.write.revoke([1n, 1000n], { account: f.guardian.account }),
      "AMPEscrowEpochNotPending",
      [1n],
    );
    await settleNext(f, root, [[1n, 1n]]);
    await escrowRefuses(
      f,
      f.escrow.write.revoke([1n, 1000n], { account: f.alice.account }),
      "AccessControlUnauthorizedAccount",
      [getAddress(f.alice.account.address), ROLES.GUARDIAN_ROLE],
    );
    await escrowRefuses(
      f,
      f.escrow.write.revoke([0n, 1000n], { account: f.guardian.account }),
      "AMPEscrowEpochNotPending",
      [0n],
    );
    await escrowRefuses(
      f,
      f.escrow.write.revoke([2n, 1000n], { account: f.guardian.account }),
      "AMPEscrowEpochNotPending",
      [2n],
    );
    await settleNext(f, root, [[1n, 1n]]);
    await f.escrow.write.revoke([2n, 1000n], { account: f.guardian.account });
    await escrowRefuses(
      f,
      f.escrow.write.revoke([2n, 1000n], { account: f.guardian.account }),
      "AMPEscrowEpochNotPending",
      [2n],
    );
    await activate(f);
    // Once active, an epoch is final.
    await escrowRefuses(
      f,
      f.escrow.write.revoke([1n, 1000n], { account: f.guardian.account }),
      "AMPEscrowEpochNotPending",
      [1n],
    );
    // A granted guardian can revoke.
    await changeRole(f, ROLES.GUARDIAN_ROLE, f.dave.account.address);
    await settleNext(f, root, [[1n, 1n]]);
    await mined(f, f.escrow.write.revoke([2n, 1000n], { account: f.dave.account }));
  });

  it("test_revoke_afterRefund: the restored spend is credited to the promoter, who withdraws it", async () => {
    const f = await withCampaigns();
    // Settled in the grace's last half minute, so the refund opens while the root is pending.
    await f.networkHelpers.time.increase(GRACE - 30);
    await settleNext(f, rewardTree([[f.carol.account.address, amp(30)]]).root, [[1n, amp(30)]]);
    await f.networkHelpers.time.increase(31);
    await f.viem.assertions.emitWithArgs(f.escrow.write.refund([1n]), f.escrow, "CampaignRefunded", [
      1n,
      getAddress(f.alice.account.address),
      amp(70),
    ]);
    const before = await f.token.read.balanceOf([f.alice.account.address]);
    await f.viem.assertions.emitWithArgs(
      f.escrow.write.revoke([1n, 1000n], { account: f.guardian.account }),
      f.escrow,
      "EpochRevoked",
      [1n],
    );
    // Nothing moves inside revoke: the credit grows and waits for the promoter.
    assert.equal(await f.token.read.balanceOf([f.alice.account.address]), before);
    assert.equal(await f.escrow.read.refundCredit([1n]), amp(100));
    assert.equal(await f.escrow.read.remaining([1n]), 0n);
    await escrowRefuses(
      f,
      f.escrow.write.withdrawRefund([1n], { account: f.bob.account }),
      "AMPEscrowNotPromoter",
      [1n, getAddress(f.alice.account.address)],
    );
    await f.viem.assertions.emitWithArgs(
      f.escrow.write.withdrawRefund([1n], { account: f.alice.account }),
      f.escrow,
      "RefundWithdrawn",
      [1n, getAddress(f.alice.account.address), amp(100)],
    );
    assert.equal(await f.token.read.balanceOf([f.alice.account.address]), before + amp(100));
    assert.equal(await f.escrow.read.refundCredit([1n]), 0n);
    // Only campaign 2's budget is left in escrow.
    assert.equal(await escrowed(f), amp(50));
  });
});

describe("AMPEscrow: claims", () => {
  /** Epoch 1 pays carol 30 and dave 20 from campaign 1 and is active. */
  async function withActiveEpoch() {
    const f = await withCampaigns();
    const tree = rewardTree([
      [f.carol.account.address, amp(30)],
      [f.dave.account.address, amp(20)],
    ]);
    await settleNext(f, tree.root, [[1n, amp(50)]]);
    await activate(f);
    return { f, tree };
  }

  it("test_claim: anyone submits, the account is paid, Claimed emitted", async () => {
    const { f, tree } = await withActiveEpoch();
    const dave = f.dave.account.address;
    const hash = await f.escrow.write.claim([dave, amp(20), tree.proof(dave)], {
      account: f.outsider.account,
    });
    await f.viem.assertions.emitWithArgs(Promise.resolve(hash), f.escrow, "Claimed", [
      dave,
      1n,
      amp(20),
      amp(20),
    ]);
    assert.equal(await f.token.read.balanceOf([dave]), amp(20));
    assert.equal(await f.escrow.read.claimed([dave]), amp(20));
    assert.equal(await f.escrow.read.totalClaimed(), amp(20));
    assert.equal(await f.token.read.balanceOf([f.outsider.account.address]), 0n);
  });

  it("test_claim_previousActiveRoot: a proof for the root just superseded still pays, an older one does not", async () => {
    const { f, tree } = await withActiveEpoch();
    const carol = f.carol.account.address;
    const dave = f.dave.account.address;
    const t2 = rewardTree([
      [carol, amp(45)],
      [dave, amp(35)],
    ]);
    await settleNext(f, t2.root, [[2n, amp(30)]]);
    await activate(f);
    assert.equal(await f.escrow.read.activeEpoch(), 2n);
    // Dave's claim was built while epoch 1 was the latest active root.
    const hash = await f.escrow.write.claim([dave, amp(20), tree.proof(dave)]);
    await f.viem.assertions.emitWithArgs(Promise.resolve(hash), f.escrow, "Claimed", [
      dave,
      1n,
      amp(20),
      amp(20),
    ]);
    await f.escrow.write.claim([dave, amp(35), t2.proof(dave)]);
    assert.equal(await f.token.read.balanceOf([dave]), amp(35));
    // Two roots back is too old.
    const t3 = rewardTree([
      [carol, amp(50)],
      [dave, amp(40)],
    ]);
    await settleNext(f, t3.root, [[2n, amp(10)]]);
    await activate(f);
    await escrowRefuses(
      f,
      f.escrow.write.claim([carol, amp(30), tree.proof(carol)]),
      "AMPEscrowInvalidProof",
      [carol, amp(30)],
    );
  });

  it("test_claim_cumulative: a later epoch pays only the difference, sweeping past epochs", async () => {
    const { f, tree } = await withActiveEpoch();
    const carol = f.carol.account.address;
    await f.escrow.write.claim([carol, amp(30), tree.proof(carol)]);
    const t2 = rewardTree([
      [carol, amp(45)],
      [f.dave.account.address, amp(35)],
    ]);
    await settleNext(f, t2.root, [[2n, amp(30)]]);
    await activate(f);
    await f.viem.assertions.emitWithArgs(
      f.escrow.write.claim([carol, amp(45), t2.proof(carol)]),
      f.escrow,
      "Claimed",
      [carol, 2n, amp(15), amp(45)],
    );
    // dave never claimed epoch 1: one claim sweeps both.
    await f.escrow.write.claim([f.dave.account.address, amp(35), t2.proof(f.dave.account.address)]);
    assert.equal(await f.token.read.balanceOf([f.dave.account.address]), amp(35));
    assert.equal(await f.escrow.read.totalClaimed(), amp(80));
    assert.equal(await f.escrow.read.totalAllocated(), amp(80));
  });

  it("hostile: forged proof, proof for another account, wrong amount", async () => {
    const { f, tree } = await withActiveEpoch();
    const carol = f.carol.account.address;
    const dave = f.dave.account.address;
    const forged = [`0x${"ab".repeat(32)}`] as Hex[];
    await escrowRefuses(f, f.escrow.write.claim([carol, amp(30), forged]), "AMPEscrowInvalidProof", [
      getAddress(carol),
      amp(30),
    ]);
    await escrowRefuses(f, f.escrow.write.claim([carol, amp(30), []]), "AMPEscrowInvalidProof", [
      getAddress(carol),
      amp(30),
    ]);
    // dave's proof and amount, submitted for carol (or an outsider).
    await escrowRefuses(
      f,
      f.escrow.write.claim([carol, amp(20), tree.proof(dave)]),
      "AMPEscrowInvalidProof",
      [getAddress(carol), amp(20)],
    );
    await escrowRefuses(
      f,
      f.escrow.write.claim([f.outsider.account.address, amp(20), tree.proof(dave)]),
      "AMPEscrowInvalidProof",
      [getAddress(f.outsider.account.address), amp(20)],
    );
    await escrowRefuses(
      f,
      f.escrow.write.claim([carol, amp(31), tree.proof(carol)]),
      "AMPEscrowInvalidProof",
      [getAddress(carol), amp(31)],
    );
    assert.equal(await f.escrow.read.totalClaimed(), 0n);
  });

  it("hostile: double claim", async () => {
    const { f, tree } = await withActiveEpoch();
    const carol = f.carol.account.address;
    await f.escrow.write.claim([carol, amp(30), tree.proof(carol)]);
    await escrowRefuses(
      f,
      f.escrow.write.claim([carol, amp(30), tree.proof(carol)]),
      "AMPEscrowNothingToClaim",
      [getAddress(carol), amp(30), amp(30)],
    );
    assert.equal(await f.token.read.balanceOf([carol]), amp(10_030));
  });

  it("hostile: claim against a pending or a revoked root", async () => {
    const f = await withCampaigns();
    const carol = f.carol.account.address;
    const t1 = rewardTree([[carol, amp(10)]]);
    await settleNext(f, t1.root, [[1n, amp(10)]]);
    // Pending: no active epoch yet.
    await escrowRefuses(
      f,
      f.escrow.write.claim([carol, amp(10), t1.proof(carol)]),
      "AMPEscrowNoActiveEpoch",
      [],
    );
    await activate(f);
    const t2 = rewardTree([[carol, amp(25)]]);
    await settleNext(f, t2.root, [[1n, amp(15)]]);
    // Epoch 2 is pending: its root is not claimable, epoch 1's is.
    await escrowRefuses(f, f.escrow.write.claim([carol, amp(25), t2.proof(carol)]), "AMPEscrowInvalidProof", [
      getAddress(carol),
      amp(25),
    ]);
    await f.escrow.write.revoke([2n, 1000n], { account: f.guardian.account });
    await activate(f);
    // Revoked: never becomes claimable, even after its window.
    await escrowRefuses(f, f.escrow.write.claim([carol, amp(25), t2.proof(carol)]), "AMPEscrowInvalidProof", [
      getAddress(carol),
      amp(25),
    ]);
    assert.equal(await f.escrow.read.activeEpoch(), 1n);
    await f.escrow.write.claim([carol, amp(10), t1.proof(carol)]);
    // Revoking the first epoch leaves nothing active.
    const f2 = await withCampaigns();
    await settleNext(f2, t1.root, [[1n, amp(10)]]);
    await f2.escrow.write.revoke([1n, 1000n], { account: f.guardian.account });
    await activate(f2);
    await f2.viem.assertions.revertWithCustomErrorWithArgs(
      f2.escrow.write.claim([carol, amp(10), t1.proof(carol)]),
      f2.escrow,
      "AMPEscrowNoActiveEpoch",
      [],
    );
  });

  it("hostile: a root allocating more than the epoch spent cannot drain the escrow", async () => {
    const f = await withCampaigns();
    const carol = f.carol.account.address;
    // The settler spends 10 but the root promises carol 120 (more than all rewards).
    const tree = rewardTree([[carol, amp(120)]]);
    await settleNext(f, tree.root, [[1n, amp(10)]]);
    await activate(f);
    // The escrow holds only the 10 activated; the token refuses the transfer of 120 from it.
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.escrow.write.claim([carol, amp(120), tree.proof(carol)]),
      escrowWithTokenErrors(f),
      "ERC20InsufficientBalance",
      [getAddress(f.escrow.address), amp(10), amp(120)],
    );
    // Budgets stay intact, in the vault (the revert undid the activation's pull as well).
    assert.equal(await escrowed(f), amp(150));
    assert.equal(await f.token.read.balanceOf([await f.escrow.read.vault()]), amp(150));
  });

  it("test_vault: the escrow holds only activated, unclaimed rewards; the rest waits in the vault", async () => {
    const f = await withCampaigns();
    const carol = f.carol.account.address;
    const vault = await f.escrow.read.vault();
    const held = () => f.token.read.balanceOf([f.escrow.address]);
    const inVault = () => f.token.read.balanceOf([vault]);
    assert.equal(await held(), 0n);
    assert.equal(await inVault(), amp(150));
    const tree = rewardTree([[carol, amp(30)]]);
    await settleNext(f, tree.root, [[1n, amp(30)]]);
    // Pending: the spend stays in the vault.
    assert.equal(await held(), 0n);
    assert.equal(await inVault(), amp(150));
    await activate(f);
    // The claim that moves the cursor pulls the epoch's spend first, then pays from it.
    await mined(f, f.escrow.write.claim([carol, amp(30), tree.proof(carol)]));
    assert.equal(await held(), 0n);
    assert.equal(await inVault(), amp(120));
    assert.equal(await f.escrow.read.totalClaimed(), amp(30));
    assert.equal(await f.escrow.read.totalAllocated(), amp(30));
  });

  it("hostile: a greedy root never reaches the vault, even after AMP was sent to the vault", async () => {
    const f = await withCampaigns();
    const carol = f.carol.account.address;
    const vault = await f.escrow.read.vault();
    await f.token.write.transfer([vault, amp(500)], { account: f.alice.account });
    const tree = rewardTree([[carol, amp(11)]]);
    await settleNext(f, tree.root, [[1n, amp(10)]]);
    await activate(f);
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.escrow.write.claim([carol, amp(11), tree.proof(carol)]),
      escrowWithTokenErrors(f),
      "ERC20InsufficientBalance",
      [getAddress(f.escrow.address), amp(10), amp(11)],
    );
    // The revert undid the activation's pull too: everything is still in the vault.
    assert.equal(await f.token.read.balanceOf([vault]), amp(650));
    assert.equal(await f.token.read.balanceOf([f.escrow.address]), 0n);
  });

  it("hostile: AMP sent straight to the escrow is all a greedy root can take beyond its epoch's spend", async () => {
    const f = await withCampaigns();
    const carol = f.carol.account.address;
    await f.token.write.transfer([f.escrow.address, amp(5)], { account: f.alice.account });
    const greedy = rewardTree([[carol, amp(15) + 1n]]);
    await settleNext(f, greedy.root, [[1n, amp(10)]]);
    await activate(f);
    // 10 activated + 5 sent directly: one wei more is refused.
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.escrow.write.claim([carol, amp(15) + 1n, greedy.proof(carol)]),
      escrowWithTokenErrors(f),
      "ERC20InsufficientBalance",
      [getAddress(f.escrow.address), amp(15), amp(15) + 1n],
    );
    const exact = rewardTree([[carol, amp(15)]]);
    await f.networkHelpers.time.increase(1);
    await settleNext(f, exact.root, []);
    await activate(f);
    await mined(f, f.escrow.write.claim([carol, amp(15), exact.proof(carol)]));
    assert.equal(await f.token.read.balanceOf([f.escrow.address]), 0n);
    // Budgets untouched: 150 minus the 10 spent, all in the vault.
    assert.equal(await f.token.read.balanceOf([await f.escrow.read.vault()]), amp(140));
  });

  it("test_claim_revertsWhenPaused", async () => {
    const { f, tree } = await withActiveEpoch();
    const carol = f.carol.account.address;
    await f.escrow.write.pause({ account: f.pauser.account });
    await escrowRefuses(f, f.escrow.write.claim([carol, amp(30), tree.proof(carol)]), "AMPEscrowPaused", []);
    await escrowRefuses(
      f,
      f.escrow.write.claimBatch([[carol], [amp(30)], [tree.proof(carol)]]),
      "AMPEscrowPaused",
      [],
    );
    await f.escrow.write.unpause({ account: f.pauser.account });
    await mined(f, f.escrow.write.claim([carol, amp(30), tree.proof(carol)]));
  });

  it("test_claimBatch: pays every account; one bad claim reverts the batch", async () => {
    const { f, tree } = await withActiveEpoch();
    const carol = f.carol.account.address;
    const dave = f.dave.account.address;
    await escrowRefuses(
      f,
      f.escrow.write.claimBatch([
        [carol, dave],
        [amp(30), amp(21)],
        [tree.proof(carol), tree.proof(dave)],
      ]),
      "AMPEscrowInvalidProof",
      [getAddress(dave), amp(21)],
    );
    await escrowRefuses(
      f,
      f.escrow.write.claimBatch([[carol, dave], [amp(30)], [tree.proof(carol), tree.proof(dave)]]),
      "AMPEscrowLengthMismatch",
      [2n, 1n],
    );
    await escrowRefuses(
      f,
      f.escrow.write.claimBatch([[carol, dave], [amp(30), amp(20)], [tree.proof(carol)]]),
      "AMPEscrowLengthMismatch",
      [2n, 1n],
    );
    // The same account twice in a batch: the second entry has nothing left.
    await escrowRefuses(
      f,
      f.escrow.write.claimBatch([
        [carol, carol],
        [amp(30), amp(30)],
        [tree.proof(carol), tree.proof(carol)],
      ]),
      "AMPEscrowNothingToClaim",
      [getAddress(carol), amp(30), amp(30)],
    );
    const hash = await f.escrow.write.claimBatch(
      [
        [carol, dave],
        [amp(30), amp(20)],
        [tree.proof(carol), tree.proof(dave)],
      ],
      { account: f.outsider.account },
    );
    await f.viem.assertions.emitWithArgs(Promise.resolve(hash), f.escrow, "Claimed", [
      dave,
      1n,
      amp(20),
      amp(20),
    ]);
    assert.equal(await f.token.read.balanceOf([dave]), amp(20));
    assert.equal(await f.token.read.balanceOf([carol]), amp(10_030));
    assert.equal(await f.escrow.read.totalClaimed(), amp(50));
    // An empty batch is a no-op.
    await mined(f, f.escrow.write.claimBatch([[], [], []]));
  });

  it("accepts StandardMerkleTree proofs of every depth from a 1,000-leaf tree", async () => {
    const f = await withCampaigns();
    const claimants = [f.carol, f.dave, f.outsider].map((w) => w.account.address);
    const entries: [`0x${string}`, bigint][] = claimants.map((a, i) => [a, amp(1) + BigInt(i)]);
    for (let i = 0; entries.length < 1000; i++) {
      entries.push([`0x${(i + 1).toString(16).padStart(40, "0")}`, BigInt(i + 1)]);
    }
    const tree = rewardTree(entries);
    const total = entries.reduce((sum, [, v]) => sum + v, 0n);
    await settleNext(f, tree.root, [[1n, total]]);
    await activate(f);
    const depths = new Set<number>();
    for (const [account, amount] of entries.slice(0, 3)) {
      depths.add(tree.proof(account).length);
      await mined(f, f.escrow.write.claim([account, amount, tree.proof(account)]));
      assert.equal(await f.escrow.read.claimed([account]), amount);
    }
    assert.ok([...depths].every((d) => d === 9 || d === 10));
  });

  it("activeEpoch follows time across several pending epochs", async () => {
    const f = await withCampaigns();
    const root = rewardTree([[f.carol.account.address, 1n]]).root;
    await settleNext(f, root, [[1n, 1n]]);
    await f.networkHelpers.time.increase(20);
    await settleNext(f, root, [[1n, 1n]]);
    await f.networkHelpers.time.increase(20);
    await settleNext(f, root, [[1n, 1n]]);
    assert.equal(await f.escrow.read.activeEpoch(), 0n);
    for (const epoch of [1n, 2n, 3n]) {
      const activeAt = (await f.escrow.read.epochs([epoch]))[2];
      await f.networkHelpers.time.increaseTo(activeAt - 1n);
      assert.equal(await f.escrow.read.activeEpoch(), epoch - 1n);
      await f.networkHelpers.time.increaseTo(activeAt);
      assert.equal(await f.escrow.read.activeEpoch(), epoch);
    }
  });
});
