// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

// Bounds read as the spec states them (<=), and the spec fixes the event signatures (amounts are not
// filtered on, so they stay unindexed).
/* solhint-disable gas-strict-inequalities, gas-indexed-events */

/// @title IAMPEscrow
/// @notice Amplification escrow and reward claims in one contract, so that one token balance
/// backs both: escrowed AMP >= unspent budgets + allocated-but-unclaimed rewards, always.
/// @dev Campaign and epoch ids start at 1. A settler posts, per epoch, the spend of each campaign
/// and the Merkle root of CUMULATIVE per-account rewards (OpenZeppelin StandardMerkleTree with leaf
/// types ["address", "uint256"]). A root becomes claimable `challengeWindow` seconds after it was
/// posted; until then a guardian may revoke it. Events alone are enough to rebuild all state.
interface IAMPEscrow {
    /// @notice A campaign escrowing `budget` for `postId` was created; `payer` paid, `promoter` is of record.
    event CampaignCreated(
        uint256 indexed campaignId,
        uint256 indexed postId,
        address indexed promoter,
        address payer,
        uint256 budget,
        uint64 expiresAt
    );
    /// @notice `payer` added `amount` to a campaign's budget.
    event CampaignToppedUp(uint256 indexed campaignId, address indexed payer, uint256 amount);
    /// @notice `amount` of unspent budget went back to the promoter. Emitted once by `refund`, and again
    /// by `revoke` when a revoked epoch had spent from an already refunded campaign.
    event CampaignRefunded(uint256 indexed campaignId, address indexed promoter, uint256 amount);
    /// @notice Epoch `epoch` spent `amount` of a campaign's budget (one event per campaign in `settle`).
    event CampaignSpent(uint256 indexed campaignId, uint64 indexed epoch, uint256 amount);
    /// @notice Epoch `epoch` was settled; its root is claimable from `activeAt`.
    event EpochSettled(uint64 indexed epoch, bytes32 root, bytes32 inputsHash, uint256 totalSpent, uint64 activeAt);
    /// @notice A pending epoch was revoked; its CampaignSpent amounts went back to the campaigns.
    event EpochRevoked(uint64 indexed epoch);
    /// @notice `amount` was paid to `account`, whose claimed total is now `cumulativeAmount`.
    event Claimed(address indexed account, uint64 indexed epoch, uint256 amount, uint256 cumulativeAmount);
    /// @notice The pauser stopped amplify, topUp and claims.
    event Paused(address account);
    /// @notice The pauser resumed amplify, topUp and claims.
    event Unpaused(address account);

    /// @notice The amount must be non-zero.
    error AMPEscrowZeroAmount();
    /// @notice The duration must be in 1..`max` seconds.
    error AMPEscrowInvalidDuration(uint64 duration, uint64 max);
    /// @notice The challenge window must be at most `max` seconds.
    error AMPEscrowInvalidChallengeWindow(uint64 challengeWindow, uint64 max);
    /// @notice A constructor address is zero.
    error AMPEscrowZeroAddress();
    /// @notice The promoter of record cannot be the zero address.
    error AMPEscrowInvalidPromoter(address promoter);
    /// @notice No post has id `postId`.
    error AMPEscrowUnknownPost(uint256 postId);
    /// @notice No campaign has id `campaignId`.
    error AMPEscrowUnknownCampaign(uint256 campaignId);
    /// @notice The campaign expired at `expiresAt`; it can no longer be topped up.
    error AMPEscrowCampaignExpired(uint256 campaignId, uint64 expiresAt);
    /// @notice The campaign runs until `expiresAt`; it cannot be refunded before.
    error AMPEscrowCampaignNotExpired(uint256 campaignId, uint64 expiresAt);
    /// @notice The campaign was already refunded.
    error AMPEscrowCampaignRefunded(uint256 campaignId);
    /// @notice The permit failed and the allowance of `owner` (`allowance`) does not cover `amount`.
    error AMPEscrowPermitFailed(address owner, uint256 allowance, uint256 amount);
    /// @notice Settling `epoch` out of order; the next epoch is `expected`.
    error AMPEscrowEpochOutOfOrder(uint64 epoch, uint64 expected);
    /// @notice Two parallel arrays differ in length.
    error AMPEscrowLengthMismatch(uint256 a, uint256 b);
    /// @notice A spend of `amount` exceeds the campaign's `remaining` budget.
    error AMPEscrowSpendExceedsRemaining(uint256 campaignId, uint256 amount, uint256 remaining);
    /// @notice `epoch` is not pending (settled, not revoked, not yet active).
    error AMPEscrowEpochNotPending(uint64 epoch);
    /// @notice No epoch is active yet.
    error AMPEscrowNoActiveEpoch();
    /// @notice The proof does not show (`account`, `cumulativeAmount`) in the active epoch's root.
    error AMPEscrowInvalidProof(address account, uint256 cumulativeAmount);
    /// @notice `account` already claimed `claimed` >= `cumulativeAmount`.
    error AMPEscrowNothingToClaim(address account, uint256 cumulativeAmount, uint256 claimed);
    /// @notice A claim of `amount` exceeds the `available` rewards of active epochs not yet claimed.
    error AMPEscrowClaimExceedsAllocation(uint256 amount, uint256 available);
    /// @notice The contract is paused.
    error AMPEscrowPaused();
    /// @notice The contract is not paused.
    error AMPEscrowNotPaused();

