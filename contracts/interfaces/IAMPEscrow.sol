// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

// Bounds read as the spec states them (<=), and the spec fixes the event signatures (amounts are not
// filtered on, so they stay unindexed).
/* solhint-disable gas-strict-inequalities, gas-indexed-events */

/// @title IAMPEscrow
/// @notice Amplification escrow and reward claims in one contract, so that one token balance backs
/// them all: escrowed AMP >= unspent budgets + allocated-but-unclaimed rewards + credited refunds
/// + open dispute bonds + the dispute pool.
/// @dev Campaign and epoch ids start at 1. A settler posts, per epoch, the spend of each campaign
/// (at most MAX_SPENDS_PER_EPOCH of them) and the Merkle root of CUMULATIVE per-account rewards
/// (OpenZeppelin StandardMerkleTree with leaf types ["address", "uint256"]). A root becomes claimable
/// `challengeWindow` seconds of unpaused time after it was posted; until then a guardian may revoke it.
/// A pause stops settlement, activation (the window's clock), claims and campaigns alike.
/// Settler, guardian and pauser change only through a delay longer than the challenge window.
/// Events alone are enough to rebuild all state.
interface IAMPEscrow {
    /// @notice Deployment parameters.
    /// @param admin DEFAULT_ADMIN_ROLE (AccessControlDefaultAdminRules): schedules role changes.
    /// @param settler SETTLER_ROLE; settler, guardian and pauser are three distinct accounts.
    /// @param guardian GUARDIAN_ROLE: revokes pending roots, cancels scheduled role changes.
    /// @param pauser PAUSER_ROLE.
    /// @param adminDelay Seconds an admin transfer waits (AccessControlDefaultAdminRules).
    /// @param challengeWindow Seconds between settling a root and its activation: MIN_CHALLENGE_WINDOW
    /// (1 hour; 1 second on the local chain 31337) to MAX_CHALLENGE_WINDOW.
    /// @param epochLength The settler's period in seconds (views of one epoch), non-zero.
    /// @param settlementGrace Seconds after a campaign's expiry during which it can still be spent and
    /// not yet refunded; at least epochLength + challengeWindow.
    /// @param roleDelay Seconds a settler, guardian or pauser change waits; above challengeWindow.
    /// @param disputeBond AMP wei a disputer bonds (`dispute`), non-zero and below 2^96.
    /// @param disputeReward AMP wei an upheld dispute earns from the dispute pool (as much as it holds).
    /// @param disputePeriod Seconds the guardian has to resolve a dispute before anyone may expire it
    /// (treated as upheld), 1..MAX_DELAY.
    struct Config {
        address admin;
        address settler;
        address guardian;
        address pauser;
        uint48 adminDelay;
        uint64 challengeWindow;
        uint64 epochLength;
        uint64 settlementGrace;
        uint64 roleDelay;
        uint256 disputeBond;
        uint256 disputeReward;
        uint64 disputePeriod;
    }

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
    /// @notice The campaign closed after expiry plus the settlement grace; its unspent budget
    /// (`amount`) is credited to the promoter, who withdraws it. Spend that a later revoke gives
    /// back to a closed campaign joins the credit.
    event CampaignRefunded(uint256 indexed campaignId, address indexed promoter, uint256 amount);
    /// @notice The promoter withdrew `amount` of the campaign's refund credit.
    event RefundWithdrawn(uint256 indexed campaignId, address indexed promoter, uint256 amount);
    /// @notice Epoch `epoch` spent `amount` of a campaign's budget (one event per spend in `settle`).
    event CampaignSpent(uint256 indexed campaignId, uint64 indexed epoch, uint256 amount);
    /// @notice Epoch `epoch` was settled for views up to `periodEnd`; its root is claimable from
    /// `activeAt` unless a pause intervenes (a pause delays it by the pause's length).
    event EpochSettled(
        uint64 indexed epoch, bytes32 root, bytes32 inputsHash, uint256 totalSpent, uint64 activeAt, uint64 periodEnd
    );
    /// @notice The public inputs of epoch `epoch` (emitted by `settle` just before EpochSettled): the
    /// UTF-8 canonical JSON that names the log range, its export hash, the block the chain facts were
    /// read at, the algorithm and its parameters. Its keccak256 is the epoch's `inputsHash`.
    event EpochManifest(uint64 indexed epoch, bytes manifest);
    /// @notice The guardian revoked epochs `fromEpoch`..`toEpoch`; their spends go back to the campaigns
    /// (see EpochRevoked) and the settler re-settles from `fromEpoch`.
    event EpochsRevoked(uint64 indexed fromEpoch, uint64 toEpoch);
    /// @notice Every CampaignSpent of revoked epoch `epoch` is back in its campaign.
    event EpochRevoked(uint64 indexed epoch);
    /// @notice `amount` was paid to `account`, whose claimed total is now `cumulativeAmount`.
    event Claimed(address indexed account, uint64 indexed epoch, uint256 amount, uint256 cumulativeAmount);
    /// @notice The pauser stopped settlement, activation, claims, campaigns and refunds.
    event Paused(address account);
    /// @notice The pauser resumed; pending roots activate `pausedFor` seconds later than announced.
    event Unpaused(address account, uint64 pausedFor);
    /// @notice The admin scheduled granting (`grant`) or revoking `role` of `account`, from `readyAt`.
    event RoleChangeScheduled(bytes32 indexed role, address indexed account, bool grant, uint64 readyAt);
    /// @notice A scheduled role change took effect.
    event RoleChangeExecuted(bytes32 indexed role, address indexed account, bool grant);
    /// @notice `by` cancelled a scheduled role change.
    event RoleChangeCancelled(bytes32 indexed role, address indexed account, bool grant, address by);

