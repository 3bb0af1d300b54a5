// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

// Bounds read as the spec states them (<=), and the spec fixes the event signatures (amounts are not
// filtered on, so they stay unindexed).
/* solhint-disable gas-strict-inequalities, gas-indexed-events */

import {AccessControlDefaultAdminRules} from
    "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {AMPVault} from "./AMPVault.sol";
import {IAMPEscrow} from "./interfaces/IAMPEscrow.sol";
import {IAMPSocial} from "./interfaces/IAMPSocial.sol";
import {Head} from "./libraries/HeadLibrary.sol";
import {RewardProof} from "./libraries/RewardProof.sol";

/// @title AMPEscrow
/// @notice Amplification campaigns and epoch reward claims, backed by the AMP it and its vault hold.
/// @dev Storage is packed so that the hot paths touch few slots: a campaign is two slots, an epoch's
/// activation data one, and the `Head` word holds everything a claim reads besides the account's
/// claimed total (pause state, epoch cursor, next activation, the active root's high bits), so a claim
/// reads one shared slot and writes none. The escrow holds only the rewards of active epochs not yet
/// claimed; every other escrowed AMP (budgets, spends of pending epochs, refund credits, dispute bonds,
/// the dispute pool) sits in its `AMPVault`, and moves here as epochs activate. So the token's balance
/// check bounds what claims can take without a counter to write. Epochs carry the prefix sum of their
/// spend, so activating any number of epochs is one binary search (O(log n) reads) and one transfer,
/// and totals need no loop. Roots activate with the escrow's clock (block.timestamp minus the time
/// spent paused), so a pause stops every challenge window.
contract AMPEscrow is IAMPEscrow, AccessControlDefaultAdminRules, EIP712, Nonces, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @dev Two slots: [promoter | startsAt | expiresAt | refunded], [budget | spent | postId].
    struct Campaign {
        address promoter;
        uint40 startsAt;
        uint40 expiresAt;
        bool refunded;
        uint96 budget;
        uint96 spent;
        uint64 postId;
    }

    /// @dev `activeAt` is on the escrow's clock; `cumulativeSpent` sums totalSpent over epochs 1..this.
    struct Epoch {
        bytes32 root;
        bytes32 inputsHash;
        uint40 activeAt;
        uint40 periodEnd;
        uint16 spendCount;
        uint128 cumulativeSpent;
        uint32 generation;
    }

    /// @dev Revoked spends still to give back, from epoch `epoch` (its first `left` spends) down to
    /// `low`; nothing is pending while epoch < low. Also holds the last settled epoch (`lastEpoch`), the
    /// lowest epoch with an open dispute (`disputeBlock`, 0 when none: no epoch from it on activates) and
    /// the number of revocations so far (`generation`: a settlement of an epoch is (epoch, generation),
    /// so a dispute of a revoked settlement never applies to its re-settlement).
    struct Restore {
        uint32 low;
        uint32 epoch;
        uint32 left;
        uint32 lastEpoch;
        uint32 disputeBlock;
        uint32 generation;
    }

    /// @dev When the running pause began, and the seconds spent in ended pauses: the escrow's clock is
    /// block.timestamp - pausedTotal, frozen at pausedAt - pausedTotal while paused.
    struct PauseClock {
        uint40 pausedAt;
        uint40 pausedTotal;
    }

    /// @dev One slot: who disputed, until when the guardian may resolve (wall clock), the status and
    /// the generation of the disputed settlement (the bond is DISPUTE_BOND for every dispute).
    struct Dispute {
        address disputer;
        uint40 deadline;
        uint8 status;
        uint32 generation;
    }


    /// @dev A struct so that a claim computes the account's slot once for its read and its write.
    struct ClaimedTotal {
        uint256 amount;
    }

    /// @inheritdoc IAMPEscrow
    bytes32 public constant SETTLER_ROLE = keccak256("SETTLER_ROLE");
    /// @inheritdoc IAMPEscrow
    bytes32 public constant GUARDIAN_ROLE = keccak256("GUARDIAN_ROLE");
    /// @inheritdoc IAMPEscrow
    bytes32 public constant PAUSER_ROLE = keccak256("PAUSER_ROLE");
    /// @inheritdoc IAMPEscrow
    uint64 public constant MAX_DURATION = 365 days;
    /// @inheritdoc IAMPEscrow
    uint256 public constant MAX_SPENDS_PER_EPOCH = 400;
    /// @notice Longest challenge window accepted at deployment, in seconds.
    uint64 public constant MAX_CHALLENGE_WINDOW = 30 days;
    /// @notice Shortest challenge window accepted off the local chain, in seconds.
    uint64 public constant MIN_CHALLENGE_WINDOW = 1 hours;
    /// @notice Longest settlement grace and role delay accepted at deployment, in seconds.
    uint64 public constant MAX_DELAY = 90 days;
    /// @notice How far ahead of its elapsed life a campaign may be spent: a day's share of its budget.
    uint64 public constant PACING_SLACK = 1 days;
    /// @notice How long after a newer root activates a proof against the root before it still pays.
    uint64 public constant FALLBACK_GRACE = 10 minutes;
    /// @notice The local development chain, where the challenge window may be seconds.
    uint256 public constant LOCAL_CHAIN_ID = 31337;

    /// @dev EIP-712 type of the promoter's consent to `amplifyFor`.
    // solhint-disable-next-line gas-small-strings
    bytes32 private constant AMPLIFY_FOR_TYPEHASH = keccak256(
        // solhint-disable-next-line max-line-length
        "AmplifyFor(address promoter,uint256 postId,uint256 amount,uint64 duration,address payer,uint256 nonce,uint256 deadline)"
    );
    uint40 private constant NEVER = type(uint40).max;
    uint8 private constant DISPUTE_OPEN = 1;
    uint8 private constant DISPUTE_UPHELD = 2;
    uint8 private constant DISPUTE_REJECTED = 3;
    uint8 private constant DISPUTE_EXPIRED = 4;
    /// @dev Restore steps a dispute's revocation takes at once: a whole epoch at the spend cap.
    uint256 private constant DISPUTE_RESTORE_STEPS = MAX_SPENDS_PER_EPOCH + 1;

    IERC20 private immutable TOKEN;
    address private immutable VAULT;
    IAMPSocial private immutable SOCIAL;
    uint64 private immutable CHALLENGE_WINDOW;
    uint64 private immutable EPOCH_LENGTH;
    uint64 private immutable SETTLEMENT_GRACE;
    uint64 private immutable ROLE_DELAY;
    uint96 private immutable DISPUTE_BOND;
    uint96 private immutable DISPUTE_REWARD;
    uint64 private immutable DISPUTE_PERIOD;

    Head private _head;
    Restore private _restore;
    PauseClock private _pauseClock;
    /// @inheritdoc IAMPEscrow
    uint256 public campaignCount;
    mapping(uint256 campaignId => Campaign) private _campaigns;
    mapping(uint256 campaignId => uint256) private _withdrawn;
    mapping(uint64 epoch => Epoch) private _epochs;
    /// @dev Two spends per slot, [campaignId (32) | amount (96)] in each 128-bit half.
    mapping(uint64 epoch => mapping(uint256 index => uint256 pair)) private _spends;
    mapping(address account => ClaimedTotal) private _claimed;
    mapping(bytes32 change => uint64 readyAt) private _roleChanges;
    mapping(uint64 epoch => Dispute) private _disputes;
    /// @dev Epochs with an open dispute, 256 to a word, so finding the next one is cheap.
    mapping(uint256 word => uint256 bits) private _openDisputes;
    uint256 private _disputePool;

    modifier whenNotPaused() {
        _requireNotPaused();
        _;
    }

    /// @param token_ The AMP token.
    /// @param social_ The AMPSocial registry.
    /// @param config Roles, delays and windows (see IAMPEscrow.Config).
    constructor(IERC20 token_, IAMPSocial social_, Config memory config)
        AccessControlDefaultAdminRules(config.adminDelay, config.admin)
        EIP712("AMPEscrow", "1")
    {
        if (
            address(token_) == address(0) || address(social_) == address(0) || config.settler == address(0)
                || config.guardian == address(0) || config.pauser == address(0)
        ) revert AMPEscrowZeroAddress();
        if (config.settler == config.guardian || config.settler == config.pauser) {
            revert AMPEscrowRolesNotDistinct(config.settler);
        }
        if (config.guardian == config.pauser) revert AMPEscrowRolesNotDistinct(config.guardian);
        uint64 minWindow = block.chainid == LOCAL_CHAIN_ID ? 1 : MIN_CHALLENGE_WINDOW;
        if (config.challengeWindow < minWindow || config.challengeWindow > MAX_CHALLENGE_WINDOW) {
            revert AMPEscrowInvalidChallengeWindow(config.challengeWindow, minWindow, MAX_CHALLENGE_WINDOW);
        }
        if (config.epochLength == 0 || config.epochLength > MAX_DELAY) revert AMPEscrowInvalidConfig("epochLength");
        if (
            config.settlementGrace < config.epochLength + config.challengeWindow
                || config.settlementGrace > MAX_DELAY
        ) revert AMPEscrowInvalidConfig("settlementGrace");
        if (config.roleDelay <= config.challengeWindow || config.roleDelay > MAX_DELAY) {
            revert AMPEscrowInvalidConfig("roleDelay");
        }
        TOKEN = token_;
        SOCIAL = social_;
        CHALLENGE_WINDOW = config.challengeWindow;
        EPOCH_LENGTH = config.epochLength;
        SETTLEMENT_GRACE = config.settlementGrace;
        ROLE_DELAY = config.roleDelay;
        if (config.disputeBond == 0 || config.disputeBond > type(uint96).max) {
            revert AMPEscrowInvalidConfig("disputeBond");
        }
        if (config.disputeReward > type(uint96).max) revert AMPEscrowInvalidConfig("disputeReward");
        if (config.disputePeriod == 0 || config.disputePeriod > MAX_DELAY) {
            revert AMPEscrowInvalidConfig("disputePeriod");
        }
        DISPUTE_BOND = uint96(config.disputeBond);
        DISPUTE_REWARD = uint96(config.disputeReward);
        DISPUTE_PERIOD = config.disputePeriod;
        VAULT = address(new AMPVault(token_));
        _head = Head.wrap(0).setNextActiveAt(NEVER);
        _restore = Restore({low: 1, epoch: 0, left: 0, lastEpoch: 0, disputeBlock: 0, generation: 0});
        _grantRole(SETTLER_ROLE, config.settler);
        _grantRole(GUARDIAN_ROLE, config.guardian);
        _grantRole(PAUSER_ROLE, config.pauser);
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
    function amplifyFor(
        address promoter,
        uint256 postId,
        uint256 amount,
        uint64 duration,
        uint256 deadline,
        bytes calldata signature
    ) external whenNotPaused nonReentrant returns (uint256 campaignId) {
        if (promoter == address(0) || promoter == address(this) || promoter == address(TOKEN)) {
            revert AMPEscrowInvalidPromoter(promoter);
        }
        if (block.timestamp > deadline) revert AMPEscrowConsentExpired(deadline);
        _checkConsent(promoter, postId, amount, duration, deadline, signature);
        return _amplify(promoter, postId, amount, duration);
    }

    /// @inheritdoc IAMPEscrow
    function topUp(uint256 campaignId, uint256 amount) external whenNotPaused nonReentrant {
        if (amount == 0) revert AMPEscrowZeroAmount();
        Campaign storage campaign = _campaign(campaignId);
        // Refunds need expiry, so a campaign that has not expired was not refunded either.
        if (block.timestamp >= campaign.expiresAt) revert AMPEscrowCampaignExpired(campaignId, campaign.expiresAt);
        campaign.budget = SafeCast.toUint96(campaign.budget + amount);
        emit CampaignToppedUp(campaignId, msg.sender, amount);
        TOKEN.safeTransferFrom(msg.sender, VAULT, amount);
    }

    /// @inheritdoc IAMPEscrow
    function refund(uint256 campaignId) external whenNotPaused returns (uint256 amount) {
        return _close(campaignId, _campaign(campaignId));
    }

    /// @inheritdoc IAMPEscrow
    function withdrawRefund(uint256 campaignId) external whenNotPaused nonReentrant returns (uint256 amount) {
        Campaign storage campaign = _campaign(campaignId);
        address promoter = campaign.promoter;
        if (msg.sender != promoter) revert AMPEscrowNotPromoter(campaignId, promoter);
        if (!campaign.refunded) _close(campaignId, campaign);
        amount = _credit(campaignId, campaign);
        if (amount == 0) revert AMPEscrowNothingToWithdraw(campaignId);
        _withdrawn[campaignId] += amount;
        emit RefundWithdrawn(campaignId, promoter, amount);
        _pay(promoter, amount);
    }

    // ------------------------------------------------------------------ epochs

    /// @inheritdoc IAMPEscrow
    function settle(
        uint64 epoch,
        uint64 periodEnd,
        bytes32 root,
        bytes calldata manifest,
        uint256[] calldata campaignIds,
        uint256[] calldata amounts
    ) external onlyRole(SETTLER_ROLE) {
        _checkSettle(epoch, periodEnd);
        {
            Epoch storage record = _epochs[epoch];
            record.root = root;
            record.inputsHash = keccak256(manifest);
            emit EpochManifest(epoch, manifest);
        }
        (uint256 totalSpent, uint256 count) = _spendAll(epoch, periodEnd, campaignIds, amounts);
        _recordEpoch(epoch, periodEnd, totalSpent, count);
    }

    /// @inheritdoc IAMPEscrow
    function revoke(uint64 epoch, uint256 maxSteps) external onlyRole(GUARDIAN_ROLE) {
        _revoke(epoch, maxSteps);
    }

    /// @dev Revokes pending epoch `epoch` and every later one, then restores up to `maxSteps` spends.
    function _revoke(uint64 epoch, uint256 maxSteps) private {
        (Head head, uint256 activated) = _advance(_head);
        Restore memory restore = _restore;
        uint32 last = restore.lastEpoch;
        uint32 active = head.activeEpoch();
        if (epoch <= active || epoch > last) revert AMPEscrowEpochNotPending(epoch);
        // The cast is safe: epoch <= last, a uint32.
        uint32 from = uint32(epoch);
        restore.lastEpoch = from - 1;
        if (active == from - 1) head = head.setNextActiveAt(NEVER);
        _head = head;

        ++restore.generation;
        // Every open dispute from `from` on is about a revoked settlement now (expired at once, bond back).
        if (restore.disputeBlock >= from) restore.disputeBlock = 0;
        if (restore.epoch >= restore.low) {
            // A restore is still running over the epochs above `last`; the new range sits right below it.
            restore.low = from;
        } else {
            restore.low = from;
            restore.epoch = last;
            restore.left = _epochs[last].spendCount;
        }
        emit EpochsRevoked(epoch, last);
        _restore = _restoreSteps(restore, maxSteps);
        _pull(activated);
    }

    /// @inheritdoc IAMPEscrow
    function restoreSpends(uint256 maxSteps) external returns (bool done) {
        Restore memory restore = _restoreSteps(_restore, maxSteps);
        _restore = restore;
        return restore.epoch < restore.low;
    }

    // ------------------------------------------------------------------ claims

    /// @inheritdoc IAMPEscrow
    /// @dev No reentrancy guard on the hot path: its only external calls go to the immutable AMP token
    /// (OpenZeppelin ERC-20, no receiver hooks), made after every state change. The token reverts a
    /// transfer above the escrow's balance, which holds only activated, unclaimed rewards: that is
    /// the bound on what claims take.
    function claim(address account, uint256 cumulativeAmount, bytes32[] calldata proof)
        external
        returns (uint256 amount)
    {
        Head head = _head;
        if (head.paused()) revert AMPEscrowPaused();
        // Not paused, so nextActiveAt is on the wall clock.
        uint256 activated;
        if (head.nextActiveAt() <= block.timestamp) {
            (head, activated) = _advance(head);
            _head = head;
        }
        amount = _claim(head, account, cumulativeAmount, proof);
        _pull(activated);
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
        Head head = _head;
        if (head.paused()) revert AMPEscrowPaused();
        uint256 activated;
        if (head.nextActiveAt() <= block.timestamp) {
            (head, activated) = _advance(head);
            _head = head;
        }
        uint256[] memory paid = new uint256[](count);
        for (uint256 i; i < count; ++i) {
            paid[i] = _claim(head, accounts[i], cumulativeAmounts[i], proofs[i]);
            total += paid[i];
        }
        _pull(activated);
        for (uint256 i; i < count; ++i) {
            TOKEN.safeTransfer(accounts[i], paid[i]);
        }
    }

    // ------------------------------------------------------------------ disputes

    /// @inheritdoc IAMPEscrow
    function dispute(uint64 epoch) external nonReentrant {
        Head head = _head;
        Epoch storage record = _epochs[epoch];
        // A root whose window is over may be active already, or waits only on an earlier dispute (the
        // record of epoch 0 has activeAt 0; a revoked one lies above lastEpoch).
        if (epoch > _restore.lastEpoch || _clock(head) >= record.activeAt) revert AMPEscrowNotDisputable(epoch);
        Dispute storage d = _disputes[epoch];
        uint32 generation = record.generation;
        uint8 status = d.status;
        address previous = d.disputer;
        if (status != 0 && d.generation == generation) revert AMPEscrowAlreadyDisputed(epoch);
        // An open dispute of a revoked settlement of this epoch ends first: its bond goes back.
        if (status == DISPUTE_OPEN) _closeDispute(epoch, previous, DISPUTE_EXPIRED, DISPUTE_BOND);

        uint40 deadline = uint40(block.timestamp + DISPUTE_PERIOD);
        _disputes[epoch] = Dispute({
            disputer: msg.sender, deadline: deadline, status: DISPUTE_OPEN, generation: generation
        });
        _openDisputes[epoch >> 8] |= uint256(1) << (epoch & 0xff);
        // The cast is safe: epoch <= lastEpoch, a uint32.
        uint32 blocked = _restore.disputeBlock;
        if (blocked == 0 || epoch < blocked) {
            _restore.disputeBlock = uint32(epoch);
            // The disputed epoch is not active (its window runs), so it is above activeEpoch.
            if (head.activeEpoch() + 1 == epoch) _head = head.setNextActiveAt(NEVER);
        }
        emit EpochDisputed(epoch, msg.sender, DISPUTE_BOND, deadline);
        if (status == DISPUTE_OPEN) _pay(previous, DISPUTE_BOND);
        TOKEN.safeTransferFrom(msg.sender, VAULT, DISPUTE_BOND);
    }

    /// @inheritdoc IAMPEscrow
    function resolveDispute(uint64 epoch, bool upheld) external onlyRole(GUARDIAN_ROLE) nonReentrant {
        (address disputer,, bool live) = _openDispute(epoch);
        if (!live) revert AMPEscrowDisputeNotOpen(epoch);
        uint256 paid;
        if (upheld) {
            uint256 pool = _disputePool;
            uint256 reward = DISPUTE_REWARD < pool ? DISPUTE_REWARD : pool;
            _disputePool = pool - reward;
            paid = DISPUTE_BOND + reward;
            _closeDispute(epoch, disputer, DISPUTE_UPHELD, paid);
            _revoke(epoch, DISPUTE_RESTORE_STEPS);
        } else {
            _disputePool += DISPUTE_BOND;
            _closeDispute(epoch, disputer, DISPUTE_REJECTED, 0);
            _unblock(epoch);
        }
        if (paid != 0) _pay(disputer, paid);
    }

    /// @inheritdoc IAMPEscrow
    function expireDispute(uint64 epoch) external nonReentrant {
        (address disputer, uint40 deadline, bool live) = _openDispute(epoch);
        if (live && block.timestamp <= deadline) revert AMPEscrowDisputeNotExpired(epoch, deadline);
        _closeDispute(epoch, disputer, DISPUTE_EXPIRED, DISPUTE_BOND);
        if (live) _revoke(epoch, DISPUTE_RESTORE_STEPS);
        _pay(disputer, DISPUTE_BOND);
    }

    /// @inheritdoc IAMPEscrow
    function fundDisputePool(uint256 amount) external nonReentrant {
        if (amount == 0) revert AMPEscrowZeroAmount();
        _disputePool += amount;
        emit DisputePoolFunded(msg.sender, amount);
        TOKEN.safeTransferFrom(msg.sender, VAULT, amount);
    }

    /// @inheritdoc IAMPEscrow
    function disputes(uint64 epoch)
        external
        view
        returns (address disputer, uint256 bond, uint64 deadline, uint8 status)
    {
        Dispute storage d = _disputes[epoch];
        status = d.status;
        return (d.disputer, status == 0 ? 0 : DISPUTE_BOND, d.deadline, status);
    }

    /// @inheritdoc IAMPEscrow
    function disputeBond() external view returns (uint256) {
        return DISPUTE_BOND;
    }

    /// @inheritdoc IAMPEscrow
    function disputeReward() external view returns (uint256) {
        return DISPUTE_REWARD;
    }

    /// @inheritdoc IAMPEscrow
    function disputePool() external view returns (uint256) {
        return _disputePool;
    }

    // ------------------------------------------------------------------ pause

    /// @inheritdoc IAMPEscrow
    function pause() external onlyRole(PAUSER_ROLE) {
        Head head = _head;
        if (head.paused()) revert AMPEscrowPaused();
        // Activation is brought up to date first: roots whose window ended before the pause stay active.
        uint256 activated;
        (head, activated) = _advance(head);
        _head = head.setPaused(true);
        _pauseClock.pausedAt = uint40(block.timestamp);
        emit Paused(msg.sender);
        _pull(activated);
    }

    /// @inheritdoc IAMPEscrow
    function unpause() external onlyRole(PAUSER_ROLE) {
        Head head = _head;
        if (!head.paused()) revert AMPEscrowNotPaused();
        PauseClock memory clock = _pauseClock;
        // The casts are safe: timestamps fit in 40 bits for millennia.
        uint40 pausedFor = uint40(block.timestamp) - clock.pausedAt;
        _pauseClock.pausedTotal = clock.pausedTotal + pausedFor;
        // The pending activation moves with the escrow's clock.
        uint40 next = head.nextActiveAt();
        if (next != NEVER) head = head.setNextActiveAt(next + pausedFor);
        _head = head.setPaused(false);
        emit Unpaused(msg.sender, pausedFor);
    }

    // ------------------------------------------------------------------ roles

    /// @dev Settler, guardian and pauser change only through the delay.
    function grantRole(bytes32 role, address account)
        public
        override
    {
        if (_isOperational(role)) revert AMPEscrowRoleNeedsDelay(role);
        super.grantRole(role, account);
    }

    /// @dev Settler, guardian and pauser change only through the delay.
    function revokeRole(bytes32 role, address account)
        public
        override
    {
        if (_isOperational(role)) revert AMPEscrowRoleNeedsDelay(role);
        super.revokeRole(role, account);
    }

    /// @inheritdoc IAMPEscrow
    function scheduleRoleChange(bytes32 role, address account, bool grant) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (!_isOperational(role)) revert AMPEscrowNotOperationalRole(role);
        if (account == address(0)) revert AMPEscrowZeroAddress();
        bytes32 id = _changeId(role, account, grant);
        if (_roleChanges[id] != 0) revert AMPEscrowRoleChangeScheduled(role, account, grant);
        uint64 readyAt = uint64(block.timestamp) + ROLE_DELAY;
        _roleChanges[id] = readyAt;
        emit RoleChangeScheduled(role, account, grant, readyAt);
    }

    /// @inheritdoc IAMPEscrow
    function executeRoleChange(bytes32 role, address account, bool grant) external {
        bytes32 id = _changeId(role, account, grant);
        uint64 readyAt = _roleChanges[id];
        if (readyAt == 0 || block.timestamp < readyAt) {
            revert AMPEscrowRoleChangeNotReady(role, account, grant, readyAt);
        }
        delete _roleChanges[id];
        if (grant) {
            if (
                (role != SETTLER_ROLE && hasRole(SETTLER_ROLE, account))
                    || (role != GUARDIAN_ROLE && hasRole(GUARDIAN_ROLE, account))
                    || (role != PAUSER_ROLE && hasRole(PAUSER_ROLE, account))
            ) revert AMPEscrowRolesNotDistinct(account);
            _grantRole(role, account);
        } else {
            _revokeRole(role, account);
        }
        emit RoleChangeExecuted(role, account, grant);
    }

    /// @inheritdoc IAMPEscrow
    function cancelRoleChange(bytes32 role, address account, bool grant) external {
        bool admin = hasRole(DEFAULT_ADMIN_ROLE, msg.sender);
        bool guardian = hasRole(GUARDIAN_ROLE, msg.sender) && (grant || role != GUARDIAN_ROLE);
        if (!admin && !guardian) revert AMPEscrowCannotCancel(msg.sender);
        bytes32 id = _changeId(role, account, grant);
        if (_roleChanges[id] == 0) revert AMPEscrowRoleChangeNotReady(role, account, grant, 0);
        delete _roleChanges[id];
        emit RoleChangeCancelled(role, account, grant, msg.sender);
    }

    /// @inheritdoc IAMPEscrow
    function roleChangeReadyAt(bytes32 role, address account, bool grant) external view returns (uint64) {
        return _roleChanges[_changeId(role, account, grant)];
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
    function campaignTimes(uint256 campaignId) external view returns (uint64 startsAt, uint64 closesAt) {
        Campaign storage c = _campaigns[campaignId];
        if (c.promoter == address(0)) return (0, 0);
        return (c.startsAt, c.expiresAt + SETTLEMENT_GRACE);
    }

    /// @inheritdoc IAMPEscrow
    function remaining(uint256 campaignId) external view returns (uint256) {
        Campaign storage c = _campaigns[campaignId];
        return c.refunded ? 0 : c.budget - c.spent;
    }

    /// @inheritdoc IAMPEscrow
    function spendable(uint256 campaignId, uint64 periodEnd) external view returns (uint256) {
        Campaign storage c = _campaigns[campaignId];
        if (c.promoter == address(0) || c.refunded || block.timestamp >= c.expiresAt + SETTLEMENT_GRACE) return 0;
        uint256 earned = _earned(c, periodEnd);
        return earned > c.spent ? earned - c.spent : 0;
    }

    /// @inheritdoc IAMPEscrow
    function refundCredit(uint256 campaignId) external view returns (uint256) {
        Campaign storage c = _campaigns[campaignId];
        return c.refunded ? _credit(campaignId, c) : 0;
    }

    /// @inheritdoc IAMPEscrow
    function lastEpoch() external view returns (uint64) {
        return _restore.lastEpoch;
    }

    /// @inheritdoc IAMPEscrow
    function epochs(uint64 epoch)
        external
        view
        returns (bytes32 root, bytes32 inputsHash, uint64 activeAt, bool revoked, uint256 totalSpent)
    {
        Epoch storage e = _epochs[epoch];
        if (e.activeAt == 0) return (0, 0, 0, false, 0);
        uint256 previous = epoch == 0 ? 0 : _epochs[epoch - 1].cumulativeSpent;
        Head head = _head;
        // A revoked record's prefix sum may predate a re-settlement below it: report what it spent then.
        revoked = epoch > _restore.lastEpoch;
        totalSpent = revoked ? _spentOfRevoked(epoch) : e.cumulativeSpent - previous;
        return (e.root, e.inputsHash, e.activeAt + _pausedSoFar(head), revoked, totalSpent);
    }

    /// @inheritdoc IAMPEscrow
    function activeEpoch() external view returns (uint64) {
        (Head head,) = _advance(_head);
        return head.activeEpoch();
    }

    /// @inheritdoc IAMPEscrow
    function restorePending() external view returns (bool) {
        Restore memory restore = _restore;
        return restore.epoch >= restore.low;
    }

    /// @inheritdoc IAMPEscrow
    function claimed(address account) external view returns (uint256) {
        return _claimed[account].amount;
    }

    /// @inheritdoc IAMPEscrow
    function totalAllocated() external view returns (uint256) {
        return _epochs[_restore.lastEpoch].cumulativeSpent;
    }

    /// @inheritdoc IAMPEscrow
    function totalClaimed() external view returns (uint256) {
        // The escrow received what the epochs up to the cursor spent, and paid out only claims.
        uint256 activated = _epochs[_head.activeEpoch()].cumulativeSpent;
        uint256 held = TOKEN.balanceOf(address(this));
        return held < activated ? activated - held : 0;
    }

    /// @inheritdoc IAMPEscrow
    function vault() external view returns (address) {
        return VAULT;
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

    /// @inheritdoc IAMPEscrow
    function epochLength() external view returns (uint64) {
        return EPOCH_LENGTH;
    }

    /// @inheritdoc IAMPEscrow
    function settlementGrace() external view returns (uint64) {
        return SETTLEMENT_GRACE;
    }

    /// @inheritdoc IAMPEscrow
    function roleDelay() external view returns (uint64) {
        return ROLE_DELAY;
    }

    // ------------------------------------------------------------------ internals

    function _amplify(address promoter, uint256 postId, uint256 amount, uint64 duration)
        private
        returns (uint256 campaignId)
    {
        if (promoter == address(0) || promoter == address(this) || promoter == address(TOKEN)) {
            revert AMPEscrowInvalidPromoter(promoter);
        }
        if (amount == 0) revert AMPEscrowZeroAmount();
        if (duration == 0 || duration > MAX_DURATION) revert AMPEscrowInvalidDuration(duration, MAX_DURATION);
        if (postId == 0 || postId > SOCIAL.postCount()) revert AMPEscrowUnknownPost(postId);
        campaignId = ++campaignCount;
        // Spends pack campaign ids in 32 bits.
        SafeCast.toUint32(campaignId);
        uint40 expiresAt = SafeCast.toUint40(block.timestamp + duration);
        _campaigns[campaignId] = Campaign({
            promoter: promoter,
            startsAt: uint40(block.timestamp),
            expiresAt: expiresAt,
            refunded: false,
            budget: SafeCast.toUint96(amount),
            spent: 0,
            postId: SafeCast.toUint64(postId)
        });
        emit CampaignCreated(campaignId, postId, promoter, msg.sender, amount, expiresAt);
        TOKEN.safeTransferFrom(msg.sender, VAULT, amount);
    }

    /// @dev Checks (and uses up) the promoter's EIP-712 consent to a campaign paid by the caller.
    function _checkConsent(
        address promoter,
        uint256 postId,
        uint256 amount,
        uint64 duration,
        uint256 deadline,
        bytes calldata signature
    ) private {
        bytes32 structHash = keccak256(
            abi.encode(
                AMPLIFY_FOR_TYPEHASH, promoter, postId, amount, duration, msg.sender, _useNonce(promoter), deadline
            )
        );
        if (!SignatureChecker.isValidSignatureNow(promoter, _hashTypedDataV4(structHash), signature)) {
            revert AMPEscrowInvalidConsent(promoter);
        }
    }

    /// @dev Marks a campaign refunded once its settlement grace has passed; its unspent budget becomes credit.
    function _close(uint256 campaignId, Campaign storage campaign) private returns (uint256 amount) {
        uint64 refundableAt = campaign.expiresAt + SETTLEMENT_GRACE;
        if (block.timestamp < refundableAt) revert AMPEscrowCampaignNotRefundable(campaignId, refundableAt);
        if (campaign.refunded) revert AMPEscrowCampaignRefunded(campaignId);
        campaign.refunded = true;
        // Unchecked is safe: settle never lets spent exceed budget.
        unchecked {
            amount = campaign.budget - campaign.spent;
        }
        emit CampaignRefunded(campaignId, campaign.promoter, amount);
    }

    /// @dev Refund credit of a refunded campaign: unspent budget not yet withdrawn.
    function _credit(uint256 campaignId, Campaign storage campaign) private view returns (uint256) {
        // Unchecked is safe: spent <= budget, and withdrawals only take what budget - spent allowed.
        unchecked {
            return campaign.budget - campaign.spent - _withdrawn[campaignId];
        }
    }

    /// @dev What the campaign may have spent in total for views up to `periodEnd`: its budget times the
    /// elapsed fraction of its life with PACING_SLACK added (views paced over the life, up to a day
    /// ahead), nothing for a period ending before it started.
    function _earned(Campaign storage campaign, uint64 periodEnd) private view returns (uint256) {
        uint256 startsAt = campaign.startsAt;
        uint256 expiresAt = campaign.expiresAt;
        if (periodEnd < startsAt) return 0;
        uint256 elapsed = periodEnd - startsAt + PACING_SLACK;
        uint256 life = expiresAt - startsAt;
        if (elapsed >= life) return campaign.budget;
        // Unchecked is safe: elapsed < life < 2**40, and budget * elapsed fits in 136 bits.
        unchecked {
            return (uint256(campaign.budget) * elapsed) / life;
        }
    }

    /// @dev Checks that epoch `epoch` for views up to `periodEnd` may be settled now.
    function _checkSettle(uint64 epoch, uint64 periodEnd) private view {
        if (_head.paused()) revert AMPEscrowPaused();
        Restore memory restore = _restore;
        if (restore.epoch >= restore.low) revert AMPEscrowRestorePending();
        uint64 expected = uint64(restore.lastEpoch) + 1;
        if (epoch != expected) revert AMPEscrowEpochOutOfOrder(epoch, expected);
        if (periodEnd > block.timestamp) revert AMPEscrowInvalidPeriodEnd(periodEnd, uint64(block.timestamp));
    }

    /// @dev Completes a settled epoch's record (root and inputs hash are written) and moves the last
    /// epoch past it (the escrow is not paused: settle checked).
    function _recordEpoch(uint64 epoch, uint64 periodEnd, uint256 totalSpent, uint256 count) private {
        Head head = _head;
        Restore memory restore = _restore;
        uint32 last = restore.lastEpoch;
        uint40 pausedTotal = _pauseClock.pausedTotal;
        // The cast is safe: block.timestamp fits in 40 bits for millennia.
        uint40 activeAt = uint40(block.timestamp) - pausedTotal + uint40(CHALLENGE_WINDOW);
        Epoch storage record = _epochs[epoch];
        record.activeAt = activeAt;
        // The casts are safe: periodEnd <= block.timestamp, count <= MAX_SPENDS_PER_EPOCH.
        record.periodEnd = uint40(periodEnd);
        record.spendCount = uint16(count);
        record.cumulativeSpent = SafeCast.toUint128(_epochs[last].cumulativeSpent + totalSpent);
        record.generation = restore.generation;
        if (head.activeEpoch() == last) _head = head.setNextActiveAt(activeAt + pausedTotal);
        _restore.lastEpoch = SafeCast.toUint32(epoch);
        emit EpochSettled(epoch, record.root, record.inputsHash, totalSpent, activeAt + pausedTotal, periodEnd);
    }

    /// @dev Books every spend of a settlement, two to a storage slot; returns their sum and count.
    function _spendAll(uint64 epoch, uint64 periodEnd, uint256[] calldata campaignIds, uint256[] calldata amounts)
        private
        returns (uint256 totalSpent, uint256 count)
    {
        count = campaignIds.length;
        if (count != amounts.length) revert AMPEscrowLengthMismatch(count, amounts.length);
        if (count > MAX_SPENDS_PER_EPOCH) revert AMPEscrowTooManySpends(count, MAX_SPENDS_PER_EPOCH);
        mapping(uint256 index => uint256 pair) storage spends = _spends[epoch];
        uint256 pair;
        for (uint256 i; i < count; ++i) {
            uint256 amount = amounts[i];
            uint256 campaignId = campaignIds[i];
            _spend(epoch, periodEnd, campaignId, amount);
            totalSpent += amount;
            // The packing is exact: _spend checked amount against a uint96 budget, and campaign ids fit
            // in 32 bits (checked at creation).
            uint256 packed = (campaignId << 96) | amount;
            if (i & 1 == 0) {
                pair = packed;
                if (i + 1 == count) spends[i >> 1] = pair;
            } else {
                spends[i >> 1] = pair | (packed << 128);
            }
        }
    }

    /// @dev Books one campaign spend of a settlement.
    function _spend(uint64 epoch, uint64 periodEnd, uint256 campaignId, uint256 amount) private {
        if (amount == 0) revert AMPEscrowZeroAmount();
        Campaign storage campaign = _campaign(campaignId);
        if (campaign.refunded) revert AMPEscrowCampaignRefunded(campaignId);
        uint64 closesAt = campaign.expiresAt + SETTLEMENT_GRACE;
        if (block.timestamp >= closesAt) revert AMPEscrowCampaignClosed(campaignId, closesAt);
        uint256 spent = campaign.spent;
        uint256 earned = _earned(campaign, periodEnd);
        uint256 allowed = earned > spent ? earned - spent : 0;
        if (amount > allowed) revert AMPEscrowSpendExceedsEarned(campaignId, amount, allowed);
        // The cast is safe: spent + amount <= earned <= budget, a uint96.
        campaign.spent = uint96(spent + amount);
        emit CampaignSpent(campaignId, epoch, amount);
    }

    /// @dev Gives up to `steps` revoked spends back to their campaigns, from the top epoch down; emits
    /// EpochRevoked as each epoch finishes.
    function _restoreSteps(Restore memory restore, uint256 steps) private returns (Restore memory) {
        uint32 low = restore.low;
        uint32 epoch = restore.epoch;
        uint32 left = restore.left;
        while (epoch >= low && steps != 0) {
            // Unchecked is safe: steps != 0, left != 0 where decremented, epoch >= low >= 1.
            unchecked {
                --steps;
                if (left != 0) {
                    --left;
                    uint256 pair = _spends[epoch][left >> 1];
                    uint256 packed = left & 1 == 0 ? pair & type(uint128).max : pair >> 128;
                    // This epoch added `amount` to `spent`, and only this restore removes it.
                    _campaigns[packed >> 96].spent -= uint96(packed);
                } else {
                    emit EpochRevoked(epoch);
                    --epoch;
                    if (epoch >= low) left = _epochs[epoch].spendCount;
                }
            }
        }
        restore.epoch = epoch;
        restore.left = left;
        return restore;
    }

    /// @dev Total spent by a revoked epoch, from its spends (the prefix sum below it may have changed).
    function _spentOfRevoked(uint64 epoch) private view returns (uint256 total) {
        uint256 count = _epochs[epoch].spendCount;
        for (uint256 i; i < count; ++i) {
            uint256 pair = _spends[epoch][i >> 1];
            total += uint96(i & 1 == 0 ? pair : pair >> 128);
        }
    }

    /// @dev Verifies one claim against the active root (its high bits in `head`) and books it.
    function _claim(Head head, address account, uint256 cumulativeAmount, bytes32[] calldata proof)
        private
        returns (uint256 amount)
    {
        bytes32 node = RewardProof.process(proof, RewardProof.leaf(account, cumulativeAmount));
        uint32 epoch = head.activeEpoch();
        if (!head.matchesRoot(node)) {
            if (epoch == 0) revert AMPEscrowNoActiveEpoch();
            // A proof for the previous active root still pays for FALLBACK_GRACE after the newer root
            // activated: a claim sent just before would otherwise revert. Past that, only the newest
            // root pays, so a superseded amount cannot be taken after a correction.
            if (
                epoch < 2 || _clock(head) >= _epochs[epoch].activeAt + FALLBACK_GRACE
                    || node != _epochs[epoch - 1].root
            ) {
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
        total.amount = cumulativeAmount;
        emit Claimed(account, epoch, amount, cumulativeAmount);
    }

    /// @dev Moves the cursor in `head` to the latest epoch active now on the escrow's clock; returns
    /// it and what the epochs passed over spent (their prefix sums, so the cost is one binary search),
    /// which the caller pulls from the vault with `_pull`.
    function _advance(Head head) private view returns (Head, uint256 activated) {
        PauseClock memory pc = _pauseClock;
        // nextActiveAt is on the wall clock; while paused the clock stands at pausedAt.
        uint40 wall = head.paused() ? pc.pausedAt : uint40(block.timestamp);
        if (head.nextActiveAt() > wall) return (head, 0);
        Restore memory restore = _restore;
        uint32 active = head.activeEpoch();
        // nextActiveAt is NEVER unless epoch active + 1 may activate, so cap > active here.
        uint32 cap = _activationCap(restore.lastEpoch, restore.disputeBlock);
        uint32 e = _search(active + 1, cap, wall - pc.pausedTotal);
        activated = _epochs[e].cumulativeSpent - _epochs[active].cumulativeSpent;
        uint40 next = e < cap ? _epochs[e + 1].activeAt + pc.pausedTotal : NEVER;
        return (head.setActiveEpoch(e).setNextActiveAt(next).setRoot(_epochs[e].root), activated);
    }

    /// @dev The last epoch that may activate: the last settled one, or the one below the lowest open dispute.
    function _activationCap(uint32 last, uint32 disputeBlock) private pure returns (uint32) {
        // Unchecked is safe: disputeBlock != 0 where decremented.
        unchecked {
            return disputeBlock != 0 && disputeBlock <= last ? disputeBlock - 1 : last;
        }
    }

    /// @dev `head` with nextActiveAt set for the cap that `disputeBlock` gives.
    function _withNextActiveAt(Head head, uint32 last, uint32 disputeBlock) private view returns (Head) {
        uint32 active = head.activeEpoch();
        return head.setNextActiveAt(
            active < _activationCap(last, disputeBlock)
                ? _epochs[active + 1].activeAt + _pauseClock.pausedTotal
                : NEVER
        );
    }

    /// @dev The latest epoch in [lo, hi] active at `clock`, given that epoch lo is (activation times
    /// grow with the epoch number).
    function _search(uint32 lo, uint32 hi, uint40 clock) private view returns (uint32) {
        while (lo < hi) {
            // Unchecked is safe: lo < hi <= 2**32 - 1, so the sum fits in 33 bits and mid > lo.
            unchecked {
                uint32 mid = uint32((uint256(lo) + hi + 1) >> 1);
                if (_epochs[mid].activeAt <= clock) lo = mid;
                else hi = mid - 1;
            }
        }
        return lo;
    }

    /// @dev The escrow's clock: block.timestamp minus the time spent paused; frozen while paused.
    function _clock(Head head) private view returns (uint40) {
        PauseClock memory pc = _pauseClock;
        // The casts are safe: timestamps fit in 40 bits for millennia, and pauses lie in the past.
        uint40 at = head.paused() ? pc.pausedAt : uint40(block.timestamp);
        return at - pc.pausedTotal;
    }

    /// @dev Seconds paused so far, the running pause included.
    function _pausedSoFar(Head head) private view returns (uint40) {
        PauseClock memory pc = _pauseClock;
        return head.paused() ? pc.pausedTotal + (uint40(block.timestamp) - pc.pausedAt) : pc.pausedTotal;
    }

    /// @dev The open dispute of `epoch`, and whether it is live: about the current settlement of
    /// `epoch` (not revoked since) rather than a revoked one.
    function _openDispute(uint64 epoch) private view returns (address disputer, uint40 deadline, bool live) {
        Dispute storage d = _disputes[epoch];
        if (d.status != DISPUTE_OPEN) revert AMPEscrowDisputeNotOpen(epoch);
        live = epoch <= _restore.lastEpoch && _epochs[epoch].generation == d.generation;
        return (d.disputer, d.deadline, live);
    }

    /// @dev Ends an open dispute with `status`.
    function _closeDispute(uint64 epoch, address disputer, uint8 status, uint256 paid) private {
        _disputes[epoch].status = status;
        _openDisputes[epoch >> 8] &= ~(uint256(1) << (epoch & 0xff));
        emit DisputeResolved(epoch, disputer, status, paid);
    }

    /// @dev After a rejected dispute of `epoch`: when it was the lowest open one, the block moves to the
    /// next live open dispute above it (or lifts), and the activation cursor sees the new cap.
    function _unblock(uint64 epoch) private {
        if (_restore.disputeBlock != epoch) return;
        uint32 last = _restore.lastEpoch;
        uint32 next;
        for (uint256 e = epoch + 1; e <= last;) {
            uint256 bits = _openDisputes[e >> 8] >> (e & 0xff);
            if (bits == 0) {
                e = ((e >> 8) + 1) << 8;
                continue;
            }
            while (bits & 1 == 0) {
                bits >>= 1;
                ++e;
            }
            // The casts are safe: e <= last, a uint32.
            if (e <= last && _disputes[uint64(e)].generation == _epochs[uint64(e)].generation) {
                next = uint32(e);
                break;
            }
            ++e;
        }
        _restore.disputeBlock = next;
        _head = _withNextActiveAt(_head, last, next);
    }

    /// @dev Moves `amount` of activated rewards from the vault to the escrow, which pays claims from them.
    function _pull(uint256 amount) private {
        if (amount != 0) TOKEN.safeTransferFrom(VAULT, address(this), amount);
    }

    /// @dev Pays `amount` from the vault (refund credits, bonds, dispute rewards) to `to`.
    function _pay(address to, uint256 amount) private {
        TOKEN.safeTransferFrom(VAULT, to, amount);
    }

    function _requireNotPaused() private view {
        if (_head.paused()) revert AMPEscrowPaused();
    }

    function _isOperational(bytes32 role) private pure returns (bool) {
        return role == SETTLER_ROLE || role == GUARDIAN_ROLE || role == PAUSER_ROLE;
    }

    function _changeId(bytes32 role, address account, bool grant) private pure returns (bytes32) {
        return keccak256(abi.encode(role, account, grant));
    }

    /// @dev The campaign, after checking it exists (every campaign has a non-zero promoter).
    function _campaign(uint256 campaignId) private view returns (Campaign storage campaign) {
        campaign = _campaigns[campaignId];
        if (campaign.promoter == address(0)) revert AMPEscrowUnknownCampaign(campaignId);
    }
}
