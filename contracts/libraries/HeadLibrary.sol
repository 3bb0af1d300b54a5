// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @dev The escrow's hot slot, packed by hand so that a claim reads it once and writes it with one
/// subtraction. Layout (low to high bits): claimable (96) | lastEpoch (32) | activeEpoch (32) |
/// nextActiveAt (40) | pausedTotal (40) | paused (8).
/// - claimable: rewards of activated epochs not yet claimed; claims can never take more. 96 bits hold
///   every amount of a token whose cap fits in 96 bits (AMP's 1e27 wei does; larger sums revert).
/// - activeEpoch: latest epoch known to be active (a cursor advanced lazily, see AMPEscrow).
/// - nextActiveAt: activation time of epoch activeEpoch + 1 on the escrow's clock, or NEVER when
///   activeEpoch == lastEpoch.
/// - pausedTotal: seconds the escrow has spent paused, ended pauses only. The escrow's clock is
///   block.timestamp - pausedTotal, frozen while paused, so a pause stops every challenge window.
type Head is uint256;

using HeadLibrary for Head global;

/// @title HeadLibrary
/// @notice Getters and setters of the packed `Head` word.
library HeadLibrary {
    uint256 internal constant MASK_32 = 0xffffffff;
    uint256 internal constant MASK_40 = 0xffffffffff;
    uint256 internal constant MASK_96 = type(uint96).max;
    uint256 internal constant LAST_EPOCH_OFFSET = 96;
    uint256 internal constant ACTIVE_EPOCH_OFFSET = 128;
    uint256 internal constant NEXT_ACTIVE_AT_OFFSET = 160;
    uint256 internal constant PAUSED_TOTAL_OFFSET = 200;
    uint256 internal constant PAUSED_OFFSET = 240;

    function claimable(Head head) internal pure returns (uint256) {
        return Head.unwrap(head) & MASK_96;
    }

    function lastEpoch(Head head) internal pure returns (uint32) {
        return uint32(Head.unwrap(head) >> LAST_EPOCH_OFFSET);
    }

    function activeEpoch(Head head) internal pure returns (uint32) {
        return uint32(Head.unwrap(head) >> ACTIVE_EPOCH_OFFSET);
    }

    function nextActiveAt(Head head) internal pure returns (uint40) {
        return uint40(Head.unwrap(head) >> NEXT_ACTIVE_AT_OFFSET);
    }

    function pausedTotal(Head head) internal pure returns (uint40) {
        return uint40(Head.unwrap(head) >> PAUSED_TOTAL_OFFSET);
    }

    function paused(Head head) internal pure returns (bool) {
        return (Head.unwrap(head) >> PAUSED_OFFSET) & 1 == 1;
    }

    /// @dev Adds to claimable; reverts if it would leave its 96 bits.
    function addClaimable(Head head, uint256 amount) internal pure returns (Head) {
        uint256 next = claimable(head) + amount;
        if (next > MASK_96) revert HeadLibraryOverflow(next);
        return Head.wrap((Head.unwrap(head) & ~MASK_96) | next);
    }

    /// @dev Subtracts from claimable. The caller checks amount <= claimable, so the low bits never borrow.
    function subClaimable(Head head, uint256 amount) internal pure returns (Head) {
        // Unchecked is safe: amount <= claimable (checked by the caller) keeps the subtraction in the low field.
        unchecked {
            return Head.wrap(Head.unwrap(head) - amount);
        }
    }

    function setLastEpoch(Head head, uint32 value) internal pure returns (Head) {
        return _set(head, LAST_EPOCH_OFFSET, MASK_32, value);
    }

    function setActiveEpoch(Head head, uint32 value) internal pure returns (Head) {
        return _set(head, ACTIVE_EPOCH_OFFSET, MASK_32, value);
    }

    function setNextActiveAt(Head head, uint40 value) internal pure returns (Head) {
        return _set(head, NEXT_ACTIVE_AT_OFFSET, MASK_40, value);
    }

    function setPausedTotal(Head head, uint40 value) internal pure returns (Head) {
        return _set(head, PAUSED_TOTAL_OFFSET, MASK_40, value);
    }

    function setPaused(Head head, bool value) internal pure returns (Head) {
        return _set(head, PAUSED_OFFSET, 1, value ? 1 : 0);
    }

    function _set(Head head, uint256 offset, uint256 mask, uint256 value) private pure returns (Head) {
        return Head.wrap((Head.unwrap(head) & ~(mask << offset)) | (value << offset));
    }

    /// @notice claimable would exceed 96 bits.
    error HeadLibraryOverflow(uint256 claimable);
}