    /// @notice `disputer` bonded `bond` against pending epoch `epoch`; until the guardian resolves it
    /// (or `deadline` passes), neither this root nor any later one activates.
    event EpochDisputed(uint64 indexed epoch, address indexed disputer, uint256 bond, uint64 deadline);
    /// @notice The dispute of `epoch` ended with `status` (2 upheld, 3 rejected, 4 expired) and paid
    /// `paidToDisputer` (bond plus reward when upheld, the bond when expired, nothing when rejected: the
    /// bond went to the dispute pool).
    event DisputeResolved(uint64 indexed epoch, address indexed disputer, uint8 status, uint256 paidToDisputer);
    /// @notice `funder` added `amount` to the dispute pool.
    event DisputePoolFunded(address indexed funder, uint256 amount);

    /// @notice The amount must be non-zero.
    error AMPEscrowZeroAmount();
    /// @notice The duration must be in 1..`max` seconds.
    error AMPEscrowInvalidDuration(uint64 duration, uint64 max);
    /// @notice The challenge window must be in `min`..`max` seconds.
    error AMPEscrowInvalidChallengeWindow(uint64 challengeWindow, uint64 min, uint64 max);
    /// @notice A deployment parameter is out of range (`name` says which).
    error AMPEscrowInvalidConfig(string name);
    /// @notice A constructor address is zero.
    error AMPEscrowZeroAddress();
    /// @notice Settler, guardian and pauser must be distinct accounts; `account` would hold two roles.
    error AMPEscrowRolesNotDistinct(address account);
    /// @notice `promoter` cannot be a promoter of record (zero, the escrow or the token).
    error AMPEscrowInvalidPromoter(address promoter);
    /// @notice The promoter's consent for `amplifyFor` is missing, wrong or used.
    error AMPEscrowInvalidConsent(address promoter);
    /// @notice The promoter's consent expired at `deadline`.
    error AMPEscrowConsentExpired(uint256 deadline);
    /// @notice No post has id `postId`.
    error AMPEscrowUnknownPost(uint256 postId);
    /// @notice No campaign has id `campaignId`.
    error AMPEscrowUnknownCampaign(uint256 campaignId);
    /// @notice The campaign expired at `expiresAt`; it can no longer be topped up.
    error AMPEscrowCampaignExpired(uint256 campaignId, uint64 expiresAt);
    /// @notice The campaign cannot be refunded before `refundableAt` (expiry plus the settlement grace).
    error AMPEscrowCampaignNotRefundable(uint256 campaignId, uint64 refundableAt);
    /// @notice The campaign was already refunded.
    error AMPEscrowCampaignRefunded(uint256 campaignId);
    /// @notice The campaign closed at `closedAt` (expiry plus the settlement grace); it can no longer be spent.
    error AMPEscrowCampaignClosed(uint256 campaignId, uint64 closedAt);
    /// @notice Only the campaign's promoter `promoter` may withdraw its refund.
    error AMPEscrowNotPromoter(uint256 campaignId, address promoter);
    /// @notice The campaign has no refund credit to withdraw.
    error AMPEscrowNothingToWithdraw(uint256 campaignId);
    /// @notice The permit failed and the allowance of `owner` (`allowance`) does not cover `amount`.
    error AMPEscrowPermitFailed(address owner, uint256 allowance, uint256 amount);
    /// @notice Settling `epoch` out of order; the next epoch is `expected`.
    error AMPEscrowEpochOutOfOrder(uint64 epoch, uint64 expected);
    /// @notice A settlement's period must end by the current block (`periodEnd` > `now`).
    error AMPEscrowInvalidPeriodEnd(uint64 periodEnd, uint64 now);
    /// @notice A settlement carries `count` spends; at most `max` fit in one epoch.
    error AMPEscrowTooManySpends(uint256 count, uint256 max);
    /// @notice Two parallel arrays differ in length.
    error AMPEscrowLengthMismatch(uint256 a, uint256 b);
    /// @notice A spend of `amount` exceeds what the campaign may give at the settlement's period end:
    /// `allowed` (its budget times the elapsed fraction of its life plus a day, minus what it spent).
    error AMPEscrowSpendExceedsEarned(uint256 campaignId, uint256 amount, uint256 allowed);
    /// @notice Revoked spends are still going back to their campaigns; call `restoreSpends` first.
    error AMPEscrowRestorePending();
    /// @notice `epoch` is not pending (settled, not revoked, not yet active).
    error AMPEscrowEpochNotPending(uint64 epoch);
    /// @notice No epoch is active yet.
    error AMPEscrowNoActiveEpoch();
    /// @notice The proof does not show (`account`, `cumulativeAmount`) in the active epoch's root.
    error AMPEscrowInvalidProof(address account, uint256 cumulativeAmount);
    /// @notice `account` already claimed `claimed` >= `cumulativeAmount`.
    error AMPEscrowNothingToClaim(address account, uint256 cumulativeAmount, uint256 claimed);
    /// @notice The contract is paused.
    error AMPEscrowPaused();
    /// @notice The contract is not paused.
    error AMPEscrowNotPaused();
    /// @notice Settler, guardian and pauser change only through `scheduleRoleChange`.
    error AMPEscrowRoleNeedsDelay(bytes32 role);
    /// @notice `role` is not one of settler, guardian, pauser.
    error AMPEscrowNotOperationalRole(bytes32 role);
    /// @notice The role change is not scheduled, or not ready before `readyAt`.
    error AMPEscrowRoleChangeNotReady(bytes32 role, address account, bool grant, uint64 readyAt);
    /// @notice The same role change is already scheduled.
    error AMPEscrowRoleChangeScheduled(bytes32 role, address account, bool grant);
    /// @notice `caller` may not cancel this role change.
    error AMPEscrowCannotCancel(address caller);
    /// @notice `epoch` cannot be disputed: not settled, revoked, or its challenge window is over.
    error AMPEscrowNotDisputable(uint64 epoch);
    /// @notice This settlement of `epoch` was already disputed.
    error AMPEscrowAlreadyDisputed(uint64 epoch);
    /// @notice `epoch` has no open dispute of its current settlement.
    error AMPEscrowDisputeNotOpen(uint64 epoch);
    /// @notice The dispute of `epoch` awaits the guardian until `deadline`.
    error AMPEscrowDisputeNotExpired(uint64 epoch, uint64 deadline);

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

