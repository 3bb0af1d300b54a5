import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type Address, getAddress, maxUint256, zeroAddress } from "viem";
import { ampEscrowAbi } from "#protocol";
import { readBytecode } from "#protocol/deploy.ts";
import {
  amp,
  changeRole,
  consentedAmplifyFor,
  DAY,
  deployFixture,
  escrowed,
  escrowWithTokenErrors,
  GRACE,
  mined,
  now,
  ROLES,
  settleNext,
  signPermit,
  WINDOW,
  walletSigner,
  worldFixture,
  ZERO_HASH,
} from "./fixture.ts";

describe("AMPEscrow: deployment", () => {
  it("exposes its wiring; settler, guardian and pauser are three accounts, none the deployer", async () => {
    const f = await deployFixture();
    assert.equal(await f.escrow.read.token(), getAddress(f.token.address));
    assert.equal(await f.escrow.read.social(), getAddress(f.social.address));
    assert.equal(await f.escrow.read.challengeWindow(), BigInt(WINDOW));
    assert.equal(await f.escrow.read.settlementGrace(), BigInt(GRACE));
    assert.equal(await f.escrow.read.MAX_DURATION(), 365n * DAY);
    assert.equal(await f.escrow.read.SETTLER_ROLE(), ROLES.SETTLER_ROLE);
    assert.equal(await f.escrow.read.GUARDIAN_ROLE(), ROLES.GUARDIAN_ROLE);
    assert.equal(await f.escrow.read.PAUSER_ROLE(), ROLES.PAUSER_ROLE);
    for (const role of [ROLES.SETTLER_ROLE, ROLES.GUARDIAN_ROLE, ROLES.PAUSER_ROLE]) {
      assert.equal(await f.escrow.read.hasRole([role, f.admin.account.address]), false);
      assert.equal(await f.escrow.read.hasRole([role, f.alice.account.address]), false);
    }
    assert.equal(await f.escrow.read.hasRole([ROLES.SETTLER_ROLE, f.settler.account.address]), true);
    assert.equal(await f.escrow.read.hasRole([ROLES.GUARDIAN_ROLE, f.guardian.account.address]), true);
    assert.equal(await f.escrow.read.hasRole([ROLES.PAUSER_ROLE, f.pauser.account.address]), true);
    assert.equal(await f.escrow.read.defaultAdmin(), getAddress(f.admin.account.address));
    assert.equal(await f.escrow.read.lastEpoch(), 0n);
    assert.equal(await f.escrow.read.activeEpoch(), 0n);
    assert.equal(await f.escrow.read.campaignCount(), 0n);
    assert.equal(await f.escrow.read.paused(), false);
  });

  it("deployAmp names the given settler, guardian and pauser", async () => {
    const probe = await deployFixture();
    const f = await deployFixture({
      settler: probe.alice.account.address,
      guardian: probe.bob.account.address,
      pauser: probe.carol.account.address,
    });
    assert.equal(await f.escrow.read.hasRole([ROLES.SETTLER_ROLE, f.alice.account.address]), true);
    assert.equal(await f.escrow.read.hasRole([ROLES.GUARDIAN_ROLE, f.bob.account.address]), true);
    assert.equal(await f.escrow.read.hasRole([ROLES.PAUSER_ROLE, f.carol.account.address]), true);
    assert.equal(f.deployment.roles.settler, getAddress(probe.alice.account.address));
    assert.equal(f.deployment.roles.minter, getAddress(probe.admin.account.address));
  });

  it("constructor rejects zero addresses, shared roles and out-of-range windows and delays", async () => {
    const f = await deployFixture();
    const base = {
      admin: f.admin.account.address,
      settler: f.alice.account.address,
      guardian: f.bob.account.address,
      pauser: f.carol.account.address,
      adminDelay: 0,
      challengeWindow: 60n,
      epochLength: 30n,
      settlementGrace: 90n,
      roleDelay: 61n,
      disputeBond: 10n ** 20n,
      disputeReward: 5n * 10n ** 19n,
      disputePeriod: 600n,
    };
    const deploy = (token: Address, social: Address, config: typeof base) =>
      f.admin.deployContract({
        abi: ampEscrowAbi,
        bytecode: readBytecode("AMPEscrow"),
        args: [token, social, config],
        account: f.admin.account,
        chain: f.admin.chain,
      });
    const cases: [Address, Address, typeof base, string, unknown[]][] = [
      [zeroAddress, f.social.address, base, "AMPEscrowZeroAddress", []],
      [f.token.address, zeroAddress, base, "AMPEscrowZeroAddress", []],
      [f.token.address, f.social.address, { ...base, pauser: zeroAddress }, "AMPEscrowZeroAddress", []],
      [
        f.token.address,
        f.social.address,
        { ...base, guardian: base.settler },
        "AMPEscrowRolesNotDistinct",
        [getAddress(base.settler)],
      ],
      [
        f.token.address,
        f.social.address,
        { ...base, challengeWindow: 30n * DAY + 1n, settlementGrace: 31n * DAY, roleDelay: 31n * DAY },
        "AMPEscrowInvalidChallengeWindow",
        [30n * DAY + 1n, 1n, 30n * DAY],
      ],
      [
        f.token.address,
        f.social.address,
        { ...base, challengeWindow: 0n },
        "AMPEscrowInvalidChallengeWindow",
        [0n, 1n, 30n * DAY],
      ],
      [
        f.token.address,
        f.social.address,
        { ...base, settlementGrace: 89n },
        "AMPEscrowInvalidConfig",
        ["settlementGrace"],
      ],
      [
        f.token.address,
        f.social.address,
        { ...base, roleDelay: 60n },
        "AMPEscrowInvalidConfig",
        ["roleDelay"],
      ],
      [
        f.token.address,
        f.social.address,
        { ...base, epochLength: 0n },
        "AMPEscrowInvalidConfig",
        ["epochLength"],
      ],
      [
        f.token.address,
        f.social.address,
        { ...base, disputeBond: 0n },
        "AMPEscrowInvalidConfig",
        ["disputeBond"],
      ],
      [
        f.token.address,
        f.social.address,
        { ...base, disputeBond: 2n ** 96n },
        "AMPEscrowInvalidConfig",
        ["disputeBond"],
      ],
      [
        f.token.address,
        f.social.address,
        { ...base, disputeReward: 2n ** 96n },
        "AMPEscrowInvalidConfig",
        ["disputeReward"],
      ],
      [
        f.token.address,
        f.social.address,
        { ...base, disputePeriod: 0n },
        "AMPEscrowInvalidConfig",
        ["disputePeriod"],
      ],
      [
        f.token.address,
        f.social.address,
        { ...base, disputePeriod: 90n * DAY + 1n },
        "AMPEscrowInvalidConfig",
        ["disputePeriod"],
      ],
    ];
    for (const [token, social, config, error, args] of cases) {
      // Each case on its own, so a failure names its error.
      await f.viem.assertions.revertWithCustomErrorWithArgs(
        deploy(token, social, config),
        f.escrow,
        error as never,
        args as never,
      );
    }
  });
});

