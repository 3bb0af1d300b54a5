// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

// Tests favour readable require messages and bounds written as stated.
/* solhint-disable gas-custom-errors, gas-strict-inequalities, gas-small-strings */

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {AMPEscrow} from "../AMPEscrow.sol";
import {AMPSocial} from "../AMPSocial.sol";
import {AMPToken} from "../AMPToken.sol";
import {IAMPEscrow} from "../interfaces/IAMPEscrow.sol";
import {IAMPSocial} from "../interfaces/IAMPSocial.sol";
import {EscrowConfig} from "./EscrowConfig.sol";
import {TestBase, TestTree} from "./Vm.sol";

/// @notice Fuzz tests of the escrow: amounts, durations, proofs.
contract AMPEscrowFuzzTest is TestBase {
    uint64 internal constant WINDOW = 60;
    uint256 internal constant MAX_AMOUNT = 1e27;

    AMPToken internal token;
    AMPSocial internal social;
    AMPEscrow internal escrow;
    address internal promoter = address(0xA11CE);
    address internal payer = address(0xB0B);
    address internal viewer = address(0xCAB01);
    address internal other = address(0xD00D);
    address internal guardian = address(0x6A4D);
    address internal pauser = address(0x9A05);

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
        social.createCommunity("fuzz", "");
        social.publish(1, new string[](0), "post", bytes32(0), "");
    }

    function _fund(address who, uint256 amount) internal {
        token.mint(who, amount);
        vm.prank(who);
        token.approve(address(escrow), type(uint256).max);
    }

    function _amplify(uint256 amount, uint64 duration) internal returns (uint256 id) {
        _fund(promoter, amount);
        vm.prank(promoter);
        id = escrow.amplify(1, amount, duration);
    }

    /// @dev Settles one spend for views up to now, first moving to the campaign's expiry if it runs
    /// on, so that its whole budget is earned.
    function _spend(uint256 campaignId, uint256 amount, bytes32 root) internal returns (uint64 epoch) {
        (,,,, uint64 expiresAt,) = escrow.campaigns(campaignId);
        if (block.timestamp < expiresAt) vm.warp(expiresAt);
        epoch = escrow.lastEpoch() + 1;
        uint256[] memory ids = new uint256[](1);
        uint256[] memory amounts = new uint256[](1);
        ids[0] = campaignId;
        amounts[0] = amount;
        escrow.settle(epoch, uint64(block.timestamp), root, "inputs", ids, amounts);
    }

    /// @dev A two-leaf tree of (viewer, amount) and (other, 1).
    function _tree(uint256 amount) internal view returns (bytes32 root, bytes32[] memory proof) {
        bytes32[] memory leaves = new bytes32[](2);
        leaves[0] = TestTree.leaf(viewer, amount);
        leaves[1] = TestTree.leaf(other, 1);
        return TestTree.rootAndProof(leaves, 0);
    }

    function test_fuzz_settle_inputsHashIsTheManifestHash(bytes calldata manifest) public {
        uint64 epoch = escrow.lastEpoch() + 1;
        uint256[] memory none = new uint256[](0);
        escrow.settle(epoch, uint64(block.timestamp), bytes32(uint256(7)), manifest, none, none);
        (bytes32 root, bytes32 inputsHash,,,) = escrow.epochs(epoch);
        assertTrue(root == bytes32(uint256(7)), "root");
        assertTrue(inputsHash == keccak256(manifest), "inputsHash");
    }

    function test_fuzz_amplify_escrowsAnyAmountAndDuration(uint256 amount, uint64 duration) public {
        amount = bound(amount, 1, MAX_AMOUNT);
        duration = uint64(bound(duration, 1, escrow.MAX_DURATION()));
        uint256 id = _amplify(amount, duration);
        (uint256 postId, address who, uint256 budget, uint256 spent, uint64 expiresAt, bool refunded) =
            escrow.campaigns(id);
        assertEq(postId, 1, "postId");
        assertTrue(who == promoter, "promoter");
        assertEq(budget, amount, "budget");
        assertEq(spent, 0, "spent");
        assertEq(expiresAt, block.timestamp + duration, "expiresAt");
        assertTrue(!refunded, "refunded");
        assertEq(token.balanceOf(escrow.vault()), amount, "escrowed in the vault");
        assertEq(token.balanceOf(address(escrow)), 0, "the escrow holds only activated rewards");
    }

    function test_fuzz_amplify_rejectsDurationOutOfRange(uint64 duration) public {
        uint64 max = escrow.MAX_DURATION();
        if (duration != 0) duration = uint64(bound(duration, uint256(max) + 1, type(uint64).max));
        _fund(promoter, 1);
        vm.expectRevert(abi.encodeWithSelector(IAMPEscrow.AMPEscrowInvalidDuration.selector, duration, max));
        vm.prank(promoter);
        escrow.amplify(1, 1, duration);
    }

    function test_fuzz_amplify_rejectsUnknownPost(uint256 postId) public {
        if (postId == 1) postId = 0;
        _fund(promoter, 1);
        vm.expectRevert(abi.encodeWithSelector(IAMPEscrow.AMPEscrowUnknownPost.selector, postId));
        vm.prank(promoter);
        escrow.amplify(postId, 1, 1 days);
    }

    function test_fuzz_topUpSpendRefund_conserveTokens(uint256 amount, uint256 extra, uint256 spend, uint64 wait)
        public
    {
        amount = bound(amount, 1, MAX_AMOUNT);
        extra = bound(extra, 1, MAX_AMOUNT);
        uint256 id = _amplify(amount, 1 days);
        _fund(payer, extra);
        vm.prank(payer);
        escrow.topUp(id, extra);
        spend = bound(spend, 1, amount + extra);
        (bytes32 root,) = _tree(spend);
        _spend(id, spend, root);
        assertEq(escrow.remaining(id), amount + extra - spend, "remaining");

        uint256 refundableAt = block.timestamp + escrow.settlementGrace();
        wait = uint64(bound(wait, 0, 3 days));
        vm.warp(block.timestamp + wait);
        if (block.timestamp < refundableAt) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    IAMPEscrow.AMPEscrowCampaignNotRefundable.selector, id, uint64(refundableAt)
                )
            );
            escrow.refund(id);
            vm.warp(refundableAt);
        }
        uint256 refunded = escrow.refund(id);
        assertEq(refunded, amount + extra - spend, "refund");
        assertEq(escrow.refundCredit(id), refunded, "credited");
        assertEq(token.balanceOf(promoter), 0, "refund is pulled, not pushed");
        vm.expectRevert(abi.encodeWithSelector(IAMPEscrow.AMPEscrowCampaignRefunded.selector, id));
        escrow.refund(id);
        if (refunded != 0) {
            vm.prank(promoter);
            assertEq(escrow.withdrawRefund(id), refunded, "withdrawn");
        }
        vm.prank(promoter);
        vm.expectRevert(abi.encodeWithSelector(IAMPEscrow.AMPEscrowNothingToWithdraw.selector, id));
        escrow.withdrawRefund(id);
        assertEq(token.balanceOf(promoter), refunded, "promoter paid");
        assertEq(
            token.balanceOf(address(escrow)) + token.balanceOf(escrow.vault()), spend, "escrow keeps the allocation"
        );
    }

    function test_fuzz_settle_rejectsSpendAboveRemaining(uint256 amount, uint256 spent, uint256 over) public {
        amount = bound(amount, 2, MAX_AMOUNT);
        uint256 id = _amplify(amount, 1 days);
        spent = bound(spent, 1, amount - 1);
        _spend(id, spent, bytes32(uint256(1)));
        uint256 left = amount - spent;
        over = bound(over, left + 1, type(uint128).max);
        uint256[] memory ids = new uint256[](1);
        uint256[] memory amounts = new uint256[](1);
        ids[0] = id;
        amounts[0] = over;
        vm.expectRevert(abi.encodeWithSelector(IAMPEscrow.AMPEscrowSpendExceedsEarned.selector, id, over, left));
        escrow.settle(2, uint64(block.timestamp), bytes32(uint256(1)), "", ids, amounts);
    }

    function test_fuzz_settle_rejectsOutOfOrderEpoch(uint64 epoch) public {
        vm.assume(epoch != 1);
        vm.expectRevert(abi.encodeWithSelector(IAMPEscrow.AMPEscrowEpochOutOfOrder.selector, epoch, uint64(1)));
        escrow.settle(epoch, uint64(block.timestamp), bytes32(0), "", new uint256[](0), new uint256[](0));
    }

    function test_fuzz_claim_paysTheCumulativeDifference(uint256 first, uint256 second) public {
        first = bound(first, 1, MAX_AMOUNT / 2);
        second = bound(second, 1, MAX_AMOUNT / 2);
        uint256 id = _amplify(first + second + 1, 30 days);
        (bytes32 root1, bytes32[] memory proof1) = _tree(first);
        _spend(id, first + 1, root1);
        vm.warp(block.timestamp + WINDOW);
        assertEq(escrow.claim(viewer, first, proof1), first, "first claim");
        (bytes32 root2, bytes32[] memory proof2) = _tree(first + second);
        _spend(id, second, root2);
        // Until epoch 2 activates, only epoch 1's root counts.
        vm.expectRevert(
            abi.encodeWithSelector(IAMPEscrow.AMPEscrowInvalidProof.selector, viewer, first + second)
        );
        escrow.claim(viewer, first + second, proof2);
        vm.warp(block.timestamp + WINDOW);
        assertEq(escrow.claim(viewer, first + second, proof2), second, "second claim");
        assertEq(token.balanceOf(viewer), first + second, "paid");
        assertEq(escrow.claimed(viewer), first + second, "claimed");
        vm.expectRevert(
            abi.encodeWithSelector(
                IAMPEscrow.AMPEscrowNothingToClaim.selector, viewer, first + second, first + second
            )
        );
        escrow.claim(viewer, first + second, proof2);
    }

    function test_fuzz_claim_rejectsForgedAmountsAndProofs(uint256 amount, uint256 forged, bytes32 noise) public {
        amount = bound(amount, 1, MAX_AMOUNT);
        vm.assume(forged != amount);
        uint256 id = _amplify(amount + 1, 1 days);
        (bytes32 root, bytes32[] memory proof) = _tree(amount);
        _spend(id, amount + 1, root);
        vm.warp(block.timestamp + WINDOW);
        vm.expectRevert(abi.encodeWithSelector(IAMPEscrow.AMPEscrowInvalidProof.selector, viewer, forged));
        escrow.claim(viewer, forged, proof);
        vm.expectRevert(abi.encodeWithSelector(IAMPEscrow.AMPEscrowInvalidProof.selector, other, amount));
        escrow.claim(other, amount, proof);
        bytes32[] memory bad = new bytes32[](1);
        bad[0] = noise;
        vm.assume(noise != proof[0]);
        vm.expectRevert(abi.encodeWithSelector(IAMPEscrow.AMPEscrowInvalidProof.selector, viewer, amount));
        escrow.claim(viewer, amount, bad);
    }

    function test_fuzz_claim_waitsForTheChallengeWindow(uint256 wait) public {
        wait = bound(wait, 0, 2 * WINDOW);
        uint256 id = _amplify(10, 1 days);
        (bytes32 root, bytes32[] memory proof) = _tree(5);
        _spend(id, 6, root);
        vm.warp(block.timestamp + wait);
        if (wait < WINDOW) {
            vm.expectRevert(IAMPEscrow.AMPEscrowNoActiveEpoch.selector);
            escrow.claim(viewer, 5, proof);
            vm.prank(guardian);
            escrow.revoke(1, type(uint256).max);
            vm.warp(block.timestamp + 2 * WINDOW);
            vm.expectRevert(IAMPEscrow.AMPEscrowNoActiveEpoch.selector);
            escrow.claim(viewer, 5, proof);
        } else {
            vm.expectRevert(abi.encodeWithSelector(IAMPEscrow.AMPEscrowEpochNotPending.selector, uint64(1)));
            vm.prank(guardian);
            escrow.revoke(1, type(uint256).max);
            assertEq(escrow.claim(viewer, 5, proof), 5, "claim");
        }
    }
}
