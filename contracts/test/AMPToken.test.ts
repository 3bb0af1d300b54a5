import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { amp, deployFixture, type Fixture, now, ROLES, signPermit } from "./fixture.ts";

const CAP = amp(1_000_000);

describe("AMPToken", () => {
  const setup = () => deployFixture({ cap: CAP });

  it("has the AMP metadata, the cap and the deployer's roles", async () => {
    const f = await setup();
    assert.equal(await f.token.read.name(), "AMP");
    assert.equal(await f.token.read.symbol(), "AMP");
    assert.equal(await f.token.read.decimals(), 18);
    assert.equal(await f.token.read.cap(), CAP);
    assert.equal(await f.token.read.totalSupply(), 0n);
    assert.equal(await f.token.read.MINTER_ROLE(), ROLES.MINTER_ROLE);
    assert.equal(await f.token.read.hasRole([ROLES.MINTER_ROLE, f.admin.account.address]), true);
    assert.equal(await f.token.read.hasRole([ZERO_ROLE, f.admin.account.address]), true);
    assert.equal(await f.token.read.hasRole([ROLES.MINTER_ROLE, f.alice.account.address]), false);
  });

  it("test_mint_byMinter: mints and emits Transfer from zero", async () => {
    const f = await setup();
    await f.viem.assertions.emitWithArgs(
      f.token.write.mint([f.alice.account.address, amp(5)]),
      f.token,
      "Transfer",
      ["0x0000000000000000000000000000000000000000", f.alice.account.address, amp(5)],
    );
    assert.equal(await f.token.read.balanceOf([f.alice.account.address]), amp(5));
    assert.equal(await f.token.read.totalSupply(), amp(5));
  });

  it("test_mint_revertsForNonMinter", async () => {
    const f = await setup();
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.token.write.mint([f.alice.account.address, 1n], { account: f.alice.account }),
      f.token,
      "AccessControlUnauthorizedAccount",
      [f.alice.account.address, ROLES.MINTER_ROLE],
    );
  });

  it("test_mint_upToCapAndNeverPast", async () => {
    const f = await setup();
    await f.token.write.mint([f.alice.account.address, CAP - 1n]);
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.token.write.mint([f.alice.account.address, 2n]),
      f.token,
      "ERC20ExceededCap",
      [CAP + 1n, CAP],
    );
    await f.token.write.mint([f.alice.account.address, 1n]);
    assert.equal(await f.token.read.totalSupply(), CAP);
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.token.write.mint([f.alice.account.address, 1n]),
      f.token,
      "ERC20ExceededCap",
      [CAP + 1n, CAP],
    );
  });

  it("test_roles_adminGrantsAndRevokesMinter; others cannot", async () => {
    const f = await setup();
    await f.token.write.grantRole([ROLES.MINTER_ROLE, f.alice.account.address]);
    await f.token.write.mint([f.bob.account.address, 1n], { account: f.alice.account });
    await f.token.write.revokeRole([ROLES.MINTER_ROLE, f.alice.account.address]);
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.token.write.mint([f.bob.account.address, 1n], { account: f.alice.account }),
      f.token,
      "AccessControlUnauthorizedAccount",
      [f.alice.account.address, ROLES.MINTER_ROLE],
    );
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.token.write.grantRole([ROLES.MINTER_ROLE, f.bob.account.address], { account: f.bob.account }),
      f.token,
      "AccessControlUnauthorizedAccount",
      [f.bob.account.address, ZERO_ROLE],
    );
  });

  it("test_transfer_approve_transferFrom", async () => {
    const f = await setup();
    await f.token.write.mint([f.alice.account.address, amp(10)]);
    await f.viem.assertions.emitWithArgs(
      f.token.write.transfer([f.bob.account.address, amp(3)], { account: f.alice.account }),
      f.token,
      "Transfer",
      [f.alice.account.address, f.bob.account.address, amp(3)],
    );
    await f.viem.assertions.emitWithArgs(
      f.token.write.approve([f.carol.account.address, amp(2)], { account: f.alice.account }),
      f.token,
      "Approval",
      [f.alice.account.address, f.carol.account.address, amp(2)],
    );
    await f.token.write.transferFrom([f.alice.account.address, f.dave.account.address, amp(2)], {
      account: f.carol.account,
    });
    assert.equal(await f.token.read.balanceOf([f.alice.account.address]), amp(5));
    assert.equal(await f.token.read.balanceOf([f.dave.account.address]), amp(2));
    assert.equal(await f.token.read.allowance([f.alice.account.address, f.carol.account.address]), 0n);
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.token.write.transfer([f.bob.account.address, amp(6)], { account: f.alice.account }),
      f.token,
      "ERC20InsufficientBalance",
      [f.alice.account.address, amp(5), amp(6)],
    );
  });

  describe("permit", () => {
    async function permitCase(f: Fixture) {
      await f.token.write.mint([f.alice.account.address, amp(10)]);
      return (await now(f)) + 3600n;
    }

    it("test_permit_setsAllowanceAndBumpsNonce", async () => {
      const f = await setup();
      const deadline = await permitCase(f);
      const { v, r, s } = await signPermit(f, f.alice, amp(4), deadline, f.bob.account.address);
      await f.token.write.permit(
        [f.alice.account.address, f.bob.account.address, amp(4), deadline, v, r, s],
        {
          account: f.carol.account,
        },
      );
      assert.equal(await f.token.read.allowance([f.alice.account.address, f.bob.account.address]), amp(4));
      assert.equal(await f.token.read.nonces([f.alice.account.address]), 1n);
    });

    it("test_permit_revertsWhenExpired", async () => {
      const f = await setup();
      const deadline = (await now(f)) - 1n;
      const { v, r, s } = await signPermit(f, f.alice, amp(4), deadline, f.bob.account.address);
      await f.viem.assertions.revertWithCustomErrorWithArgs(
        f.token.write.permit([f.alice.account.address, f.bob.account.address, amp(4), deadline, v, r, s]),
        f.token,
        "ERC2612ExpiredSignature",
        [deadline],
      );
    });

    it("test_permit_revertsForBadSignatureAndReplay", async () => {
      const f = await setup();
      const deadline = await permitCase(f);
      // Signed by bob for alice's tokens.
      const forged = await signPermit(f, f.bob, amp(4), deadline, f.carol.account.address);
      await f.viem.assertions.revertWithCustomError(
        f.token.write.permit([
          f.alice.account.address,
          f.carol.account.address,
          amp(4),
          deadline,
          forged.v,
          forged.r,
          forged.s,
        ]),
        f.token,
        "ERC2612InvalidSigner",
      );
      // A valid signature for another value does not authorise this one.
      const good = await signPermit(f, f.alice, amp(4), deadline, f.carol.account.address);
      await f.viem.assertions.revertWithCustomError(
        f.token.write.permit([
          f.alice.account.address,
          f.carol.account.address,
          amp(5),
          deadline,
          good.v,
          good.r,
          good.s,
        ]),
        f.token,
        "ERC2612InvalidSigner",
      );
      await f.token.write.permit([
        f.alice.account.address,
        f.carol.account.address,
        amp(4),
        deadline,
        good.v,
        good.r,
        good.s,
      ]);
      // Replaying the used signature fails: the nonce moved on.
      await f.viem.assertions.revertWithCustomError(
        f.token.write.permit([
          f.alice.account.address,
          f.carol.account.address,
          amp(4),
          deadline,
          good.v,
          good.r,
          good.s,
        ]),
        f.token,
        "ERC2612InvalidSigner",
      );
    });
  });
});

const ZERO_ROLE = `0x${"00".repeat(32)}` as const;