    /// @notice `amplify` paid by the caller with `promoter` as promoter of record (receives refunds),
    /// who consented with an EIP-712 signature (EOA or ERC-1271, domain "AMPEscrow" version "1") of
    /// AmplifyFor(address promoter,uint256 postId,uint256 amount,uint64 duration,
    /// address payer,uint256 nonce,uint256 deadline) where payer is the caller and nonce is
    /// `nonces(promoter)`; each consent works once.
    function amplifyFor(
        address promoter,
        uint256 postId,
        uint256 amount,
        uint64 duration,
        uint256 deadline,
        bytes calldata signature
    ) external returns (uint256 campaignId);

    /// @notice Adds `amount`, paid by the caller, to a campaign's budget before it expires.
    function topUp(uint256 campaignId, uint256 amount) external;

    /// @notice Closes a campaign once expiry plus the settlement grace has passed: its unspent budget
    /// is credited to the promoter (withdrawn with `withdrawRefund`). Anyone may call, once.
    /// @return amount The credited amount (may be zero when the budget was spent).
    function refund(uint256 campaignId) external returns (uint256 amount);

    /// @notice Pays the promoter (the caller) the campaign's refund credit, closing the campaign first
    /// if it is refundable and still open.
    /// @return amount The amount paid.
    function withdrawRefund(uint256 campaignId) external returns (uint256 amount);

