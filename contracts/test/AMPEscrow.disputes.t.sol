// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

// Tests favour readable require messages and bounds written as stated.
/* solhint-disable gas-custom-errors, gas-strict-inequalities, gas-small-strings, one-contract-per-file */

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {AMPEscrow} from "../AMPEscrow.sol";
import {AMPSocial} from "../AMPSocial.sol";
import {AMPToken} from "../AMPToken.sol";
import {IAMPEscrow} from "../interfaces/IAMPEscrow.sol";
import {IAMPSocial} from "../interfaces/IAMPSocial.sol";
import {EscrowConfig} from "./EscrowConfig.sol";
import {TestBase, TestTree} from "./Vm.sol";

/// @notice A token that calls the recipient back on every transfer (the AMP token does not; this one
/// lets a disputer contract try to re-enter the escrow while it is being paid).
contract HookToken is ERC20 {
    address public hooked;

    constructor() ERC20("Hook", "HOOK") {}

    function hook(address target) external {
        hooked = target;
    }

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function _update(address from, address to, uint256 value) internal override {
        super._update(from, to, value);
        if (to == hooked) HookDisputer(to).onTokens(value);
    }
}

/// @notice A disputer that, when paid, tries to be paid again (expire, resolve) or to dispute again.
contract HookDisputer {
    AMPEscrow public escrow;
    uint64 public epoch;
    uint256 public attempts;
    uint256 public blocked;

    function arm(AMPEscrow escrow_, uint64 epoch_) external {
        escrow = escrow_;
        epoch = epoch_;
    }

    function dispute(IERC20 token) external {
        token.approve(address(escrow), type(uint256).max);
        escrow.dispute(epoch);
    }

    function onTokens(uint256) external {
        if (address(escrow) == address(0) || msg.sender != escrow.token() || attempts != 0) return;
        ++attempts;
        try escrow.expireDispute(epoch) {}
        catch (bytes memory reason) {
            if (bytes4(reason) == ReentrancyGuardTransient.ReentrancyGuardReentrantCall.selector) ++blocked;
        }
    }
}

