// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @dev The escrow's hot slot: everything a claim reads besides the account's claimed total, packed by
/// hand so that a claim reads one word and writes none (unless epochs activate). Layout (low to high
/// bits): rootHigh (176) | activeEpoch (32) | nextActiveAt (40) | paused (8).
/// - rootHigh: the high 176 bits of the active epoch's root (0 while no epoch is active). A proof pays
///   when the node it leads to agrees with them: forging one means finding a keccak256 preimage whose
///   high 176 bits hit a fixed target, 2^176 work. The full root stays in the epoch's record.
/// - activeEpoch: latest epoch known to be active (a cursor advanced lazily, see AMPEscrow).
/// - nextActiveAt: when epoch activeEpoch + 1 activates on the wall clock: its activation time on the
///   escrow's clock plus the seconds spent in ended pauses (unpausing adds the pause's length), or
///   NEVER when no later epoch may activate yet. While paused nothing activates and nothing is claimed.
type Head is uint256;

using HeadLibrary for Head global;

/// @title HeadLibrary
/// @notice Getters and setters of the packed `Head` word.
library HeadLibrary {
    uint256 internal constant MASK_32 = 0xffffffff;
    uint256 internal constant MASK_40 = 0xffffffffff;
    uint256 internal constant ROOT_BITS = 176;
    uint256 internal constant MASK_ROOT = (uint256(1) << ROOT_BITS) - 1;
    uint256 internal constant ACTIVE_EPOCH_OFFSET = 176;
    uint256 internal constant NEXT_ACTIVE_AT_OFFSET = 208;
    uint256 internal constant PAUSED_OFFSET = 248;

    /// @dev Whether `node` agrees with the active root in its high 176 bits.
    function matchesRoot(Head head, bytes32 node) internal pure returns (bool) {
        return uint256(node) >> (256 - ROOT_BITS) == Head.unwrap(head) & MASK_ROOT;
    }

    function rootHigh(Head head) internal pure returns (uint256) {
        return Head.unwrap(head) & MASK_ROOT;
    }

    function activeEpoch(Head head) internal pure returns (uint32) {
        return uint32(Head.unwrap(head) >> ACTIVE_EPOCH_OFFSET);
    }

    function nextActiveAt(Head head) internal pure returns (uint40) {
        return uint40(Head.unwrap(head) >> NEXT_ACTIVE_AT_OFFSET);
    }

    function paused(Head head) internal pure returns (bool) {
        return (Head.unwrap(head) >> PAUSED_OFFSET) & 1 == 1;
    }

    /// @dev Keeps the high 176 bits of `root`.
    function setRoot(Head head, bytes32 root) internal pure returns (Head) {
        return Head.wrap((Head.unwrap(head) & ~MASK_ROOT) | (uint256(root) >> (256 - ROOT_BITS)));
    }

    function setActiveEpoch(Head head, uint32 value) internal pure returns (Head) {
        return _set(head, ACTIVE_EPOCH_OFFSET, MASK_32, value);
    }

    function setNextActiveAt(Head head, uint40 value) internal pure returns (Head) {
        return _set(head, NEXT_ACTIVE_AT_OFFSET, MASK_40, value);
    }

    function setPaused(Head head, bool value) internal pure returns (Head) {
        return _set(head, PAUSED_OFFSET, 1, value ? 1 : 0);
    }

    function _set(Head head, uint256 offset, uint256 mask, uint256 value) private pure returns (Head) {
        return Head.wrap((Head.unwrap(head) & ~(mask << offset)) | (value << offset));
    }
}