    /// @notice Escrows `amount` from the caller as a campaign for `postId`, promoted by the caller.
    /// @param postId An existing AMPSocial post.
    /// @param amount Budget in AMP wei (non-zero); the caller must have approved it.
    /// @param duration Seconds from now until the campaign expires, 1..MAX_DURATION.
    /// @return campaignId The new campaign's id.
    function amplify(uint256 postId, uint256 amount, uint64 duration) external returns (uint256 campaignId);

    /// @notice `amplify` with an EIP-2612 permit for `amount` signed by the caller, in one transaction.
    /// @dev A permit that fails (e.g. front-run) is ignored when the allowance already covers `amount`.
    function amplifyWithPermit(
        uint256 postId,
        uint256 amount,
        uint64 duration,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external returns (uint256 campaignId);

    /// @notice `amplify` paid by the caller with `promoter` as promoter of record (receives refunds).
    function amplifyFor(address promoter, uint256 postId, uint256 amount, uint64 duration)
        external
        returns (uint256 campaignId);

    /// @notice Adds `amount`, paid by the caller, to a campaign's budget before it expires.
    function topUp(uint256 campaignId, uint256 amount) external;

    /// @notice After expiry, sends the unspent budget to the promoter, once. Anyone may call.
    /// @return amount The refunded amount (may be zero when the budget was spent).
    function refund(uint256 campaignId) external returns (uint256 amount);

    /// @notice Settles epoch `lastEpoch() + 1`: spends `amounts[i]` of each campaign `campaignIds[i]`
    /// and posts the root of cumulative rewards, claimable from `block.timestamp + challengeWindow`.
    /// @dev SETTLER_ROLE. Each amount is non-zero and at most the campaign's remaining budget; a refunded
    /// campaign cannot be spent, an expired but unrefunded one can (its views happened before expiry).
    function settle(
        uint64 epoch,
        bytes32 root,
        bytes32 inputsHash,
        uint256[] calldata campaignIds,
        uint256[] calldata amounts
    ) external;

    /// @notice Revokes pending epoch `epoch` and every later epoch, restoring their campaign spends;
    /// the settler then re-settles from epoch number `epoch`.
    /// @dev GUARDIAN_ROLE. Spend restored to a campaign that was refunded meanwhile goes to its promoter.
    function revoke(uint64 epoch) external;

    /// @notice Pays `account` its `cumulativeAmount` minus what it already claimed, proven against the
    /// latest active epoch's root, or the active root before it (so a claim racing the activation of
    /// a newer root still goes through). Anyone may call; the tokens always go to `account`.
    /// @return amount The amount paid.
    function claim(address account, uint256 cumulativeAmount, bytes32[] calldata proof)
        external
        returns (uint256 amount);

    /// @notice `claim` for several accounts; reverts entirely if one claim fails.
    /// @return total The total amount paid.
    function claimBatch(
        address[] calldata accounts,
        uint256[] calldata cumulativeAmounts,
        bytes32[][] calldata proofs
    ) external returns (uint256 total);

    /// @notice Stops amplify*, topUp and claims. PAUSER_ROLE.
    function pause() external;

    /// @notice Resumes amplify*, topUp and claims. PAUSER_ROLE.
    function unpause() external;

    /// @notice A campaign (all zero when it does not exist).
    function campaigns(uint256 campaignId)
        external
        view
        returns (uint256 postId, address promoter, uint256 budget, uint256 spent, uint64 expiresAt, bool refunded);

    /// @notice Budget still spendable by settlements: zero once refunded, else budget - spent.
    function remaining(uint256 campaignId) external view returns (uint256);

    /// @notice Number of campaigns; campaign ids are 1..campaignCount().
    function campaignCount() external view returns (uint256);

    /// @notice The last settled (not revoked) epoch; 0 before the first settlement.
    function lastEpoch() external view returns (uint64);

    /// @notice An epoch's record. After a revoke, epochs above `lastEpoch()` keep their revoked record
    /// until re-settled.
    function epochs(uint64 epoch)
        external
        view
        returns (bytes32 root, bytes32 inputsHash, uint64 activeAt, bool revoked, uint256 totalSpent);

    /// @notice The latest epoch whose root is claimable now; 0 when none.
    function activeEpoch() external view returns (uint64);

    /// @notice Cumulative amount already paid to `account`.
    function claimed(address account) external view returns (uint256);

    /// @notice Sum of the totalSpent of all settled, not revoked epochs.
    function totalAllocated() external view returns (uint256);

    /// @notice Sum of all claims paid.
    function totalClaimed() external view returns (uint256);

    /// @notice Whether amplify*, topUp and claims are stopped.
    function paused() external view returns (bool);

    /// @notice The AMP token escrowed.
    function token() external view returns (address);

    /// @notice The AMPSocial registry whose posts can be amplified.
    function social() external view returns (address);

    /// @notice Seconds between settling an epoch and its root becoming claimable.
    function challengeWindow() external view returns (uint64);

    /// @notice The role allowed to settle epochs.
    function SETTLER_ROLE() external view returns (bytes32);
    /// @notice The role allowed to revoke pending epochs.
    function GUARDIAN_ROLE() external view returns (bytes32);
    /// @notice The role allowed to pause and unpause.
    function PAUSER_ROLE() external view returns (bytes32);
    /// @notice Longest campaign duration, in seconds.
    function MAX_DURATION() external view returns (uint64);
}
