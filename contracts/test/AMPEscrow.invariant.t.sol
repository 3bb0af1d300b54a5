// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

// Tests favour readable require messages and bounds written as stated.
/* solhint-disable gas-custom-errors, gas-strict-inequalities, gas-small-strings, max-states-count */

import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {AMPEscrow} from "../AMPEscrow.sol";
import {AMPSocial} from "../AMPSocial.sol";
import {AMPToken} from "../AMPToken.sol";
import {IAMPSocial} from "../interfaces/IAMPSocial.sol";
import {EscrowConfig} from "./EscrowConfig.sol";
import {TestBase, TestTree} from "./Vm.sol";

/// @notice Drives the escrow with bounded inputs so that no call reverts: amplify, top-up, settle,
/// claim, batch claim, refund and withdrawal, revoke (restoring its spends in small chunks), pause
/// and resume, settler changes through the role delay, bonded disputes (opened, upheld, rejected,
/// expired, moot after a revoke), pool funding, and time passing, by several actors. Ghost
/// state mirrors the settler's trees: per-epoch cumulative rewards summing to what each epoch spent,
/// except that one settlement in five is greedy (its root promises the last actor more than the epoch
/// spent), so the contract's own bound on claims is exercised too.
contract EscrowHandler is TestBase {
    uint256 internal constant ACTORS = 4;
    uint256 internal constant MAX_AMOUNT = 1e24;
    address public constant GUARDIAN = address(0x6A4D);
    address public constant PAUSER = address(0x9A05);
    address public constant SETTLER2 = address(0x5E7);

    AMPToken public token;
    AMPEscrow public escrow;
    address[ACTORS] public actors;

    /// @dev cumulative[epoch][actor]: the tree of each settled epoch (index 0 is all zeros).
    mapping(uint64 epoch => uint256[ACTORS]) internal cumulative;
    uint256 public calls;
    uint256 public claims;
    uint256 public revokes;
    uint256 public refunds;
    uint256 public withdrawals;
    uint256 public pauses;
    uint256 public roleChanges;
    uint256 public blockedClaims;
    uint256 public disputesOpened;
    uint256 public disputesEnded;
    /// @dev Mirrors the escrow's settlement identity: revocations so far, and per epoch the count at
    /// its settlement and at its dispute.
    uint32 internal revocations;
    mapping(uint64 epoch => uint32) internal settledAt;
    mapping(uint64 epoch => uint32) internal disputedAt;
    uint64 public maxEpoch;

    constructor(AMPToken token_, AMPEscrow escrow_) {
        token = token_;
        escrow = escrow_;
        for (uint256 i; i < ACTORS; ++i) {
            actors[i] = address(uint160(0x1000 + i));
            vm.prank(actors[i]);
            token.approve(address(escrow), type(uint256).max);
        }
    }

    function amplify(uint256 actorSeed, uint256 amount, uint256 duration) external {
        if (escrow.paused()) return;
        address payer = actors[actorSeed % ACTORS];
        amount = bound(amount, 1, MAX_AMOUNT);
        duration = bound(duration, 1, 3 days);
        token.mint(payer, amount);
        vm.prank(payer);
        escrow.amplify(1, amount, uint64(duration));
        ++calls;
    }

    function topUp(uint256 actorSeed, uint256 campaignSeed, uint256 amount) external {
        uint256 count = escrow.campaignCount();
        if (count == 0 || escrow.paused()) return;
        uint256 id = campaignSeed % count + 1;
        (,,,, uint64 expiresAt,) = escrow.campaigns(id);
        if (block.timestamp >= expiresAt) return;
        address payer = actors[actorSeed % ACTORS];
        amount = bound(amount, 1, MAX_AMOUNT);
        token.mint(payer, amount);
        vm.prank(payer);
        escrow.topUp(id, amount);
        ++calls;
    }

    function settle(uint256 campaignSeed, uint256 spendSeed, uint256 splitSeed) external {
        if (escrow.paused()) return;
        if (escrow.restorePending()) escrow.restoreSpends(type(uint256).max);
        uint256 count = escrow.campaignCount();
        uint256[] memory ids = new uint256[](count < 3 ? count : 3);
        uint256[] memory amounts = new uint256[](ids.length);
        uint256 total;
        uint256 used;
        for (uint256 k; k < ids.length; ++k) {
            uint256 id = (campaignSeed % count + k) % count + 1;
            uint256 left = escrow.spendable(id, uint64(block.timestamp));
            if (left == 0) continue;
            uint256 amount = bound(uint256(keccak256(abi.encode(spendSeed, k))), 1, left);
            ids[used] = id;
            amounts[used] = amount;
            ++used;
            total += amount;
        }
        assembly ("memory-safe") {
            mstore(ids, used)
            mstore(amounts, used)
        }
        uint64 epoch = escrow.lastEpoch() + 1;
        // Split the epoch's spend among the actors; cumulative amounts carry over from the last epoch.
        uint256[ACTORS] memory next = cumulative[epoch - 1];
        uint256 given;
        for (uint256 i; i < ACTORS; ++i) {
            uint256 weight = uint256(keccak256(abi.encode(splitSeed, i))) % 101;
            uint256 share = i + 1 == ACTORS ? total - given : (total * weight) / 400;
            next[i] += share;
            given += share;
        }
        if (splitSeed % 5 == 0) next[ACTORS - 1] += total + 1;
        cumulative[epoch] = next;
        (bytes32 root,) = _tree(epoch, 0);
        // Whichever settler holds the role settles; the handler itself always does.
        bool bySettler2 = escrow.hasRole(escrow.SETTLER_ROLE(), SETTLER2) && splitSeed % 2 == 1;
        if (bySettler2) vm.prank(SETTLER2);
        escrow.settle(epoch, uint64(block.timestamp), root, abi.encode(epoch, total), ids, amounts);
        settledAt[epoch] = revocations;
        if (epoch > maxEpoch) maxEpoch = epoch;
        ++calls;
    }

    function claim(uint256 actorSeed, uint256 submitterSeed) external {
        uint64 epoch = escrow.activeEpoch();
        if (epoch == 0 || escrow.paused()) return;
        uint256 index = actorSeed % ACTORS;
        address account = actors[index];
        uint256 amount = cumulative[epoch][index];
        if (amount <= escrow.claimed(account)) return;
        (, bytes32[] memory proof) = _tree(epoch, index);
        vm.prank(actors[submitterSeed % ACTORS]);
        try escrow.claim(account, amount, proof) {
            ++claims;
        } catch (bytes memory reason) {
            _expectAllocationBound(reason);
        }
        ++calls;
    }

    function claimAll() external {
        uint64 epoch = escrow.activeEpoch();
        if (epoch == 0 || escrow.paused()) return;
        address[] memory accounts = new address[](ACTORS);
        uint256[] memory amounts = new uint256[](ACTORS);
        bytes32[][] memory proofs = new bytes32[][](ACTORS);
        uint256 n;
        for (uint256 i; i < ACTORS; ++i) {
            if (cumulative[epoch][i] <= escrow.claimed(actors[i])) continue;
            accounts[n] = actors[i];
            amounts[n] = cumulative[epoch][i];
            (, proofs[n]) = _tree(epoch, i);
            ++n;
        }
        assembly ("memory-safe") {
            mstore(accounts, n)
            mstore(amounts, n)
            mstore(proofs, n)
        }
        try escrow.claimBatch(accounts, amounts, proofs) {
            ++claims;
        } catch (bytes memory reason) {
            _expectAllocationBound(reason);
        }
        ++calls;
    }

    function refund(uint256 campaignSeed) external {
        uint256 count = escrow.campaignCount();
        if (count == 0 || escrow.paused()) return;
        uint256 id = campaignSeed % count + 1;
        (,,,, uint64 expiresAt, bool refunded) = escrow.campaigns(id);
        if (refunded || block.timestamp < expiresAt + escrow.settlementGrace()) return;
        escrow.refund(id);
        ++calls;
        ++refunds;
    }

    function withdrawRefund(uint256 campaignSeed) external {
        uint256 count = escrow.campaignCount();
        if (count == 0 || escrow.paused()) return;
        uint256 id = campaignSeed % count + 1;
        (, address promoter,,, uint64 expiresAt, bool refunded) = escrow.campaigns(id);
        if (!refunded && block.timestamp < expiresAt + escrow.settlementGrace()) return;
        if ((refunded ? escrow.refundCredit(id) : escrow.remaining(id)) == 0) return;
        vm.prank(promoter);
        escrow.withdrawRefund(id);
        ++calls;
        ++withdrawals;
    }

    /// @dev Revokes a pending epoch, restoring at most `stepSeed % 4` steps at once (chunks).
    function revoke(uint256 epochSeed, uint256 stepSeed) external {
        uint64 active = escrow.activeEpoch();
        uint64 last = escrow.lastEpoch();
        if (last <= active) return;
        uint64 epoch = active + 1 + uint64(epochSeed % (last - active));
        vm.prank(GUARDIAN);
        escrow.revoke(epoch, stepSeed % 4);
        ++revocations;
        ++calls;
        ++revokes;
    }

    function restoreSpends(uint256 steps) external {
        if (!escrow.restorePending()) return;
        escrow.restoreSpends(bound(steps, 1, 3));
        ++calls;
    }

    function pauseOrResume() external {
        bool wasPaused = escrow.paused();
        vm.prank(PAUSER);
        if (wasPaused) escrow.unpause();
        else escrow.pause();
        ++calls;
        ++pauses;
    }

    /// @dev Schedules, executes or cancels granting or revoking SETTLER2's settler role.
    function changeSettler(uint256 seed) external {
        bytes32 role = escrow.SETTLER_ROLE();
        bool grant = !escrow.hasRole(role, SETTLER2);
        uint64 readyAt = escrow.roleChangeReadyAt(role, SETTLER2, grant);
        if (readyAt == 0) {
            escrow.scheduleRoleChange(role, SETTLER2, grant);
        } else if (seed % 5 == 0) {
            vm.prank(GUARDIAN);
            escrow.cancelRoleChange(role, SETTLER2, grant);
        } else if (block.timestamp >= readyAt) {
            escrow.executeRoleChange(role, SETTLER2, grant);
            ++roleChanges;
        } else {
            return;
        }
        ++calls;
    }

    /// @dev Bonds a dispute against a pending epoch still inside its window (paused or not).
    function dispute(uint256 actorSeed, uint256 epochSeed) external {
        uint64 active = escrow.activeEpoch();
        uint64 last = escrow.lastEpoch();
        if (last <= active) return;
        uint64 epoch = active + 1 + uint64(epochSeed % (last - active));
        (,, uint64 activeAt,,) = escrow.epochs(epoch);
        if (block.timestamp >= activeAt) return;
        (,,, uint8 status) = escrow.disputes(epoch);
        if (status != 0 && disputedAt[epoch] == settledAt[epoch]) return;
        address who = actors[actorSeed % ACTORS];
        token.mint(who, escrow.disputeBond());
        vm.prank(who);
        escrow.dispute(epoch);
        disputedAt[epoch] = settledAt[epoch];
        ++disputesOpened;
        ++calls;
    }

    /// @dev The guardian upholds or rejects the lowest open dispute of a current settlement.
    function resolveDispute(uint256 seed) external {
        uint64 epoch = _lowestOpenLive();
        if (epoch == 0) return;
        bool upheld = seed % 2 == 0;
        vm.prank(GUARDIAN);
        escrow.resolveDispute(epoch, upheld);
        if (upheld) ++revocations;
        ++disputesEnded;
        ++calls;
    }

    /// @dev Anyone expires an open dispute: a moot one at once, a live one after its deadline.
    function expireDispute(uint256 epochSeed) external {
        if (maxEpoch == 0) return;
        uint64 epoch = 1 + uint64(epochSeed % maxEpoch);
        (,, uint64 deadline, uint8 status) = escrow.disputes(epoch);
        if (status != 1) return;
        bool live = _openLive(epoch);
        if (live && block.timestamp <= deadline) return;
        escrow.expireDispute(epoch);
        if (live) ++revocations;
        ++disputesEnded;
        ++calls;
    }

    function fundDisputePool(uint256 amount) external {
        amount = bound(amount, 1, MAX_AMOUNT);
        token.mint(address(this), amount);
        escrow.fundDisputePool(amount);
        ++calls;
    }

    /// @notice AMP bonded by open disputes (one record per epoch number).
    function openBonds() external view returns (uint256 total) {
        for (uint64 e = 1; e <= maxEpoch; ++e) {
            (,,, uint8 status) = escrow.disputes(e);
            if (status == 1) total += escrow.disputeBond();
        }
    }

    /// @notice The lowest epoch with an open dispute of its current settlement; 0 when none.
    function lowestOpenLive() external view returns (uint64) {
        return _lowestOpenLive();
    }

    function _lowestOpenLive() internal view returns (uint64) {
        uint64 last = escrow.lastEpoch();
        for (uint64 e = 1; e <= last; ++e) {
            if (_openLive(e)) return e;
        }
        return 0;
    }

    function _openLive(uint64 epoch) internal view returns (bool) {
        (,,, uint8 status) = escrow.disputes(epoch);
        return status == 1 && epoch <= escrow.lastEpoch() && disputedAt[epoch] == settledAt[epoch];
    }

    function warp(uint256 seconds_) external {
        vm.warp(block.timestamp + bound(seconds_, 1, 2 days));
    }

    /// @notice The cumulative amount of `actors[index]` in the latest active epoch's tree.
    function activeCumulative(uint256 index) external view returns (uint256) {
        return cumulative[escrow.activeEpoch()][index];
    }

    function actorCount() external pure returns (uint256) {
        return ACTORS;
    }

    /// @dev The only acceptable claim failure: a greedy root hitting the bound on activated rewards,
    /// the escrow's own balance (it holds nothing else), which the token enforces.
    function _expectAllocationBound(bytes memory reason) internal {
        bytes4 selector;
        address sender;
        assembly ("memory-safe") {
            selector := mload(add(reason, 0x20))
            sender := mload(add(reason, 0x24))
        }
        require(selector == IERC20Errors.ERC20InsufficientBalance.selector, "unexpected claim failure");
        require(sender == address(escrow), "a claim drew on the vault");
        ++blockedClaims;
    }

    function _tree(uint64 epoch, uint256 index) internal view returns (bytes32 root, bytes32[] memory proof) {
        bytes32[] memory leaves = new bytes32[](ACTORS);
        for (uint256 i; i < ACTORS; ++i) {
            leaves[i] = TestTree.leaf(actors[i], cumulative[epoch][i]);
        }
        return TestTree.rootAndProof(leaves, index);
    }
}

