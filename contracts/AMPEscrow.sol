// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

// Bounds read as the spec states them (<=), and the spec fixes the event signatures (amounts are not
// filtered on, so they stay unindexed).
/* solhint-disable gas-strict-inequalities, gas-indexed-events */

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IAMPEscrow} from "./interfaces/IAMPEscrow.sol";
import {IAMPSocial} from "./interfaces/IAMPSocial.sol";
import {Head} from "./libraries/HeadLibrary.sol";
import {RewardProof} from "./libraries/RewardProof.sol";

/// @title AMPEscrow
/// @notice Amplification campaigns and epoch reward claims backed by one AMP balance.
/// @dev Storage is packed so that the hot paths touch few slots: a campaign is two slots, and the
/// `Head` word holds everything a claim needs besides the root and the account's claimed total
/// (pause flag, epoch cursor, the claimable balance of active epochs).
/// The active epoch is tracked lazily: roots activate with time, so `activeEpoch` in `Head` is a
/// cursor advanced by claims, settlements and revocations, while the views compute the current value.
contract AMPEscrow is IAMPEscrow, AccessControl, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @dev Two slots: [promoter | postId | expiresAt | refunded], [budget | spent].
    struct Campaign {
        address promoter;
        uint48 postId;
        uint40 expiresAt;
        bool refunded;
        uint128 budget;
        uint128 spent;
    }

    struct Epoch {
        bytes32 root;
        bytes32 inputsHash;
        uint64 activeAt;
        bool revoked;
        uint128 totalSpent;
    }

    struct Totals {
        uint128 allocated;
        // Sum of totalSpent over epochs 1..activeEpoch; totalClaimed = activated - claimable.
        uint128 activated;
    }

    /// @dev A struct so that a claim computes the account's slot once for its read and its write.
    struct ClaimedTotal {
        uint256 amount;
    }

    struct Spend {
        uint128 campaignId;
        uint128 amount;
    }

    /// @inheritdoc IAMPEscrow
    bytes32 public constant SETTLER_ROLE = keccak256("SETTLER_ROLE");
    /// @inheritdoc IAMPEscrow
    bytes32 public constant GUARDIAN_ROLE = keccak256("GUARDIAN_ROLE");
    /// @inheritdoc IAMPEscrow
    bytes32 public constant PAUSER_ROLE = keccak256("PAUSER_ROLE");
    /// @inheritdoc IAMPEscrow
    uint64 public constant MAX_DURATION = 365 days;
    /// @notice Longest challenge window accepted at deployment, in seconds.
    uint64 public constant MAX_CHALLENGE_WINDOW = 30 days;

    uint40 private constant NEVER = type(uint40).max;

    IERC20 private immutable TOKEN;
    IAMPSocial private immutable SOCIAL;
    uint64 private immutable CHALLENGE_WINDOW;

    Head private _head;
    Totals private _totals;
    /// @inheritdoc IAMPEscrow
    uint256 public campaignCount;
    mapping(uint256 campaignId => Campaign) private _campaigns;
    mapping(uint64 epoch => Epoch) private _epochs;
    mapping(uint64 epoch => Spend[]) private _spends;
    mapping(address account => ClaimedTotal) private _claimed;

    modifier whenNotPaused() {
        if (_head.paused()) revert AMPEscrowPaused();
        _;
    }

    /// @param admin Receives DEFAULT_ADMIN_ROLE (grants the other roles).
    /// @param token_ The AMP token.
    /// @param social_ The AMPSocial registry.
    /// @param challengeWindow_ Seconds before a settled root becomes claimable, at most MAX_CHALLENGE_WINDOW.
    constructor(address admin, IERC20 token_, IAMPSocial social_, uint64 challengeWindow_) {
        if (admin == address(0) || address(token_) == address(0) || address(social_) == address(0)) {
            revert AMPEscrowZeroAddress();
        }
        if (challengeWindow_ > MAX_CHALLENGE_WINDOW) {
            revert AMPEscrowInvalidChallengeWindow(challengeWindow_, MAX_CHALLENGE_WINDOW);
        }
        TOKEN = token_;
        SOCIAL = social_;
        CHALLENGE_WINDOW = challengeWindow_;
        _head = Head.wrap(0).setNextActiveAt(NEVER);
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    // ------------------------------------------------------------------ campaigns

    /// @inheritdoc IAMPEscrow
    function amplify(uint256 postId, uint256 amount, uint64 duration)
        external
        whenNotPaused
        nonReentrant
        returns (uint256 campaignId)
    {
        return _amplify(msg.sender, postId, amount, duration);
    }

    /// @inheritdoc IAMPEscrow
    function amplifyWithPermit(
        uint256 postId,
        uint256 amount,
        uint64 duration,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external whenNotPaused nonReentrant returns (uint256 campaignId) {
        // A front-runner may submit the permit first; then the allowance is already there.
        try IERC20Permit(address(TOKEN)).permit(msg.sender, address(this), amount, deadline, v, r, s) {}
        catch {
            uint256 allowance = TOKEN.allowance(msg.sender, address(this));
            if (allowance < amount) revert AMPEscrowPermitFailed(msg.sender, allowance, amount);
        }
        return _amplify(msg.sender, postId, amount, duration);
    }

    /// @inheritdoc IAMPEscrow
    function amplifyFor(address promoter, uint256 postId, uint256 amount, uint64 duration)
        external
        whenNotPaused
        nonReentrant
        returns (uint256 campaignId)
    {
        if (promoter == address(0)) revert AMPEscrowInvalidPromoter(promoter);
        return _amplify(promoter, postId, amount, duration);
    }

    /// @inheritdoc IAMPEscrow
    function topUp(uint256 campaignId, uint256 amount) external whenNotPaused nonReentrant {
        if (amount == 0) revert AMPEscrowZeroAmount();
        Campaign storage campaign = _campaign(campaignId);
        // Refunds need expiry, so a campaign that has not expired was not refunded either.
        if (block.timestamp >= campaign.expiresAt) revert AMPEscrowCampaignExpired(campaignId, campaign.expiresAt);
        campaign.budget += SafeCast.toUint128(amount);
        emit CampaignToppedUp(campaignId, msg.sender, amount);
        TOKEN.safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @inheritdoc IAMPEscrow
    function refund(uint256 campaignId) external nonReentrant returns (uint256 amount) {
        Campaign storage campaign = _campaign(campaignId);
        if (block.timestamp < campaign.expiresAt) revert AMPEscrowCampaignNotExpired(campaignId, campaign.expiresAt);
        if (campaign.refunded) revert AMPEscrowCampaignRefunded(campaignId);
        campaign.refunded = true;
        // Unchecked is safe: settle never lets spent exceed budget.
        unchecked {
            amount = campaign.budget - campaign.spent;
        }
        address promoter = campaign.promoter;
        emit CampaignRefunded(campaignId, promoter, amount);
        if (amount != 0) TOKEN.safeTransfer(promoter, amount);
    }

    // ------------------------------------------------------------------ epochs

    /// @inheritdoc IAMPEscrow
    function settle(
        uint64 epoch,
        bytes32 root,
        bytes32 inputsHash,
        uint256[] calldata campaignIds,
        uint256[] calldata amounts
    ) external onlyRole(SETTLER_ROLE) {
        Head head = _head;
        uint64 expected = uint64(head.lastEpoch()) + 1;
        if (epoch != expected) revert AMPEscrowEpochOutOfOrder(epoch, expected);
        uint256 totalSpent = _spendAll(epoch, campaignIds, amounts);
        _head = _recordEpoch(head, epoch, root, inputsHash, totalSpent);
    }

    /// @inheritdoc IAMPEscrow
    function revoke(uint64 epoch) external onlyRole(GUARDIAN_ROLE) nonReentrant {
        Head head = _advance(_head);
        uint64 last = head.lastEpoch();
        if (epoch <= head.activeEpoch() || epoch > last) revert AMPEscrowEpochNotPending(epoch);

        // Count first, so that all state changes happen before any transfer.
        uint256 spendCount;
        for (uint64 e = epoch; e <= last; ++e) {
            spendCount += _spends[e].length;
        }
        address[] memory payees = new address[](spendCount);
        uint256[] memory payments = new uint256[](spendCount);
        uint256 paymentCount;

        uint256 restored;
        for (uint64 e = epoch; e <= last; ++e) {
            Epoch storage record = _epochs[e];
            record.revoked = true;
            restored += record.totalSpent;
            paymentCount = _restoreSpends(e, payees, payments, paymentCount);
            emit EpochRevoked(e);
        }

        // The cast is safe: epoch <= last, a uint32. Unchecked is safe: restored is part of allocated.
        head = head.setLastEpoch(uint32(epoch - 1));
        if (head.activeEpoch() == head.lastEpoch()) head = head.setNextActiveAt(NEVER);
        unchecked {
            _totals.allocated -= uint128(restored);
        }
        _head = head;

        for (uint256 i; i < paymentCount; ++i) {
            TOKEN.safeTransfer(payees[i], payments[i]);
        }
    }

    // ------------------------------------------------------------------ claims

    /// @inheritdoc IAMPEscrow
    /// @dev No reentrancy guard on the hot path: its only external call is the final transfer of the
    /// immutable AMP token (OpenZeppelin ERC-20, no receiver hooks), made after every state change.
    function claim(address account, uint256 cumulativeAmount, bytes32[] calldata proof)
        external
        returns (uint256 amount)
    {
        (Head head, bytes32 root) = _activeRoot(_head);
        amount = _claim(head, root, account, cumulativeAmount, proof);
        _head = head.subClaimable(amount);
        TOKEN.safeTransfer(account, amount);
    }

    /// @inheritdoc IAMPEscrow
    function claimBatch(
        address[] calldata accounts,
        uint256[] calldata cumulativeAmounts,
        bytes32[][] calldata proofs
    ) external nonReentrant returns (uint256 total) {
        uint256 count = accounts.length;
        if (count != cumulativeAmounts.length) revert AMPEscrowLengthMismatch(count, cumulativeAmounts.length);
        if (count != proofs.length) revert AMPEscrowLengthMismatch(count, proofs.length);
        (Head head, bytes32 root) = _activeRoot(_head);
        uint256[] memory paid = new uint256[](count);
        for (uint256 i; i < count; ++i) {
            paid[i] = _claim(head, root, accounts[i], cumulativeAmounts[i], proofs[i]);
            head = head.subClaimable(paid[i]);
            total += paid[i];
        }
        _head = head;
        for (uint256 i; i < count; ++i) {
            TOKEN.safeTransfer(accounts[i], paid[i]);
        }
    }

    // ------------------------------------------------------------------ pause

    /// @inheritdoc IAMPEscrow
    function pause() external onlyRole(PAUSER_ROLE) {
        Head head = _head;
        if (head.paused()) revert AMPEscrowPaused();
        _head = head.setPaused(true);
        emit Paused(msg.sender);
    }

    /// @inheritdoc IAMPEscrow
    function unpause() external onlyRole(PAUSER_ROLE) {
        Head head = _head;
        if (!head.paused()) revert AMPEscrowNotPaused();
        _head = head.setPaused(false);
        emit Unpaused(msg.sender);
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc IAMPEscrow
    function campaigns(uint256 campaignId)
        external
        view
        returns (uint256 postId, address promoter, uint256 budget, uint256 spent, uint64 expiresAt, bool refunded)
    {
        Campaign storage c = _campaigns[campaignId];
        return (c.postId, c.promoter, c.budget, c.spent, c.expiresAt, c.refunded);
    }

    /// @inheritdoc IAMPEscrow
    function remaining(uint256 campaignId) external view returns (uint256) {
        Campaign storage c = _campaigns[campaignId];
        return c.refunded ? 0 : c.budget - c.spent;
    }

    /// @inheritdoc IAMPEscrow
    function lastEpoch() external view returns (uint64) {
        return _head.lastEpoch();
    }

    /// @inheritdoc IAMPEscrow
    function epochs(uint64 epoch)
        external
        view
        returns (bytes32 root, bytes32 inputsHash, uint64 activeAt, bool revoked, uint256 totalSpent)
    {
        Epoch storage e = _epochs[epoch];
        return (e.root, e.inputsHash, e.activeAt, e.revoked, e.totalSpent);
    }

    /// @inheritdoc IAMPEscrow
    function activeEpoch() external view returns (uint64) {
        Head head = _head;
        uint32 e = head.activeEpoch();
        uint32 last = head.lastEpoch();
        uint40 next = head.nextActiveAt();
        while (next <= block.timestamp) {
            ++e;
            next = e < last ? uint40(_epochs[e + 1].activeAt) : NEVER;
        }
        return e;
    }

    /// @inheritdoc IAMPEscrow
    function claimed(address account) external view returns (uint256) {
        return _claimed[account].amount;
    }

    /// @inheritdoc IAMPEscrow
    function totalAllocated() external view returns (uint256) {
        return _totals.allocated;
    }

    /// @inheritdoc IAMPEscrow
    function totalClaimed() external view returns (uint256) {
        // claimable only grows when epochs activate, by the same amount as activated.
        return _totals.activated - _head.claimable();
    }

    /// @inheritdoc IAMPEscrow
    function paused() external view returns (bool) {
        return _head.paused();
    }

    /// @inheritdoc IAMPEscrow
    function token() external view returns (address) {
        return address(TOKEN);
    }

    /// @inheritdoc IAMPEscrow
    function social() external view returns (address) {
        return address(SOCIAL);
    }

    /// @inheritdoc IAMPEscrow
    function challengeWindow() external view returns (uint64) {
        return CHALLENGE_WINDOW;
    }

    // ------------------------------------------------------------------ internals

    function _amplify(address promoter, uint256 postId, uint256 amount, uint64 duration)
        private
        returns (uint256 campaignId)
    {
        if (amount == 0) revert AMPEscrowZeroAmount();
        if (duration == 0 || duration > MAX_DURATION) revert AMPEscrowInvalidDuration(duration, MAX_DURATION);
        if (postId == 0 || postId > SOCIAL.postCount()) revert AMPEscrowUnknownPost(postId);
        campaignId = ++campaignCount;
        uint40 expiresAt = SafeCast.toUint40(block.timestamp + duration);
        _campaigns[campaignId] = Campaign({
            promoter: promoter,
            postId: SafeCast.toUint48(postId),
            expiresAt: expiresAt,
            refunded: false,
            budget: SafeCast.toUint128(amount),
            spent: 0
        });
        emit CampaignCreated(campaignId, postId, promoter, msg.sender, amount, expiresAt);
        TOKEN.safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @dev Books every campaign spend of a settlement; returns their sum.
    function _spendAll(uint64 epoch, uint256[] calldata campaignIds, uint256[] calldata amounts)
        private
        returns (uint256 totalSpent)
    {
        uint256 count = campaignIds.length;
        if (count != amounts.length) revert AMPEscrowLengthMismatch(count, amounts.length);
        for (uint256 i; i < count; ++i) {
            totalSpent += _spend(epoch, campaignIds[i], amounts[i]);
        }
    }

    /// @dev Stores a settled epoch and returns `head` moved past it.
    function _recordEpoch(Head head, uint64 epoch, bytes32 root, bytes32 inputsHash, uint256 totalSpent)
        private
        returns (Head)
    {
        uint64 activeAt = uint64(block.timestamp) + CHALLENGE_WINDOW;
        uint128 spent = SafeCast.toUint128(totalSpent);
        _epochs[epoch] =
            Epoch({root: root, inputsHash: inputsHash, activeAt: activeAt, revoked: false, totalSpent: spent});
        _totals.allocated += spent;
        if (head.activeEpoch() == head.lastEpoch()) head = head.setNextActiveAt(SafeCast.toUint40(activeAt));
        head = head.setLastEpoch(SafeCast.toUint32(epoch));
        emit EpochSettled(epoch, root, inputsHash, totalSpent, activeAt);
        return _advance(head);
    }

    /// @dev Books one campaign spend of a settlement.
    function _spend(uint64 epoch, uint256 campaignId, uint256 amount) private returns (uint256) {
        if (amount == 0) revert AMPEscrowZeroAmount();
        Campaign storage campaign = _campaign(campaignId);
        if (campaign.refunded) revert AMPEscrowCampaignRefunded(campaignId);
        uint256 spent = campaign.spent;
        uint256 left;
        // Unchecked is safe: spent never exceeds budget.
        unchecked {
            left = campaign.budget - spent;
        }
        if (amount > left) revert AMPEscrowSpendExceedsRemaining(campaignId, amount, left);
        // The casts are safe: amount <= left < 2**128, and campaign ids are counted one by one.
        campaign.spent = uint128(spent + amount);
        _spends[epoch].push(Spend({campaignId: uint128(campaignId), amount: uint128(amount)}));
        emit CampaignSpent(campaignId, epoch, amount);
        return amount;
    }

    /// @dev Gives a revoked epoch's spends back to their campaigns. Restored budget of a campaign refunded
    /// meanwhile is queued in `payees`/`payments` for its promoter; returns the new queue length.
    function _restoreSpends(uint64 epoch, address[] memory payees, uint256[] memory payments, uint256 paymentCount)
        private
        returns (uint256)
    {
        Spend[] storage spends = _spends[epoch];
        uint256 count = spends.length;
        for (uint256 i; i < count; ++i) {
            Spend memory spend = spends[i];
            Campaign storage campaign = _campaigns[spend.campaignId];
            // Unchecked is safe: this epoch added `amount` to `spent`, and only revocation removes it.
            unchecked {
                campaign.spent -= spend.amount;
            }
            if (campaign.refunded) {
                emit CampaignRefunded(spend.campaignId, campaign.promoter, spend.amount);
                payees[paymentCount] = campaign.promoter;
                payments[paymentCount] = spend.amount;
                ++paymentCount;
            }
        }
        delete _spends[epoch];
        return paymentCount;
    }

    /// @dev Verifies one claim against `root` and books it in `claimed`; the caller takes `amount` off `head`.
    function _claim(
        Head head,
        bytes32 root,
        address account,
        uint256 cumulativeAmount,
        bytes32[] calldata proof
    ) private returns (uint256 amount) {
        bytes32 node = RewardProof.leaf(account, cumulativeAmount);
        uint32 epoch = head.activeEpoch();
        if (!RewardProof.verify(proof, root, node)) {
            // A proof for the previous active root still pays: a claim sent just before a newer root
            // became active would otherwise revert. That root passed its challenge window too and can no
            // longer be revoked, and cumulative amounts only grow, so it never pays more than the newer
            // root allows; the allocation bound below holds either way.
            if (epoch < 2 || !RewardProof.verify(proof, _epochs[epoch - 1].root, node)) {
                revert AMPEscrowInvalidProof(account, cumulativeAmount);
            }
            // Unchecked is safe: epoch >= 2.
            unchecked {
                --epoch;
            }
        }
        ClaimedTotal storage total = _claimed[account];
        uint256 already = total.amount;
        if (cumulativeAmount <= already) revert AMPEscrowNothingToClaim(account, cumulativeAmount, already);
        // Unchecked is safe: cumulativeAmount > already.
        unchecked {
            amount = cumulativeAmount - already;
        }
        if (amount > head.claimable()) revert AMPEscrowClaimExceedsAllocation(amount, head.claimable());
        total.amount = cumulativeAmount;
        emit Claimed(account, epoch, amount, cumulativeAmount);
    }

    /// @dev Checks claims are not paused, advances `head` to the active epoch and returns it with its root.
    /// (Claims read the pause flag from `head` rather than through `whenNotPaused`: one slot read less.)
    function _activeRoot(Head head) private returns (Head, bytes32) {
        if (head.paused()) revert AMPEscrowPaused();
        if (head.nextActiveAt() <= block.timestamp) head = _advance(head);
        uint32 epoch = head.activeEpoch();
        if (epoch == 0) revert AMPEscrowNoActiveEpoch();
        return (head, _epochs[epoch].root);
    }

    /// @dev Moves the cursor over every epoch whose root has become active, adding their spend to the
    /// claimable balance. Epochs activate in order: activeAt grows with the epoch number.
    function _advance(Head head) private returns (Head) {
        uint40 next = head.nextActiveAt();
        if (next > block.timestamp) return head;
        uint32 e = head.activeEpoch();
        uint32 last = head.lastEpoch();
        uint128 activated;
        do {
            ++e;
            activated += _epochs[e].totalSpent;
            // The cast is safe: activeAt is a timestamp plus at most MAX_CHALLENGE_WINDOW.
            next = e < last ? uint40(_epochs[e + 1].activeAt) : NEVER;
        } while (next <= block.timestamp);
        _totals.activated += activated;
        return head.setActiveEpoch(e).setNextActiveAt(next).addClaimable(activated);
    }

    /// @dev The campaign, after checking it exists (every campaign has a non-zero promoter).
    function _campaign(uint256 campaignId) private view returns (Campaign storage campaign) {
        campaign = _campaigns[campaignId];
        if (campaign.promoter == address(0)) revert AMPEscrowUnknownCampaign(campaignId);
    }
}
