// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

// Tests favour readable require messages and bounds written as stated.
/* solhint-disable gas-custom-errors, gas-strict-inequalities, gas-small-strings */

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {AMPEscrow} from "../AMPEscrow.sol";
import {AMPSocial} from "../AMPSocial.sol";
import {AMPToken} from "../AMPToken.sol";
import {IAMPEscrow} from "../interfaces/IAMPEscrow.sol";
import {IAMPSocial} from "../interfaces/IAMPSocial.sol";
import {EscrowConfig} from "./EscrowConfig.sol";
import {TestBase, TestTree} from "./Vm.sol";

/// @notice The hostile review's scenarios, one test each (the gas ones run as real transactions under
/// the 2^24 cap in AMPEscrow.gas-attacks.test.ts): one key taking the escrow, a refund racing the
/// settlement, pause that does not brake, a zero challenge window, the previous-root fallback, and
/// `amplifyFor` without the promoter's consent.
contract AMPEscrowAttackTest is TestBase {
    uint64 internal constant WINDOW = 1 hours;

    AMPToken internal token;
    AMPSocial internal social;
    AMPEscrow internal escrow;
    address internal admin = address(this);
    address internal guardian = address(0x6A4D);
    address internal pauser = address(0x9A05);
    address internal victim = address(0xA11CE);
    address internal thief = address(0x7B1EF);
    address internal viewer = address(0xCAB01);
    address internal viewer2 = address(0xCAB02);

    function setUp() public {
        vm.warp(1_700_000_000);
        token = new AMPToken(address(this), type(uint128).max);
        social = new AMPSocial();
        escrow = _deploy(WINDOW);
        token.grantRole(token.MINTER_ROLE(), address(this));
        social.createCommunity("attacks", "");
        social.publish(1, new string[](0), "post", bytes32(0), "");
    }

    // ------------------------------------------------------------------ adapters

    function _deploy(uint64 window) internal returns (AMPEscrow) {
        return new AMPEscrow(
            IERC20(address(token)),
            IAMPSocial(address(social)),
            EscrowConfig.build(admin, address(this), guardian, pauser, window)
        );
    }

    function _fund(address who, uint256 amount) internal {
        token.mint(who, amount);
        vm.prank(who);
        token.approve(address(escrow), type(uint256).max);
    }

    function _amplify(address promoter, uint256 amount, uint64 duration) internal returns (uint256 id) {
        _fund(promoter, amount);
        vm.prank(promoter);
        id = escrow.amplify(1, amount, duration);
    }

    function _settle(bytes32 root, uint256[] memory ids, uint256[] memory amounts) internal returns (uint64 epoch) {
        epoch = escrow.lastEpoch() + 1;
        escrow.settle(epoch, uint64(block.timestamp), root, abi.encode(epoch), ids, amounts);
    }

    function _one(uint256 id, uint256 amount) internal pure returns (uint256[] memory ids, uint256[] memory amounts) {
        ids = new uint256[](1);
        amounts = new uint256[](1);
        ids[0] = id;
        amounts[0] = amount;
    }

    function _settleOne(bytes32 root, uint256 id, uint256 amount) internal returns (uint64) {
        (uint256[] memory ids, uint256[] memory amounts) = _one(id, amount);
        return _settle(root, ids, amounts);
    }

    function _revokeFully(uint64 epoch) internal {
        vm.prank(guardian);
        escrow.revoke(epoch, type(uint256).max);
    }

    function _tree2(address a, uint256 x, address b, uint256 y) internal pure returns (bytes32 root) {
        bytes32[] memory leaves = new bytes32[](2);
        leaves[0] = TestTree.leaf(a, x);
        leaves[1] = TestTree.leaf(b, y);
        (root,) = TestTree.rootAndProof(leaves, 0);
    }

    function _proof2(address a, uint256 x, address b, uint256 y, uint256 index)
        internal
        pure
        returns (bytes32[] memory proof)
    {
        bytes32[] memory leaves = new bytes32[](2);
        leaves[0] = TestTree.leaf(a, x);
        leaves[1] = TestTree.leaf(b, y);
        (, proof) = TestTree.rootAndProof(leaves, index);
    }

    // ------------------------------------------------------------------ 2. one key

    /// @notice The admin cannot make an account settler at once.
    function test_admin_cannotGrantSettlerAtOnce() public {
        bytes32 role = escrow.SETTLER_ROLE();
        vm.expectRevert(abi.encodeWithSelector(IAMPEscrow.AMPEscrowRoleNeedsDelay.selector, role));
        escrow.grantRole(role, address(0xBAD));
    }

    /// @notice The admin cannot drop the guardian at once.
    function test_admin_cannotRevokeGuardianAtOnce() public {
        bytes32 role = escrow.GUARDIAN_ROLE();
        vm.expectRevert(abi.encodeWithSelector(IAMPEscrow.AMPEscrowRoleNeedsDelay.selector, role));
        escrow.revokeRole(role, guardian);
    }

    /// @notice A scheduled grant waits longer than the challenge window, and the guardian can cancel it.
    function test_scheduleRoleChange_waitsPastTheChallengeWindowAndGuardianCancels() public {
        bytes32 role = escrow.SETTLER_ROLE();
        address rogue = address(0xBAD);
        escrow.scheduleRoleChange(role, rogue, true);
        uint64 readyAt = escrow.roleChangeReadyAt(role, rogue, true);
        assertTrue(readyAt > block.timestamp + WINDOW, "delay not longer than the challenge window");
        vm.warp(block.timestamp + WINDOW);
        vm.expectRevert(
            abi.encodeWithSelector(IAMPEscrow.AMPEscrowRoleChangeNotReady.selector, role, rogue, true, readyAt)
        );
        escrow.executeRoleChange(role, rogue, true);
        vm.prank(guardian);
        escrow.cancelRoleChange(role, rogue, true);
        vm.warp(readyAt);
        vm.expectRevert(abi.encodeWithSelector(IAMPEscrow.AMPEscrowRoleChangeNotReady.selector, role, rogue, true, 0));
        escrow.executeRoleChange(role, rogue, true);
        assertTrue(!escrow.hasRole(role, rogue), "cancelled grant took effect");
    }

    /// @notice After the delay anyone executes the change; the guardian cannot veto its own removal.
    function test_scheduleRoleChange_guardianRemovalCannotBeVetoedByTheGuardian() public {
        bytes32 role = escrow.GUARDIAN_ROLE();
        escrow.scheduleRoleChange(role, guardian, false);
        vm.prank(guardian);
        vm.expectRevert(abi.encodeWithSelector(IAMPEscrow.AMPEscrowCannotCancel.selector, guardian));
        escrow.cancelRoleChange(role, guardian, false);
        vm.warp(escrow.roleChangeReadyAt(role, guardian, false));
        vm.prank(thief);
        escrow.executeRoleChange(role, guardian, false);
        assertTrue(!escrow.hasRole(role, guardian), "guardian not removed");
    }

    /// @notice One account never holds two of settler, guardian and pauser.
    function test_executeRoleChange_keepsOperationalRolesDistinct() public {
        bytes32 role = escrow.SETTLER_ROLE();
        escrow.scheduleRoleChange(role, guardian, true);
        vm.warp(escrow.roleChangeReadyAt(role, guardian, true));
        vm.expectRevert(abi.encodeWithSelector(IAMPEscrow.AMPEscrowRolesNotDistinct.selector, guardian));
        escrow.executeRoleChange(role, guardian, true);
    }

    /// @notice The admin role itself moves only through AccessControlDefaultAdminRules' delay.
    function test_admin_transferWaitsForItsDelay() public {
        address next = address(0xAD2);
        escrow.beginDefaultAdminTransfer(next);
        (, uint48 schedule) = escrow.pendingDefaultAdmin();
        assertEq(schedule, block.timestamp + 1 days, "admin transfer not delayed");
        vm.prank(next);
        vm.expectRevert();
        escrow.acceptDefaultAdminTransfer();
        vm.warp(schedule + 1);
        vm.prank(next);
        escrow.acceptDefaultAdminTransfer();
        assertTrue(escrow.hasRole(escrow.DEFAULT_ADMIN_ROLE(), next), "admin not transferred");
    }

    /// @notice A non-admin cannot schedule.
    function test_scheduleRoleChange_onlyAdmin() public {
        bytes32 role = escrow.SETTLER_ROLE();
        bytes32 adminRole = escrow.DEFAULT_ADMIN_ROLE();
        vm.prank(thief);
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, thief, adminRole)
        );
        escrow.scheduleRoleChange(role, thief, true);
    }

    /// @notice A campaign that expired a year ago cannot be spent.
    function test_settle_cannotSpendLongExpiredCampaign() public {
        uint256 id = _amplify(victim, 100e18, 1 days);
        vm.warp(block.timestamp + 366 days);
        (uint256[] memory ids, uint256[] memory amounts) = _one(id, 100e18);
        (, uint64 closesAt) = escrow.campaignTimes(id);
        vm.expectRevert(abi.encodeWithSelector(IAMPEscrow.AMPEscrowCampaignClosed.selector, id, closesAt));
        this.settleExternal(bytes32(uint256(1)), ids, amounts);
    }

    /// @notice A settlement cannot take more of a campaign than its life so far has earned, plus a day.
    function test_settle_spendBoundedByElapsedLife() public {
        uint256 id = _amplify(victim, 100e18, 10 days);
        vm.warp(block.timestamp + 1 days);
        (uint256[] memory ids, uint256[] memory amounts) = _one(id, 100e18);
        vm.expectRevert(abi.encodeWithSelector(IAMPEscrow.AMPEscrowSpendExceedsEarned.selector, id, 100e18, 20e18));
        this.settleExternal(bytes32(uint256(1)), ids, amounts);
        amounts[0] = 20e18;
        _settle(bytes32(uint256(1)), ids, amounts);
        assertEq(escrow.remaining(id), 80e18, "the earned share was not spent");
        // A day later the next day's share opens, and no more.
        vm.warp(block.timestamp + 1 days);
        amounts[0] = 10e18 + 1;
        vm.expectRevert(abi.encodeWithSelector(IAMPEscrow.AMPEscrowSpendExceedsEarned.selector, id, 10e18 + 1, 10e18));
        this.settleExternal(bytes32(uint256(1)), ids, amounts);
    }

    /// @notice A settlement cannot count views before the campaign started.
    function test_settle_rejectsPeriodBeforeTheCampaign() public {
        uint256 id = _amplify(victim, 100e18, 10 days);
        (uint256[] memory ids, uint256[] memory amounts) = _one(id, 1);
        vm.expectRevert(abi.encodeWithSelector(IAMPEscrow.AMPEscrowSpendExceedsEarned.selector, id, 1, 0));
        escrow.settle(1, uint64(block.timestamp - 1), bytes32(uint256(1)), "", ids, amounts);
    }

    // ------------------------------------------------------------------ 3. refund race

    /// @notice A refund at expiry does not race the settlement of the campaign's last views.
    function test_refund_atExpiryWaitsForTheSettlementGrace() public {
        uint256 id = _amplify(victim, 100e18, 1 days);
        vm.warp(block.timestamp + 1 days);
        (, uint64 closesAt) = escrow.campaignTimes(id);
        vm.expectRevert(abi.encodeWithSelector(IAMPEscrow.AMPEscrowCampaignNotRefundable.selector, id, closesAt));
        escrow.refund(id);
        _settleOne(_tree2(viewer, 100e18, viewer2, 0), id, 100e18);
        assertEq(escrow.remaining(id), 0, "the last views were not charged");
    }

    /// @notice After a revoke, the corrected settlement can still charge the campaign.
    function test_revoke_correctedSettlementStillCharges() public {
        uint256 id = _amplify(victim, 100e18, 1 days);
        vm.warp(block.timestamp + 1 days);
        uint64 epoch = _settleOne(_tree2(viewer, 100e18, viewer2, 0), id, 100e18);
        (, uint64 closesAt) = escrow.campaignTimes(id);
        vm.expectRevert(abi.encodeWithSelector(IAMPEscrow.AMPEscrowCampaignNotRefundable.selector, id, closesAt));
        escrow.refund(id);
        _revokeFully(epoch);
        vm.warp(block.timestamp + 10 minutes);
        _settleOne(_tree2(viewer, 60e18, viewer2, 40e18), id, 100e18);
        assertEq(escrow.remaining(id), 0, "corrected settlement could not charge");
    }

    /// @notice Spend a revoke restores to a refunded campaign is credited, never transferred in revoke.
    function test_revoke_creditsRestoredSpendToARefundedCampaign() public {
        uint256 id = _amplify(victim, 100e18, 1 days);
        vm.warp(block.timestamp + 1 days + WINDOW + 30 minutes);
        uint64 epoch = _settleOne(_tree2(viewer, 40e18, viewer2, 0), id, 40e18);
        vm.warp(block.timestamp + 31 minutes);
        assertEq(escrow.refund(id), 60e18, "refund credit");
        _revokeFully(epoch);
        assertEq(token.balanceOf(victim), 0, "revoke transferred");
        assertEq(escrow.refundCredit(id), 100e18, "restored spend not credited");
        vm.prank(victim);
        assertEq(escrow.withdrawRefund(id), 100e18, "withdrawal");
        assertEq(token.balanceOf(victim), 100e18, "promoter not paid");
    }

    /// @notice Only the promoter withdraws its refund.
    function test_withdrawRefund_onlyThePromoter() public {
        uint256 id = _amplify(victim, 100e18, 1 days);
        vm.warp(block.timestamp + 1 days + escrow.settlementGrace());
        vm.prank(thief);
        vm.expectRevert(abi.encodeWithSelector(IAMPEscrow.AMPEscrowNotPromoter.selector, id, victim));
        escrow.withdrawRefund(id);
        vm.prank(victim);
        assertEq(escrow.withdrawRefund(id), 100e18, "refund and withdrawal in one call");
    }

    // ------------------------------------------------------------------ 4. pause

    /// @notice Nothing settles while paused.
    function test_pause_stopsSettle() public {
        uint256 id = _amplify(victim, 100e18, 1 days);
        vm.warp(block.timestamp + 1 days);
        vm.prank(pauser);
        escrow.pause();
        (uint256[] memory ids, uint256[] memory amounts) = _one(id, 1e18);
        vm.expectRevert(IAMPEscrow.AMPEscrowPaused.selector);
        this.settleExternal(bytes32(uint256(1)), ids, amounts);
    }

    /// @notice A root pending when the pause began does not activate during the pause and stays revocable.
    function test_pause_stopsActivationAndGuardianRevokes() public {
        uint256 id = _amplify(victim, 100e18, 1 days);
        vm.warp(block.timestamp + 1 days);
        uint64 epoch = _settleOne(_tree2(thief, 100e18, viewer, 0), id, 100e18);
        vm.warp(block.timestamp + WINDOW / 2);
        vm.prank(pauser);
        escrow.pause();
        vm.warp(block.timestamp + 10 * WINDOW);
        assertEq(escrow.activeEpoch(), 0, "a root activated during the pause");
        _revokeFully(epoch);
        assertEq(escrow.remaining(id), 100e18, "revoke did not restore the budget");
    }

    /// @notice The challenge clock resumes where it stopped.
    function test_unpause_resumesTheChallengeClock() public {
        uint256 id = _amplify(victim, 100e18, 1 days);
        vm.warp(block.timestamp + 1 days);
        _settleOne(_tree2(viewer, 100e18, viewer2, 0), id, 100e18);
        vm.warp(block.timestamp + WINDOW / 2);
        vm.prank(pauser);
        escrow.pause();
        vm.warp(block.timestamp + 5 days);
        vm.prank(pauser);
        escrow.unpause();
        vm.warp(block.timestamp + WINDOW / 2 - 1);
        assertEq(escrow.activeEpoch(), 0, "activated before the whole window ran");
        vm.warp(block.timestamp + 1);
        assertEq(escrow.activeEpoch(), 1, "did not activate after the window");
    }

    /// @notice No claim pays while paused.
    function test_pause_stopsClaims() public {
        uint256 id = _amplify(victim, 100e18, 1 days);
        vm.warp(block.timestamp + 1 days);
        _settleOne(_tree2(viewer, 100e18, viewer2, 0), id, 100e18);
        vm.warp(block.timestamp + WINDOW + 1);
        vm.prank(pauser);
        escrow.pause();
        bytes32[] memory proof = _proof2(viewer, 100e18, viewer2, 0, 0);
        vm.expectRevert(IAMPEscrow.AMPEscrowPaused.selector);
        escrow.claim(viewer, 100e18, proof);
    }

    // ------------------------------------------------------------------ 5. smaller

    /// @notice A challenge window of zero is refused.
    function test_constructor_rejectsZeroChallengeWindow() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IAMPEscrow.AMPEscrowInvalidChallengeWindow.selector, 0, 1, escrow.MAX_CHALLENGE_WINDOW()
            )
        );
        this.deployExternal(0);
    }

    /// @notice Off the local chain the challenge window is at least an hour.
    function test_constructor_rejectsShortWindowOffTheLocalChain() public {
        vm.chainId(1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAMPEscrow.AMPEscrowInvalidChallengeWindow.selector, 59 minutes, 1 hours, escrow.MAX_CHALLENGE_WINDOW()
            )
        );
        this.deployExternal(59 minutes);
    }

    /// @notice Settler, guardian and pauser must be distinct.
    function test_constructor_rejectsSharedRoles() public {
        IAMPEscrow.Config memory config = EscrowConfig.build(admin, guardian, guardian, pauser, WINDOW);
        vm.expectRevert(abi.encodeWithSelector(IAMPEscrow.AMPEscrowRolesNotDistinct.selector, guardian));
        new AMPEscrow(IERC20(address(token)), IAMPSocial(address(social)), config);
    }

    /// @notice After a correction lowered an account's amount, the superseded root no longer pays it.
    function test_claim_fallbackDoesNotPaySupersededAmount() public {
        uint256 id = _amplify(victim, 100e18, 1 days);
        vm.warp(block.timestamp + 1 days);
        _settleOne(_tree2(thief, 100e18, viewer, 0), id, 100e18);
        vm.warp(block.timestamp + 10 minutes);
        // The next root corrects: thief 10, viewer 90 (same total).
        _settle(_tree2(thief, 10e18, viewer, 90e18), new uint256[](0), new uint256[](0));
        vm.warp(block.timestamp + WINDOW + escrow.FALLBACK_GRACE());
        bytes32[] memory stale = _proof2(thief, 100e18, viewer, 0, 0);
        vm.expectRevert(abi.encodeWithSelector(IAMPEscrow.AMPEscrowInvalidProof.selector, thief, 100e18));
        escrow.claim(thief, 100e18, stale);
    }

    /// @notice Right after a newer root activates, a claim against the one before still lands.
    function test_claim_fallbackPaysWithinItsGrace() public {
        uint256 id = _amplify(victim, 100e18, 1 days);
        vm.warp(block.timestamp + 1 days);
        _settleOne(_tree2(viewer, 50e18, viewer2, 0), id, 50e18);
        vm.warp(block.timestamp + 10 minutes);
        _settle(_tree2(viewer, 50e18, viewer2, 50e18), new uint256[](0), new uint256[](0));
        vm.warp(block.timestamp + WINDOW + 1);
        assertEq(escrow.activeEpoch(), 2, "newer root active");
        bytes32[] memory older = _proof2(viewer, 50e18, viewer2, 0, 0);
        assertEq(escrow.claim(viewer, 50e18, older), 50e18, "fallback claim");
    }

    /// @notice `amplifyFor` cannot name a promoter that did not consent.
    function test_amplifyFor_needsPromoterConsent() public {
        _fund(thief, 10e18);
        vm.prank(thief);
        vm.expectRevert(abi.encodeWithSelector(IAMPEscrow.AMPEscrowInvalidConsent.selector, victim));
        escrow.amplifyFor(victim, 1, 10e18, 1 days, block.timestamp, new bytes(65));
    }

    /// @notice With the promoter's EIP-712 consent the payer pays in its name, once.
    function test_amplifyFor_withConsentOnce() public {
        uint256 key = 0xA11CE5;
        address promoter = vm.addr(key);
        _fund(thief, 20e18);
        bytes memory signature = _consent(key, promoter, 10e18, thief, block.timestamp + 1 hours);
        vm.prank(thief);
        uint256 id = escrow.amplifyFor(promoter, 1, 10e18, 1 days, block.timestamp + 1 hours, signature);
        (, address recorded,,,,) = escrow.campaigns(id);
        assertTrue(recorded == promoter, "promoter of record");
        vm.prank(thief);
        vm.expectRevert(abi.encodeWithSelector(IAMPEscrow.AMPEscrowInvalidConsent.selector, promoter));
        escrow.amplifyFor(promoter, 1, 10e18, 1 days, block.timestamp + 1 hours, signature);
    }

    /// @notice A consent names its payer: another payer cannot use it.
    function test_amplifyFor_consentIsForOnePayer() public {
        uint256 key = 0xA11CE5;
        address promoter = vm.addr(key);
        _fund(viewer, 10e18);
        bytes memory signature = _consent(key, promoter, 10e18, thief, block.timestamp + 1 hours);
        vm.prank(viewer);
        vm.expectRevert(abi.encodeWithSelector(IAMPEscrow.AMPEscrowInvalidConsent.selector, promoter));
        escrow.amplifyFor(promoter, 1, 10e18, 1 days, block.timestamp + 1 hours, signature);
    }

    /// @notice The escrow itself is never a promoter (its refund would be stuck).
    function test_amplifyFor_rejectsEscrowAsPromoter() public {
        _fund(thief, 10e18);
        vm.prank(thief);
        vm.expectRevert(abi.encodeWithSelector(IAMPEscrow.AMPEscrowInvalidPromoter.selector, address(escrow)));
        escrow.amplifyFor(address(escrow), 1, 10e18, 1 days, block.timestamp, "");
    }

    /// @notice The token itself is never a promoter.
    function test_amplifyFor_rejectsTokenAsPromoter() public {
        _fund(thief, 10e18);
        vm.prank(thief);
        vm.expectRevert(abi.encodeWithSelector(IAMPEscrow.AMPEscrowInvalidPromoter.selector, address(token)));
        escrow.amplifyFor(address(token), 1, 10e18, 1 days, block.timestamp, "");
    }

    /// @notice At most MAX_SPENDS_PER_EPOCH spends per epoch.
    function test_settle_rejectsMoreSpendsThanTheCap() public {
        uint256 n = escrow.MAX_SPENDS_PER_EPOCH() + 1;
        vm.expectRevert(abi.encodeWithSelector(IAMPEscrow.AMPEscrowTooManySpends.selector, n, n - 1));
        escrow.settle(1, uint64(block.timestamp), bytes32(0), "", new uint256[](n), new uint256[](n));
    }

    /// @notice A revoke restores in chunks; settling waits until every spend is back.
    function test_revoke_inChunksBlocksSettleUntilRestored() public {
        uint256 a = _amplify(victim, 100e18, 1 days);
        uint256 b = _amplify(thief, 100e18, 1 days);
        vm.warp(block.timestamp + 1 days);
        uint256[] memory ids = new uint256[](2);
        uint256[] memory amounts = new uint256[](2);
        (ids[0], ids[1], amounts[0], amounts[1]) = (a, b, 30e18, 20e18);
        uint64 epoch = _settle(bytes32(uint256(1)), ids, amounts);
        _settle(bytes32(uint256(2)), ids, amounts);
        vm.prank(guardian);
        escrow.revoke(epoch, 1);
        assertTrue(escrow.restorePending(), "restore finished in one step");
        assertEq(escrow.lastEpoch(), 0, "epochs not revoked at once");
        vm.expectRevert(IAMPEscrow.AMPEscrowRestorePending.selector);
        this.settleExternal(bytes32(uint256(3)), ids, amounts);
        assertTrue(!escrow.restoreSpends(3), "done too early");
        assertTrue(escrow.restoreSpends(100), "not done");
        assertEq(escrow.remaining(a), 100e18, "a restored");
        assertEq(escrow.remaining(b), 100e18, "b restored");
        _settle(bytes32(uint256(3)), ids, amounts);
        assertEq(escrow.totalAllocated(), 50e18, "allocated after re-settling");
    }

    // ------------------------------------------------------------------ external shims

    function settleExternal(bytes32 root, uint256[] calldata ids, uint256[] calldata amounts) external {
        _settle(root, ids, amounts);
    }

    function deployExternal(uint64 window) external {
        _deploy(window);
    }

    function _consent(uint256 key, address promoter, uint256 amount, address payer, uint256 deadline)
        internal
        view
        returns (bytes memory)
    {
        bytes32 domain = keccak256(
            abi.encode(
                keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"),
                keccak256("AMPEscrow"),
                keccak256("1"),
                block.chainid,
                address(escrow)
            )
        );
        bytes32 structHash = keccak256(
            abi.encode(
                keccak256(
                    abi.encodePacked(
                        "AmplifyFor(address promoter,uint256 postId,uint256 amount,uint64 duration,",
                        "address payer,uint256 nonce,uint256 deadline)"
                    )
                ),
                promoter,
                uint256(1),
                amount,
                uint64(1 days),
                payer,
                escrow.nonces(promoter),
                deadline
            )
        );
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, keccak256(abi.encodePacked("\x19\x01", domain, structHash)));
        return abi.encodePacked(r, s, v);
    }
}
