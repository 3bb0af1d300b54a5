/**
 * The hostile review's gas scenarios as real transactions on the simulated chain, which applies
 * EIP-7825's 2^24 per-transaction gas cap: a bad root with hundreds of refunded one-wei spends
 * settled on top must stay revocable, and eight thousand epochs activating together must not brick
 * claims.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { keccak256, toHex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { MAX_SPENDS_PER_EPOCH } from "#protocol/deploy.ts";
import {
  amp,
  consentedAmplifyFor,
  DAY,
  type Fixture,
  mined,
  rewardTree,
  settleNext,
  worldFixture,
} from "./fixture.ts";

const TX_GAS_CAP = 1n << 24n;
/** Long enough that every transaction below lands inside it (each block moves the clock). */
const WINDOW = 4 * 3600;
/** The settlement grace: one epoch (30 s) plus the window. */
const GRACE = WINDOW + 30;

/** A one-second campaign for post 1 paid by `f.bob` in the name of a fresh address (with its consent). */
async function amplifyForFresh(f: Fixture, i: number, amount: bigint) {
  const promoter = privateKeyToAccount(keccak256(toHex(`promoter ${i}`)));
  const consent = await consentedAmplifyFor(
    f,
    { address: promoter.address, sign: (typed) => promoter.signTypedData(typed) },
    { postId: 1n, amount, duration: 1n, payer: f.bob.account.address },
  );
  await mined(f, f.escrow.write.amplifyFor(consent, { account: f.bob.account }));
  return f.escrow.read.campaignCount();
}

/** Revokes `epoch` (and every later one) in bounded transactions; returns the gas of each. */
async function revokeFully(f: Fixture, epoch: bigint): Promise<bigint[]> {
  const chunk = BigInt(MAX_SPENDS_PER_EPOCH + 1);
  const gas = [
    (await mined(f, f.escrow.write.revoke([epoch, chunk], { account: f.guardian.account }))).gasUsed,
  ];
  while (await f.escrow.read.restorePending()) {
    gas.push((await mined(f, f.escrow.write.restoreSpends([chunk], { account: f.carol.account }))).gasUsed);
  }
  return gas;
}

describe("AMPEscrow: gas attacks", () => {
  it("test_revoke_badRootUnderRefundedOneWeiSpendsFitsTheGasCap", async () => {
    const f = await worldFixture({ challengeWindow: WINDOW, settlementGrace: GRACE, roleDelay: WINDOW + 1 });
    await mined(f, f.escrow.write.amplify([1n, amp(1000), 3600n], { account: f.alice.account }));
    // 440 one-wei campaigns of fresh promoters, expired at once; they stay spendable for the grace.
    const spends: [bigint, bigint][] = [];
    for (let i = 0; i < 440; i++) spends.push([await amplifyForFresh(f, i, 1n), 1n]);
    const [, closesAt] = await f.escrow.read.campaignTimes([spends.at(-1)?.[0] ?? 0n]);
    // Near the end of their grace: a bad root paying dave the victim's whole budget, and on top
    // of it the 440 spends, in as many epochs as the cap needs.
    await f.networkHelpers.time.increaseTo(closesAt - 900n);
    const bad = await settleNext(f, rewardTree([[f.dave.account.address, amp(1000)]]).root, [
      [1n, amp(1000)],
    ]);
    const empty = rewardTree([[f.carol.account.address, 0n]]).root;
    for (let i = 0; i < spends.length; i += MAX_SPENDS_PER_EPOCH) {
      await settleNext(f, empty, spends.slice(i, i + MAX_SPENDS_PER_EPOCH));
    }
    // Every one of them refunded once its grace passed, while the bad root is still pending.
    await f.networkHelpers.time.increaseTo(closesAt);
    for (const [id] of spends) await mined(f, f.escrow.write.refund([id], { account: f.carol.account }));
    assert.equal(await f.escrow.read.activeEpoch(), 0n);

    const gas = await revokeFully(f, bad);
    for (const g of gas) assert.ok(g <= TX_GAS_CAP, `a revoke transaction used ${g} gas`);
    assert.equal(await f.escrow.read.lastEpoch(), bad - 1n);
    assert.equal(await f.escrow.read.remaining([1n]), amp(1000));
    // The restored one-wei spends are credited to their promoters, not sent.
    assert.equal(await f.escrow.read.refundCredit([spends[0]?.[0] ?? 0n]), 1n);
  });

  it("test_claim_eightThousandEpochsActivatingTogetherFitTheGasCap", async () => {
    const f = await worldFixture({ challengeWindow: WINDOW, settlementGrace: GRACE, roleDelay: WINDOW + 1 });
    await mined(f, f.escrow.write.amplify([1n, amp(100), 30n * DAY], { account: f.alice.account }));
    await f.networkHelpers.time.increase(Number(3n * DAY));
    const carol = f.carol.account.address;
    const tree = rewardTree([
      [carol, amp(1)],
      [f.dave.account.address, 0n],
    ]);
    await settleNext(f, tree.root, [[1n, amp(1)]]);
    for (let i = 0; i < 8000; i++) await settleNext(f, tree.root, []);
    await f.networkHelpers.time.increase(WINDOW + 1);
    const receipt = await mined(f, f.escrow.write.claim([carol, amp(1), tree.proof(carol)]));
    assert.ok(receipt.gasUsed <= TX_GAS_CAP, `claim used ${receipt.gasUsed} gas`);
    assert.equal(await f.token.read.balanceOf([carol]), amp(10_000) + amp(1));
  });
});