    /// @notice Settles epoch `lastEpoch() + 1` for views up to `periodEnd` (<= now): spends
    /// `amounts[i]` of each campaign `campaignIds[i]` and posts the root of cumulative rewards with the
    /// epoch's `manifest` (its public inputs, see EpochManifest); the inputs hash is keccak256(manifest).
    /// @dev SETTLER_ROLE, not paused, no revoked spends waiting to be restored. At most
    /// MAX_SPENDS_PER_EPOCH spends. A campaign is spendable until its expiry plus the settlement grace,
    /// never after its refund, never for a period ending before it started, and in total at most
    /// budget x min(1, (periodEnd - startsAt + PACING_SLACK) / (expiresAt - startsAt)).
    function settle(
        uint64 epoch,
        uint64 periodEnd,
        bytes32 root,
        bytes calldata manifest,
        uint256[] calldata campaignIds,
        uint256[] calldata amounts
    ) external;

    /// @notice Revokes pending epoch `epoch` and every later epoch at once (constant work), then gives up
    /// to `maxSteps` of their spends back to the campaigns (a step is a spend or an epoch finished; the
    /// rest through `restoreSpends`). An epoch at MAX_SPENDS_PER_EPOCH needs MAX_SPENDS_PER_EPOCH + 1.
    /// @dev GUARDIAN_ROLE, also while paused: a root pending when the pause began stays pending.
    function revoke(uint64 epoch, uint256 maxSteps) external;

    /// @notice Gives up to `maxSteps` revoked spends back to their campaigns (a step is a spend or an
    /// epoch finished). Anyone may call.
    /// @return done Whether every revoked spend is back.
    function restoreSpends(uint256 maxSteps) external returns (bool done);

    /// @notice Pays `account` its `cumulativeAmount` minus what it already claimed, proven against the
    /// latest active epoch's root, or, within FALLBACK_GRACE of that root's activation, the active root
    /// before it (so a claim racing the activation still goes through). Anyone may call; the tokens
    /// always go to `account`. Claims are paid from the escrow's own balance, which holds only the
    /// activated, unclaimed rewards: a claim above it reverts with the token's ERC20InsufficientBalance.
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

    /// @notice Bonds disputeBond() from the caller (transferFrom; approve first) against pending epoch
    /// `epoch`: settled, not revoked, inside its challenge window and not yet disputed. Until resolved,
    /// neither its root nor any later one activates. Allowed while paused (the window's clock stands still).
    function dispute(uint64 epoch) external;

    /// @notice GUARDIAN_ROLE: upheld, `epoch` and every later epoch are revoked (as `revoke`, restoring
    /// up to MAX_SPENDS_PER_EPOCH + 1 spends at once) and the disputer gets the bond back plus
    /// disputeReward() from the pool (as much as it holds); rejected, the bond goes to the pool and the
    /// root activates at the later of its announced activation and now (the window ran during the
    /// dispute; the guardian's review stands in for whatever was left of it).
    function resolveDispute(uint64 epoch, bool upheld) external;

    /// @notice Anyone: a dispute left unresolved past its deadline is treated as upheld without reward
    /// (revoked as `resolveDispute`, bond back). A dispute whose epoch was revoked otherwise (a revoke or
    /// an upheld dispute of an earlier epoch) can be expired at once, bond back.
    function expireDispute(uint64 epoch) external;

    /// @notice Adds `amount` (transferFrom the caller) to the pool that pays upheld disputes. Anyone.
    function fundDisputePool(uint256 amount) external;

    /// @notice The dispute of `epoch`'s latest disputed settlement. status: 0 none, 1 open, 2 upheld,
    /// 3 rejected, 4 expired; `deadline` is on the wall clock.
    function disputes(uint64 epoch)
        external
        view
        returns (address disputer, uint256 bond, uint64 deadline, uint8 status);

    /// @notice AMP wei bonded by each dispute.
    function disputeBond() external view returns (uint256);

    /// @notice AMP wei an upheld dispute earns from the pool.
    function disputeReward() external view returns (uint256);

    /// @notice AMP wei in the dispute pool.
    function disputePool() external view returns (uint256);

    /// @notice Stops settlement, activation, claims, campaigns and refunds. PAUSER_ROLE.
    function pause() external;

    /// @notice Resumes; pending roots' challenge windows continue where they stopped. PAUSER_ROLE.
    function unpause() external;