/// @notice Invariants of the escrow across random sequences of handler calls.
contract AMPEscrowInvariantTest is TestBase {
    AMPToken internal token;
    AMPSocial internal social;
    AMPEscrow internal escrow;
    EscrowHandler internal handler;
    uint256 internal constant CAP = 1e27;
    address internal constant HANDLER_GUARDIAN = address(0x6A4D);
    address internal constant HANDLER_PAUSER = address(0x9A05);

    /// @dev The address of the `ahead`-th contract this test creates from now (CREATE, nonce < 0x80).
    function _nextAddress(uint256 ahead) internal view returns (address) {
        uint256 nonce = vm.getNonce(address(this)) + ahead - 1;
        bytes32 hash = keccak256(abi.encodePacked(bytes1(0xd6), bytes1(0x94), address(this), uint8(nonce)));
        return address(uint160(uint256(hash)));
    }

    function setUp() public {
        vm.warp(1_700_000_000);
        token = new AMPToken(address(this), CAP);
        social = new AMPSocial();
        social.createCommunity("invariants", "");
        social.publish(1, new string[](0), "amplified", bytes32(0), "");
        // The handler's address is known before it exists: it is the next contract this test creates
        // after the escrow, so the escrow can name it admin and settler.
        address handlerAddress = _nextAddress(2);
        escrow = new AMPEscrow(
            IERC20(address(token)),
            IAMPSocial(address(social)),
            EscrowConfig.build(handlerAddress, handlerAddress, HANDLER_GUARDIAN, HANDLER_PAUSER, 1 hours)
        );
        handler = new EscrowHandler(token, escrow);
        require(address(handler) == handlerAddress, "handler address");
        token.grantRole(token.MINTER_ROLE(), address(handler));
        // The handler funds the pool and bonds for its actors.
        vm.prank(address(handler));
        token.approve(address(escrow), type(uint256).max);
    }

    /// @dev Only the handler is fuzzed.
    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    /**
     * hardhat-config: invariant.runs = 256
     * hardhat-config: invariant.depth = 48
     * hardhat-config: invariant.failOnRevert = true
     */
    function invariant_escrowCoversBudgetsUnclaimedRewardsAndRefunds() public view {
        uint256 unspent;
        uint256 credited;
        uint256 count = escrow.campaignCount();
        for (uint256 id = 1; id <= count; ++id) {
            unspent += escrow.remaining(id);
            credited += escrow.refundCredit(id);
        }
        uint256 owed = unspent + escrow.totalAllocated() - escrow.totalClaimed() + credited + handler.openBonds()
            + escrow.disputePool();
        // Escrowed AMP is the escrow's balance (activated, unclaimed rewards) plus its vault's (the rest).
        uint256 balance = token.balanceOf(address(escrow)) + token.balanceOf(escrow.vault());
        assertLe(owed, balance, "escrow short of budgets + unclaimed rewards + credited refunds + bonds + pool");
        // Nobody sends tokens to the escrow directly here, so the books balance exactly once every
        // revoked spend is back in its campaign (until then the campaigns show it as spent).
        if (!escrow.restorePending()) assertEq(balance, owed, "escrow balance != what it owes");
    }

    /**
     * hardhat-config: invariant.runs = 256
     * hardhat-config: invariant.depth = 48
     * hardhat-config: invariant.failOnRevert = true
     */
    function invariant_noAccountClaimsMoreThanItsCumulativeAmount() public view {
        uint256 sum;
        for (uint256 i; i < handler.actorCount(); ++i) {
            uint256 claimed = escrow.claimed(handler.actors(i));
            assertLe(claimed, handler.activeCumulative(i), "claimed more than cumulative");
            sum += claimed;
        }
        assertEq(sum, escrow.totalClaimed(), "totalClaimed != sum of claims");
        assertLe(escrow.totalClaimed(), escrow.totalAllocated(), "claimed more than allocated");
    }

    /**
     * hardhat-config: invariant.runs = 256
     * hardhat-config: invariant.depth = 48
     * hardhat-config: invariant.failOnRevert = true
     */
    function invariant_noRootActivatesFromAnOpenDisputeOn() public view {
        uint64 lowest = handler.lowestOpenLive();
        if (lowest != 0) assertTrue(escrow.activeEpoch() < lowest, "a disputed root or a later one activated");
    }

    /**
     * hardhat-config: invariant.runs = 256
     * hardhat-config: invariant.depth = 48
     * hardhat-config: invariant.failOnRevert = true
     */
    function invariant_supplyNeverExceedsCap() public view {
        assertLe(token.totalSupply(), token.cap(), "supply above cap");
    }

    /// @dev Keeps the run honest: the handler does act.
    function afterInvariant() public view {
        assertTrue(handler.calls() > 0 || escrow.campaignCount() == 0, "handler never acted");
        assertTrue(handler.disputesEnded() <= handler.disputesOpened(), "more disputes ended than opened");
        assertTrue(!escrow.hasRole(escrow.SETTLER_ROLE(), HANDLER_GUARDIAN), "guardian became settler");
    }
}