/// @notice Bonded disputes: what a dispute blocks, how each resolution pays, and the attacks on them
/// (spam, late and double disputes, a guardian resolving twice, a frivolous dispute, an empty pool,
/// pause during a dispute, a disputer re-entering while paid).
contract AMPEscrowDisputeTest is TestBase {
    uint64 internal constant WINDOW = 1 hours;
    uint256 internal constant BOND = EscrowConfig.DISPUTE_BOND;
    uint256 internal constant REWARD = EscrowConfig.DISPUTE_REWARD;

    AMPToken internal token;
    AMPSocial internal social;
    AMPEscrow internal escrow;
    address internal guardian = address(0x6A4D);
    address internal pauser = address(0x9A05);
    address internal promoter = address(0xA11CE);
    address internal thief = address(0x7B1EF);
    address internal watcher = address(0x3A7C4);
    address internal viewer = address(0xCAB01);
    uint256 internal campaign;

    function setUp() public {
        vm.warp(1_700_000_000);
        token = new AMPToken(address(this), type(uint128).max);
        social = new AMPSocial();
        escrow = new AMPEscrow(
            IERC20(address(token)),
            IAMPSocial(address(social)),
            EscrowConfig.build(address(this), address(this), guardian, pauser, WINDOW)
        );
        token.grantRole(token.MINTER_ROLE(), address(this));
        social.createCommunity("disputes", "");
        social.publish(1, new string[](0), "post", bytes32(0), "");
        _fund(promoter, 1_000 ether);
        vm.prank(promoter);
        campaign = escrow.amplify(1, 1_000 ether, 2 days);
        _fund(address(this), 10_000 ether);
        escrow.fundDisputePool(1_000 ether);
        vm.warp(block.timestamp + 1 days);
    }

    // ------------------------------------------------------------------ helpers

    function _fund(address who, uint256 amount) internal {
        token.mint(who, amount);
        vm.prank(who);
        token.approve(address(escrow), type(uint256).max);
    }

    /// @dev Settles the next epoch spending `amount` of the campaign, paying it all to `to`.
    function _settle(address to, uint256 amount) internal returns (uint64 epoch) {
        return _settle(to, amount, amount);
    }

    /// @dev Settles the next epoch spending `amount` of the campaign, `to`'s cumulative reward `cumulative`.
    function _settle(address to, uint256 cumulative, uint256 amount) internal returns (uint64 epoch) {
        epoch = escrow.lastEpoch() + 1;
        uint256[] memory ids = new uint256[](amount == 0 ? 0 : 1);
        uint256[] memory amounts = new uint256[](ids.length);
        if (amount != 0) {
            ids[0] = campaign;
            amounts[0] = amount;
        }
        escrow.settle(
            epoch, uint64(block.timestamp), _root(to, cumulative), abi.encode(epoch), ids, amounts
        );
    }

    function _root(address to, uint256 amount) internal pure returns (bytes32 root) {
        bytes32[] memory leaves = new bytes32[](1);
        leaves[0] = TestTree.leaf(to, amount);
        (root,) = TestTree.rootAndProof(leaves, 0);
    }

    function _dispute(address who, uint64 epoch) internal {
        _fund(who, BOND);
        vm.prank(who);
        escrow.dispute(epoch);
    }

    function _status(uint64 epoch) internal view returns (uint8 status) {
        (,,, status) = escrow.disputes(epoch);
    }

    function _revoked(uint64 epoch) internal view returns (bool revoked) {
        (,,, revoked,) = escrow.epochs(epoch);
    }

    /// @dev AMP the escrow keeps: its own balance (activated rewards) and its vault's (the rest).
    function _escrowed() internal view returns (uint256) {
        return token.balanceOf(address(escrow)) + token.balanceOf(escrow.vault());
    }

    /// @dev The escrow's books: budgets, unclaimed rewards, credits, open bonds and the pool.
    function _owed(uint64 maxEpoch) internal view returns (uint256 owed) {
        owed = escrow.remaining(campaign) + escrow.refundCredit(campaign) + escrow.totalAllocated()
            - escrow.totalClaimed() + escrow.disputePool();
        for (uint64 e = 1; e <= maxEpoch; ++e) {
            if (_status(e) == 1) owed += BOND;
        }
    }

    // ------------------------------------------------------------------ blocking and resolution

    /// @notice A disputed root does not activate after its window, nor does any later one.
    function test_dispute_blocksTheRootAndEveryLaterOne() public {
        uint64 bad = _settle(thief, 500 ether);
        _dispute(watcher, bad);
        (address disputer, uint256 bond, uint64 deadline, uint8 status) = escrow.disputes(bad);
        assertTrue(disputer == watcher && status == 1, "dispute not recorded");
        assertEq(bond, BOND, "bond");
        assertEq(deadline, block.timestamp + EscrowConfig.DISPUTE_PERIOD, "deadline");
        assertEq(token.balanceOf(watcher), 0, "bond not pulled");
        vm.warp(block.timestamp + 10 minutes);
        uint64 later = _settle(thief, 100 ether);
        vm.warp(block.timestamp + 3 * WINDOW);
        assertEq(escrow.activeEpoch(), 0, "disputed root activated");
        vm.expectRevert(IAMPEscrow.AMPEscrowNoActiveEpoch.selector);
        escrow.claim(thief, 500 ether, new bytes32[](0));
        assertTrue(later > bad, "later epoch");
        assertEq(_owed(later), _escrowed(), "books");
    }

    /// @notice Upheld: the epoch and every later one are revoked, the disputer gets bond and reward.
    function test_resolveUpheld_revokesAndPaysBondAndReward() public {
        uint64 bad = _settle(thief, 500 ether);
        vm.warp(block.timestamp + 1);
        uint64 later = _settle(thief, 100 ether);
        _dispute(watcher, bad);
        vm.prank(guardian);
        escrow.resolveDispute(bad, true);
        assertEq(_status(bad), 2, "status");
        assertEq(token.balanceOf(watcher), BOND + REWARD, "bond and reward");
        assertEq(escrow.disputePool(), 1_000 ether - REWARD, "pool");
        assertEq(escrow.lastEpoch(), bad - 1, "not revoked");
        assertTrue(_revoked(bad) && _revoked(later), "later epoch not revoked");
        assertTrue(!escrow.restorePending(), "restore left over");
        assertEq(escrow.remaining(campaign), 1_000 ether, "spend not restored");
        assertEq(_owed(later), _escrowed(), "books");
    }

    /// @notice Rejected (a frivolous dispute): the bond goes to the pool and the root activates on time.
    function test_resolveRejected_frivolousDisputeLosesItsBond() public {
        uint64 honest = _settle(viewer, 500 ether);
        (,, uint64 activeAt,,) = escrow.epochs(honest);
        _dispute(thief, honest);
        vm.warp(block.timestamp + 10 minutes);
        vm.prank(guardian);
        escrow.resolveDispute(honest, false);
        assertEq(_status(honest), 3, "status");
        assertEq(escrow.disputePool(), 1_000 ether + BOND, "bond not forfeited");
        assertEq(token.balanceOf(thief), 0, "frivolous disputer paid");
        _fund(watcher, BOND);
        vm.prank(watcher);
        vm.expectRevert(abi.encodeWithSelector(IAMPEscrow.AMPEscrowAlreadyDisputed.selector, honest));
        escrow.dispute(honest);
        vm.warp(activeAt - 1);
        assertEq(escrow.activeEpoch(), 0, "activated before its window ended");
        vm.warp(activeAt);
        assertEq(escrow.activeEpoch(), honest, "rejected root did not activate on schedule");
        escrow.claim(viewer, 500 ether, new bytes32[](0));
        assertEq(token.balanceOf(viewer), 500 ether, "claim");
        // Active now: no longer disputable at all.
        vm.prank(watcher);
        vm.expectRevert(abi.encodeWithSelector(IAMPEscrow.AMPEscrowNotDisputable.selector, honest));
        escrow.dispute(honest);
    }

    /// @notice A root rejected after its window activates at the resolution, and later roots follow.
    function test_resolveRejected_afterTheWindowActivatesAtOnce() public {
        uint64 honest = _settle(viewer, 500 ether);
        vm.warp(block.timestamp + 1);
        uint64 next = _settle(viewer, 600 ether, 100 ether);
        _dispute(thief, honest);
        vm.warp(block.timestamp + 2 * WINDOW);
        assertEq(escrow.activeEpoch(), 0, "blocked");
        vm.prank(guardian);
        escrow.resolveDispute(honest, false);
        assertEq(escrow.activeEpoch(), next, "not activated at the resolution");
        escrow.claim(viewer, 600 ether, new bytes32[](0));
        assertEq(token.balanceOf(viewer), 600 ether, "claim");
    }

    /// @notice Unresolved past its deadline, anyone expires the dispute: revoked, bond back, no reward.
    function test_expireDispute_afterTheDeadlineRevokesAndReturnsTheBond() public {
        uint64 bad = _settle(thief, 500 ether);
        _dispute(watcher, bad);
        (,, uint64 deadline,) = escrow.disputes(bad);
        vm.expectRevert(abi.encodeWithSelector(IAMPEscrow.AMPEscrowDisputeNotExpired.selector, bad, deadline));
        escrow.expireDispute(bad);
        vm.warp(uint256(deadline) + 1);
        vm.prank(viewer);
        escrow.expireDispute(bad);
        assertEq(_status(bad), 4, "status");
        assertEq(token.balanceOf(watcher), BOND, "bond not returned");
        assertEq(escrow.disputePool(), 1_000 ether, "pool paid a reward on expiry");
        assertEq(escrow.lastEpoch(), 0, "not revoked");
        vm.expectRevert(abi.encodeWithSelector(IAMPEscrow.AMPEscrowDisputeNotOpen.selector, bad));
        escrow.expireDispute(bad);
    }

    // ------------------------------------------------------------------ attacks

    /// @notice Disputes only while pending: not after the window, not an active, unsettled or revoked epoch.
    function test_dispute_onlyWhilePending() public {
        _fund(watcher, 10 * BOND);
        vm.startPrank(watcher);
        vm.expectRevert(abi.encodeWithSelector(IAMPEscrow.AMPEscrowNotDisputable.selector, 0));
        escrow.dispute(0);
        vm.expectRevert(abi.encodeWithSelector(IAMPEscrow.AMPEscrowNotDisputable.selector, 1));
        escrow.dispute(1);
        vm.stopPrank();
        uint64 epoch = _settle(viewer, 100 ether);
        (,, uint64 activeAt,,) = escrow.epochs(epoch);
        vm.warp(activeAt);
        vm.prank(watcher);
        vm.expectRevert(abi.encodeWithSelector(IAMPEscrow.AMPEscrowNotDisputable.selector, epoch));
        escrow.dispute(epoch);
        uint64 revoked = _settle(viewer, 200 ether);
        vm.prank(guardian);
        escrow.revoke(revoked, type(uint256).max);
        vm.prank(watcher);
        vm.expectRevert(abi.encodeWithSelector(IAMPEscrow.AMPEscrowNotDisputable.selector, revoked));
        escrow.dispute(revoked);
    }

    /// @notice A settlement is disputed once; the second disputer is turned away and keeps its AMP.
    function test_dispute_twiceReverts() public {
        uint64 epoch = _settle(thief, 500 ether);
        _dispute(watcher, epoch);
        _fund(viewer, BOND);
        vm.prank(viewer);
        vm.expectRevert(abi.encodeWithSelector(IAMPEscrow.AMPEscrowAlreadyDisputed.selector, epoch));
        escrow.dispute(epoch);
        assertEq(token.balanceOf(viewer), BOND, "second bond taken");
    }

    /// @notice The guardian cannot resolve twice, nor resolve what was never disputed; nobody else resolves.
    function test_resolveDispute_twiceAndByOthersReverts() public {
        uint64 epoch = _settle(viewer, 500 ether);
        vm.prank(guardian);
        vm.expectRevert(abi.encodeWithSelector(IAMPEscrow.AMPEscrowDisputeNotOpen.selector, epoch));
        escrow.resolveDispute(epoch, true);
        _dispute(thief, epoch);
        vm.prank(thief);
        vm.expectRevert();
        escrow.resolveDispute(epoch, true);
        vm.prank(guardian);
        escrow.resolveDispute(epoch, false);
        vm.prank(guardian);
        vm.expectRevert(abi.encodeWithSelector(IAMPEscrow.AMPEscrowDisputeNotOpen.selector, epoch));
        escrow.resolveDispute(epoch, true);
        vm.prank(guardian);
        vm.expectRevert(abi.encodeWithSelector(IAMPEscrow.AMPEscrowDisputeNotOpen.selector, epoch));
        escrow.resolveDispute(epoch, false);
        assertEq(escrow.disputePool(), 1_000 ether + BOND, "pool");
        assertEq(token.balanceOf(thief), 0, "paid twice");
    }

    /// @notice An empty pool pays the bond only; a short pool pays what it has.
    function test_resolveUpheld_withAnEmptyOrShortPool() public {
        AMPEscrow bare = new AMPEscrow(
            IERC20(address(token)),
            IAMPSocial(address(social)),
            EscrowConfig.build(address(this), address(this), guardian, pauser, WINDOW)
        );
        escrow = bare;
        _fund(promoter, 1_000 ether);
        vm.prank(promoter);
        campaign = escrow.amplify(1, 1_000 ether, 2 days);
        vm.warp(block.timestamp + 1 days);
        uint64 first = _settle(thief, 100 ether);
        _dispute(watcher, first);
        vm.prank(guardian);
        escrow.resolveDispute(first, true);
        assertEq(token.balanceOf(watcher), BOND, "empty pool paid a reward");
        _fund(address(this), REWARD / 2);
        escrow.fundDisputePool(REWARD / 2);
        uint64 second = _settle(thief, 100 ether);
        _dispute(viewer, second);
        vm.prank(guardian);
        escrow.resolveDispute(second, true);
        assertEq(token.balanceOf(viewer), BOND + REWARD / 2, "short pool");
        assertEq(escrow.disputePool(), 0, "pool not emptied");
        assertEq(_owed(second), _escrowed(), "books");
    }

    /// @notice Spam: disputing every pending epoch costs a bond each, frivolous ones are forfeited, and
    /// upholding the lowest stays constant work however many disputes sit above it.
    function test_disputeSpam_costsBondsAndKeepsResolutionBounded() public {
        uint64 first = _settle(viewer, 10 ether);
        for (uint256 i; i < 60; ++i) {
            vm.warp(block.timestamp + 1);
            _settle(viewer, 0);
        }
        uint64 last = escrow.lastEpoch();
        for (uint64 e = first; e <= last; ++e) {
            _dispute(thief, e);
        }
        assertEq(token.balanceOf(thief), 0, "spam was free");
        // Rejecting the lowest moves the block to the next disputed epoch (a bitmap scan).
        vm.prank(guardian);
        uint256 before = gasleft();
        escrow.resolveDispute(first, false);
        assertLe(before - gasleft(), 100_000, "rejection scan too expensive");
        vm.warp(block.timestamp + 2 * WINDOW);
        assertEq(escrow.activeEpoch(), first, "block did not move to the next dispute");
        vm.prank(guardian);
        before = gasleft();
        escrow.resolveDispute(first + 1, true);
        // Sixty empty epochs revoked and finished in one go; the other open disputes cost nothing here.
        assertLe(before - gasleft(), 400_000, "upholding under spam too expensive");
        assertEq(escrow.lastEpoch(), first, "not revoked");
        // Every other spam dispute is about a revoked epoch now: expired at once, bond back, no reward.
        for (uint64 e = first + 2; e <= last; ++e) {
            escrow.expireDispute(e);
        }
        assertEq(token.balanceOf(thief), BOND * (last - first) + REWARD, "bonds of moot disputes");
        assertEq(escrow.disputePool(), 1_000 ether + BOND - REWARD, "pool");
        assertEq(_owed(last), _escrowed(), "books");
    }

    /// @notice A dispute above a lower one: rejecting the lower lets only the epochs between activate.
    function test_rejectingTheLowerDisputeKeepsTheHigherBlock() public {
        uint64 a = _settle(viewer, 100 ether);
        vm.warp(block.timestamp + 1);
        uint64 b = _settle(viewer, 200 ether);
        vm.warp(block.timestamp + 1);
        uint64 c = _settle(thief, 300 ether);
        _dispute(watcher, c);
        _dispute(thief, a);
        vm.prank(guardian);
        escrow.resolveDispute(a, false);
        vm.warp(block.timestamp + 2 * WINDOW);
        assertEq(escrow.activeEpoch(), b, "cap not at the higher dispute");
        vm.prank(guardian);
        escrow.resolveDispute(c, true);
        assertEq(escrow.lastEpoch(), b, "c not revoked");
        assertEq(escrow.activeEpoch(), b, "active");
    }

    /// @notice Pause during a dispute: disputes still open, the clock stands, the guardian resolves, and
    /// an expiry past the deadline still revokes (the safe direction).
    function test_pauseDuringDispute() public {
        uint64 bad = _settle(thief, 500 ether);
        vm.prank(pauser);
        escrow.pause();
        _dispute(watcher, bad);
        vm.warp(block.timestamp + 3 * WINDOW);
        uint64 other = 0;
        assertEq(escrow.activeEpoch(), other, "activated while paused");
        (,, uint64 deadline,) = escrow.disputes(bad);
        vm.warp(uint256(deadline) + 1);
        escrow.expireDispute(bad);
        assertEq(escrow.lastEpoch(), 0, "expiry did not revoke while paused");
        assertEq(token.balanceOf(watcher), BOND, "bond");
        vm.prank(pauser);
        escrow.unpause();
        uint64 honest = _settle(viewer, 500 ether);
        vm.prank(pauser);
        escrow.pause();
        _dispute(thief, honest);
        vm.prank(guardian);
        escrow.resolveDispute(honest, false);
        vm.prank(pauser);
        escrow.unpause();
        vm.warp(block.timestamp + WINDOW);
        assertEq(escrow.activeEpoch(), honest, "rejected root did not activate after the pause");
    }

    /// @notice A dispute of a settlement revoked otherwise is moot: bond back at once, and the epoch's
    /// re-settlement can be disputed afresh (the moot one is closed first).
    function test_mootDispute_returnsTheBondAndFreesTheEpoch() public {
        uint64 epoch = _settle(thief, 500 ether);
        _dispute(watcher, epoch);
        vm.prank(guardian);
        escrow.revoke(epoch, type(uint256).max);
        uint64 again = _settle(thief, 400 ether);
        assertEq(again, epoch, "re-settled under the same number");
        vm.warp(block.timestamp + 2 * WINDOW);
        assertEq(escrow.activeEpoch(), epoch, "a moot dispute blocked the re-settlement");
        uint64 third = _settle(thief, 100 ether);
        _dispute(watcher, third);
        vm.prank(guardian);
        escrow.revoke(third, type(uint256).max);
        escrow.settle(third, uint64(block.timestamp), _root(thief, 1), "", new uint256[](0), new uint256[](0));
        _dispute(viewer, third);
        assertEq(token.balanceOf(watcher), 2 * BOND - BOND, "moot bond not returned on the new dispute");
        assertEq(_status(third), 1, "new dispute");
        escrow.expireDispute(epoch);
        assertEq(token.balanceOf(watcher), 2 * BOND, "moot bond");
    }

    /// @notice A disputer contract re-entering while its bond is paid back gets nothing more.
    function test_disputerReentrancy() public {
        HookToken hook = new HookToken();
        AMPEscrow hooked = new AMPEscrow(
            IERC20(address(hook)),
            IAMPSocial(address(social)),
            EscrowConfig.build(address(this), address(this), guardian, pauser, WINDOW)
        );
        escrow = hooked;
        escrow.settle(1, uint64(block.timestamp), _root(thief, 0), "", new uint256[](0), new uint256[](0));
        HookDisputer disputer = new HookDisputer();
        disputer.arm(escrow, 1);
        hook.mint(address(disputer), BOND);
        hook.hook(address(disputer));
        disputer.dispute(IERC20(address(hook)));
        vm.prank(guardian);
        escrow.resolveDispute(1, true);
        assertEq(disputer.attempts(), 1, "no re-entry attempted");
        assertEq(disputer.blocked(), 1, "re-entry not blocked by the guard");
        assertEq(hook.balanceOf(address(disputer)), BOND, "paid more than the bond");
        assertEq(_status(1), 2, "status");
    }
}