    /// @notice Schedules granting (`grant`) or revoking settler, guardian or pauser `role` of `account`,
    /// executable after `roleDelay()`. DEFAULT_ADMIN_ROLE.
    function scheduleRoleChange(bytes32 role, address account, bool grant) external;

    /// @notice Applies a scheduled role change whose delay passed. Anyone may call.
    function executeRoleChange(bytes32 role, address account, bool grant) external;

    /// @notice Cancels a scheduled role change: the admin, or a guardian (except its own role's revocation).
    function cancelRoleChange(bytes32 role, address account, bool grant) external;

    /// @notice When a scheduled role change becomes executable; 0 when none is scheduled.
    function roleChangeReadyAt(bytes32 role, address account, bool grant) external view returns (uint64);

    /// @notice A campaign (all zero when it does not exist).
    function campaigns(uint256 campaignId)
        external
        view
        returns (uint256 postId, address promoter, uint256 budget, uint256 spent, uint64 expiresAt, bool refunded);

    /// @notice A campaign's start, and the end of its settlement grace (after which it is refundable).
    function campaignTimes(uint256 campaignId) external view returns (uint64 startsAt, uint64 closesAt);

    /// @notice Budget not yet spent: zero once refunded, else budget - spent.
    function remaining(uint256 campaignId) external view returns (uint256);

    /// @notice What a settlement for views up to `periodEnd`, sent now, may still spend of the campaign.
    function spendable(uint256 campaignId, uint64 periodEnd) external view returns (uint256);

    /// @notice Refund credited to the campaign's promoter and not yet withdrawn.
    function refundCredit(uint256 campaignId) external view returns (uint256);

    /// @notice Number of campaigns; campaign ids are 1..campaignCount().
    function campaignCount() external view returns (uint256);

    /// @notice The last settled (not revoked) epoch; 0 before the first settlement.
    function lastEpoch() external view returns (uint64);

    /// @notice An epoch's record (`activeAt` on the wall clock, assuming no further pause). Epochs above
    /// `lastEpoch()` keep their revoked record until re-settled.
    function epochs(uint64 epoch)
        external
        view
        returns (bytes32 root, bytes32 inputsHash, uint64 activeAt, bool revoked, uint256 totalSpent);

    /// @notice The latest epoch whose root is claimable now; 0 when none.
    function activeEpoch() external view returns (uint64);

    /// @notice Whether revoked spends are still waiting to go back to their campaigns.
    function restorePending() external view returns (bool);

    /// @notice Cumulative amount already paid to `account`.
    function claimed(address account) external view returns (uint256);

    /// @notice Sum of the totalSpent of all settled, not revoked epochs.
    function totalAllocated() external view returns (uint256);

    /// @notice Sum of all claims paid: what activated epochs spent less the escrow's own balance (AMP
    /// sent straight to the escrow counts as unclaimed rewards).
    function totalClaimed() external view returns (uint256);

    /// @notice The AMPVault holding every escrowed AMP except the unclaimed rewards of active epochs
    /// (budgets, spends of pending epochs, refund credits, dispute bonds, the dispute pool). The escrow
    /// created it and alone can move its AMP; escrowed AMP is the balance of both.
    function vault() external view returns (address);

    /// @notice Whether the escrow is paused.
    function paused() external view returns (bool);

    /// @notice The AMP token escrowed.
    function token() external view returns (address);

    /// @notice The AMPSocial registry whose posts can be amplified.
    function social() external view returns (address);

    /// @notice Seconds of unpaused time between settling an epoch and its root becoming claimable.
    function challengeWindow() external view returns (uint64);

    /// @notice The settler's period, seconds.
    function epochLength() external view returns (uint64);

    /// @notice Seconds after expiry during which a campaign can still be spent and not yet refunded.
    function settlementGrace() external view returns (uint64);

    /// @notice Seconds a settler, guardian or pauser change waits.
    function roleDelay() external view returns (uint64);

    /// @notice The role allowed to settle epochs.
    function SETTLER_ROLE() external view returns (bytes32);
    /// @notice The role allowed to revoke pending epochs.
    function GUARDIAN_ROLE() external view returns (bytes32);
    /// @notice The role allowed to pause and unpause.
    function PAUSER_ROLE() external view returns (bytes32);
    /// @notice Longest campaign duration, in seconds.
    function MAX_DURATION() external view returns (uint64);
    /// @notice Most campaign spends one epoch may carry (settle and revoke of such an epoch fit well
    /// inside a 2^24-gas transaction).
    function MAX_SPENDS_PER_EPOCH() external view returns (uint256);
}