describe("AMPEscrow: campaigns", () => {
  it("test_amplify: escrows the budget, records the campaign, emits CampaignCreated", async () => {
    const f = await worldFixture();
    const before = await f.token.read.balanceOf([f.alice.account.address]);
    const receipt = await mined(f, f.escrow.write.amplify([1n, amp(100), DAY], { account: f.alice.account }));
    const expiresAt = (await now(f)) + DAY;
    await f.viem.assertions.emitWithArgs(
      Promise.resolve(receipt.transactionHash),
      f.escrow,
      "CampaignCreated",
      [1n, 1n, f.alice.account.address, f.alice.account.address, amp(100), expiresAt],
    );
    assert.deepEqual(await f.escrow.read.campaigns([1n]), [
      1n,
      getAddress(f.alice.account.address),
      amp(100),
      0n,
      expiresAt,
      false,
    ]);
    assert.equal(await f.escrow.read.remaining([1n]), amp(100));
    assert.equal(await f.escrow.read.campaignCount(), 1n);
    assert.equal(await escrowed(f), amp(100));
    assert.equal(await f.token.read.balanceOf([f.alice.account.address]), before - amp(100));
    await mined(f, f.escrow.write.amplify([2n, amp(1), 1n], { account: f.bob.account }));
    assert.equal(await f.escrow.read.campaignCount(), 2n);
  });

  it("test_amplify_revertPaths: zero amount, bad duration, unknown post, no allowance, paused", async () => {
    const f = await worldFixture();
    const a = { account: f.alice.account };
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.escrow.write.amplify([1n, 0n, DAY], a),
      f.escrow,
      "AMPEscrowZeroAmount",
      [],
    );
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.escrow.write.amplify([1n, amp(1), 0n], a),
      f.escrow,
      "AMPEscrowInvalidDuration",
      [0n, 365n * DAY],
    );
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.escrow.write.amplify([1n, amp(1), 365n * DAY + 1n], a),
      f.escrow,
      "AMPEscrowInvalidDuration",
      [365n * DAY + 1n, 365n * DAY],
    );
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.escrow.write.amplify([0n, amp(1), DAY], a),
      f.escrow,
      "AMPEscrowUnknownPost",
      [0n],
    );
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.escrow.write.amplify([3n, amp(1), DAY], a),
      f.escrow,
      "AMPEscrowUnknownPost",
      [3n],
    );
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.escrow.write.amplify([1n, amp(1), DAY], { account: f.dave.account }),
      escrowWithTokenErrors(f),
      "ERC20InsufficientAllowance",
      [getAddress(f.escrow.address), 0n, amp(1)],
    );
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.escrow.write.amplify([1n, amp(20_000), DAY], a),
      escrowWithTokenErrors(f),
      "ERC20InsufficientBalance",
      [getAddress(f.alice.account.address), amp(10_000), amp(20_000)],
    );
    await f.escrow.write.pause({ account: f.pauser.account });
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.escrow.write.amplify([1n, amp(1), DAY], a),
      f.escrow,
      "AMPEscrowPaused",
      [],
    );
    await f.escrow.write.unpause({ account: f.pauser.account });
    await mined(f, f.escrow.write.amplify([1n, amp(1), 365n * DAY], a));
    assert.equal(await f.escrow.read.campaignCount(), 1n);
  });

  it("test_amplifyFor: with the promoter's consent the caller pays, the promoter of record gets the refund", async () => {
    const f = await worldFixture();
    const dave = walletSigner(f.dave);
    const consent = await consentedAmplifyFor(f, dave, {
      postId: 2n,
      amount: amp(30),
      duration: DAY,
      payer: f.carol.account.address,
    });
    await f.viem.assertions.emitWithArgs(
      f.escrow.write.amplifyFor(consent, { account: f.carol.account }),
      f.escrow,
      "CampaignCreated",
      [1n, 2n, f.dave.account.address, f.carol.account.address, amp(30), (v: bigint) => v > 0n],
    );
    assert.equal((await f.escrow.read.campaigns([1n]))[1], getAddress(f.dave.account.address));
    assert.equal(await f.token.read.balanceOf([f.carol.account.address]), amp(10_000 - 30));
    // The consent works once.
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.escrow.write.amplifyFor(consent, { account: f.carol.account }),
      f.escrow,
      "AMPEscrowInvalidConsent",
      [getAddress(f.dave.account.address)],
    );
    await f.networkHelpers.time.increase(Number(DAY) + GRACE);
    await f.escrow.write.refund([1n], { account: f.alice.account });
    await f.escrow.write.withdrawRefund([1n], { account: f.dave.account });
    assert.equal(await f.token.read.balanceOf([f.dave.account.address]), amp(30));
  });

  it("test_amplifyFor_revertPaths: no consent, another payer, zero, escrow or token as promoter, paused", async () => {
    const f = await worldFixture();
    const dave = walletSigner(f.dave);
    const args = { postId: 2n, amount: amp(30), duration: DAY, payer: f.carol.account.address };
    const [, , , , deadline, signature] = await consentedAmplifyFor(f, dave, args);
    // A consent signed for carol as payer does not let bob pay in dave's name.
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.escrow.write.amplifyFor([f.dave.account.address, 2n, amp(30), DAY, deadline, signature], {
        account: f.bob.account,
      }),
      f.escrow,
      "AMPEscrowInvalidConsent",
      [getAddress(f.dave.account.address)],
    );
    // Nor a different amount.
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.escrow.write.amplifyFor([f.dave.account.address, 2n, amp(31), DAY, deadline, signature], {
        account: f.carol.account,
      }),
      f.escrow,
      "AMPEscrowInvalidConsent",
      [getAddress(f.dave.account.address)],
    );
    for (const promoter of [zeroAddress, getAddress(f.escrow.address), getAddress(f.token.address)]) {
      await f.viem.assertions.revertWithCustomErrorWithArgs(
        f.escrow.write.amplifyFor([promoter, 2n, amp(30), DAY, deadline, signature], {
          account: f.carol.account,
        }),
        f.escrow,
        "AMPEscrowInvalidPromoter",
        [promoter],
      );
    }
    await f.networkHelpers.time.increase(3601);
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.escrow.write.amplifyFor([f.dave.account.address, 2n, amp(30), DAY, deadline, signature], {
        account: f.carol.account,
      }),
      f.escrow,
      "AMPEscrowConsentExpired",
      [deadline],
    );
    await f.escrow.write.pause({ account: f.pauser.account });
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.escrow.write.amplifyFor([f.dave.account.address, 2n, amp(30), DAY, deadline, signature], {
        account: f.carol.account,
      }),
      f.escrow,
      "AMPEscrowPaused",
      [],
    );
  });

  describe("amplifyWithPermit", () => {
    it("test_amplifyWithPermit: permit and amplify in one transaction, no prior approval", async () => {
      const f = await deployFixture();
      await f.token.write.mint([f.dave.account.address, amp(50)]);
      await f.social.write.createCommunity(["c", ""]);
      await f.social.write.publish([1n, [], "p", ZERO_HASH, ""]);
      const deadline = (await now(f)) + 3600n;
      const { v, r, s } = await signPermit(f, f.dave, amp(50), deadline);
      await mined(
        f,
        f.escrow.write.amplifyWithPermit([1n, amp(50), DAY, deadline, v, r, s], { account: f.dave.account }),
      );
      assert.equal((await f.escrow.read.campaigns([1n]))[2], amp(50));
      assert.equal(await f.token.read.balanceOf([f.dave.account.address]), 0n);
      assert.equal(await f.token.read.nonces([f.dave.account.address]), 1n);
    });

    it("test_amplifyWithPermit_revertsForExpiredOrBadSignature", async () => {
      const f = await deployFixture();
      await f.token.write.mint([f.dave.account.address, amp(50)]);
      await f.social.write.createCommunity(["c", ""]);
      await f.social.write.publish([1n, [], "p", ZERO_HASH, ""]);
      const expired = (await now(f)) - 1n;
      const e = await signPermit(f, f.dave, amp(50), expired);
      await f.viem.assertions.revertWithCustomErrorWithArgs(
        f.escrow.write.amplifyWithPermit([1n, amp(50), DAY, expired, e.v, e.r, e.s], {
          account: f.dave.account,
        }),
        f.escrow,
        "AMPEscrowPermitFailed",
        [getAddress(f.dave.account.address), 0n, amp(50)],
      );
      const deadline = (await now(f)) + 3600n;
      const forged = await signPermit(f, f.carol, amp(50), deadline);
      await f.viem.assertions.revertWithCustomErrorWithArgs(
        f.escrow.write.amplifyWithPermit([1n, amp(50), DAY, deadline, forged.v, forged.r, forged.s], {
          account: f.dave.account,
        }),
        f.escrow,
        "AMPEscrowPermitFailed",
        [getAddress(f.dave.account.address), 0n, amp(50)],
      );
      // A signature for a smaller value does not cover the amount.
      const small = await signPermit(f, f.dave, amp(10), deadline);
      await f.viem.assertions.revertWithCustomErrorWithArgs(
        f.escrow.write.amplifyWithPermit([1n, amp(50), DAY, deadline, small.v, small.r, small.s], {
          account: f.dave.account,
        }),
        f.escrow,
        "AMPEscrowPermitFailed",
        [getAddress(f.dave.account.address), 0n, amp(50)],
      );
      // Paused: the permit is never even tried.
      const good = await signPermit(f, f.dave, amp(50), deadline);
      await f.escrow.write.pause({ account: f.pauser.account });
      await f.viem.assertions.revertWithCustomErrorWithArgs(
        f.escrow.write.amplifyWithPermit([1n, amp(50), DAY, deadline, good.v, good.r, good.s], {
          account: f.dave.account,
        }),
        f.escrow,
        "AMPEscrowPaused",
        [],
      );
      assert.equal(await f.escrow.read.campaignCount(), 0n);
      assert.equal(await f.token.read.nonces([f.dave.account.address]), 0n);
    });

    it("test_amplifyWithPermit_survivesFrontRunPermit", async () => {
      const f = await deployFixture();
      await f.token.write.mint([f.dave.account.address, amp(50)]);
      await f.social.write.createCommunity(["c", ""]);
      await f.social.write.publish([1n, [], "p", ZERO_HASH, ""]);
      const deadline = (await now(f)) + 3600n;
      const { v, r, s } = await signPermit(f, f.dave, amp(50), deadline);
      // Someone submits the permit first: the signature is spent, but the allowance is there.
      await f.token.write.permit([f.dave.account.address, f.escrow.address, amp(50), deadline, v, r, s], {
        account: f.outsider.account,
      });
      await mined(
        f,
        f.escrow.write.amplifyWithPermit([1n, amp(50), DAY, deadline, v, r, s], { account: f.dave.account }),
      );
      assert.equal(await f.escrow.read.campaignCount(), 1n);
    });
  });

  it("test_topUp: anyone adds budget before expiry", async () => {
    const f = await worldFixture();
    await f.escrow.write.amplify([1n, amp(100), DAY], { account: f.alice.account });
    await f.viem.assertions.emitWithArgs(
      f.escrow.write.topUp([1n, amp(25)], { account: f.bob.account }),
      f.escrow,
      "CampaignToppedUp",
      [1n, f.bob.account.address, amp(25)],
    );
    assert.equal((await f.escrow.read.campaigns([1n]))[2], amp(125));
    assert.equal(await f.escrow.read.remaining([1n]), amp(125));
    assert.equal(await escrowed(f), amp(125));
  });

  it("test_topUp_revertPaths: zero, unknown, expired, paused", async () => {
    const f = await worldFixture();
    await f.escrow.write.amplify([1n, amp(100), DAY], { account: f.alice.account });
    const expiresAt = (await f.escrow.read.campaigns([1n]))[4];
    const b = { account: f.bob.account };
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.escrow.write.topUp([1n, 0n], b),
      f.escrow,
      "AMPEscrowZeroAmount",
      [],
    );
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.escrow.write.topUp([2n, amp(1)], b),
      f.escrow,
      "AMPEscrowUnknownCampaign",
      [2n],
    );
    await f.escrow.write.pause({ account: f.pauser.account });
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.escrow.write.topUp([1n, amp(1)], b),
      f.escrow,
      "AMPEscrowPaused",
      [],
    );
    await f.escrow.write.unpause({ account: f.pauser.account });
    await f.networkHelpers.time.increaseTo(expiresAt);
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.escrow.write.topUp([1n, amp(1)], b),
      f.escrow,
      "AMPEscrowCampaignExpired",
      [1n, expiresAt],
    );
  });

  it("test_refund: after expiry plus the grace, once, anyone may call, unspent budget credited to the promoter", async () => {
    const f = await worldFixture();
    await f.escrow.write.amplify([1n, amp(100), DAY], { account: f.alice.account });
    await f.networkHelpers.time.increase(Number(DAY));
    await settleNext(f, ZERO_HASH, [[1n, amp(40)]]);
    const [, closesAt] = await f.escrow.read.campaignTimes([1n]);
    assert.equal(closesAt, (await f.escrow.read.campaigns([1n]))[4] + BigInt(GRACE));
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.escrow.write.refund([1n], { account: f.outsider.account }),
      f.escrow,
      "AMPEscrowCampaignNotRefundable",
      [1n, closesAt],
    );
    await f.networkHelpers.time.increaseTo(closesAt);
    // Nothing moves while paused, refunds included.
    await f.escrow.write.pause({ account: f.pauser.account });
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.escrow.write.refund([1n], { account: f.outsider.account }),
      f.escrow,
      "AMPEscrowPaused",
      [],
    );
    await f.escrow.write.unpause({ account: f.pauser.account });
    const before = await f.token.read.balanceOf([f.alice.account.address]);
    await f.viem.assertions.emitWithArgs(
      f.escrow.write.refund([1n], { account: f.outsider.account }),
      f.escrow,
      "CampaignRefunded",
      [1n, f.alice.account.address, amp(60)],
    );
    // Credited, not sent: the promoter pulls it.
    assert.equal(await f.token.read.balanceOf([f.alice.account.address]), before);
    assert.equal(await f.escrow.read.refundCredit([1n]), amp(60));
    assert.equal((await f.escrow.read.campaigns([1n]))[5], true);
    assert.equal(await f.escrow.read.remaining([1n]), 0n);
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.escrow.write.refund([1n], { account: f.alice.account }),
      f.escrow,
      "AMPEscrowCampaignRefunded",
      [1n],
    );
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.escrow.write.refund([9n]),
      f.escrow,
      "AMPEscrowUnknownCampaign",
      [9n],
    );
    await f.viem.assertions.emitWithArgs(
      f.escrow.write.withdrawRefund([1n], { account: f.alice.account }),
      f.escrow,
      "RefundWithdrawn",
      [1n, f.alice.account.address, amp(60)],
    );
    assert.equal(await f.token.read.balanceOf([f.alice.account.address]), before + amp(60));
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.escrow.write.withdrawRefund([1n], { account: f.alice.account }),
      f.escrow,
      "AMPEscrowNothingToWithdraw",
      [1n],
    );
    // The escrow still holds exactly the allocated rewards.
    assert.equal(await escrowed(f), amp(40));
  });

  it("test_refund_fullySpentCampaignRefundsZero", async () => {
    const f = await worldFixture();
    await f.escrow.write.amplify([1n, amp(10), DAY], { account: f.alice.account });
    await f.networkHelpers.time.increase(Number(DAY));
    await settleNext(f, ZERO_HASH, [[1n, amp(10)]]);
    await f.networkHelpers.time.increase(GRACE);
    await f.viem.assertions.emitWithArgs(f.escrow.write.refund([1n]), f.escrow, "CampaignRefunded", [
      1n,
      f.alice.account.address,
      0n,
    ]);
  });

  it("roles: pause and unpause need PAUSER_ROLE and toggle once", async () => {
    const f = await worldFixture();
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.escrow.write.pause({ account: f.alice.account }),
      f.escrow,
      "AccessControlUnauthorizedAccount",
      [getAddress(f.alice.account.address), ROLES.PAUSER_ROLE],
    );
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.escrow.write.unpause({ account: f.pauser.account }),
      f.escrow,
      "AMPEscrowNotPaused",
      [],
    );
    await f.viem.assertions.emitWithArgs(
      f.escrow.write.pause({ account: f.pauser.account }),
      f.escrow,
      "Paused",
      [f.pauser.account.address],
    );
    assert.equal(await f.escrow.read.paused(), true);
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.escrow.write.pause({ account: f.pauser.account }),
      f.escrow,
      "AMPEscrowPaused",
      [],
    );
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.escrow.write.unpause({ account: f.alice.account }),
      f.escrow,
      "AccessControlUnauthorizedAccount",
      [getAddress(f.alice.account.address), ROLES.PAUSER_ROLE],
    );
    await f.viem.assertions.emitWithArgs(
      f.escrow.write.unpause({ account: f.pauser.account }),
      f.escrow,
      "Unpaused",
      [f.pauser.account.address, (v: bigint) => v >= 0n],
    );
    assert.equal(await f.escrow.read.paused(), false);
    // A granted pauser can pause.
    await changeRole(f, ROLES.PAUSER_ROLE, f.bob.account.address);
    await mined(f, f.escrow.write.pause({ account: f.bob.account }));
    assert.equal(await f.token.read.allowance([f.alice.account.address, f.escrow.address]), maxUint256);
  });
});
