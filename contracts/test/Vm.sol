// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

// Tests favour readable require messages and bounds written as stated; `Vm`/`vm` follow Foundry's names.
/* solhint-disable gas-custom-errors, gas-strict-inequalities, gas-small-strings */
/* solhint-disable interface-starts-with-i, const-name-snakecase */

/// @notice The few cheatcodes the Solidity tests use (Hardhat implements Foundry's cheatcodes at this address).
interface Vm {
    function warp(uint256 newTimestamp) external;
    function prank(address msgSender) external;
    function startPrank(address msgSender) external;
    function stopPrank() external;
    function expectRevert(bytes calldata revertData) external;
    function expectRevert(bytes4 revertData) external;
    function expectRevert() external;
    function assume(bool condition) external pure;
    function addr(uint256 privateKey) external pure returns (address);
    function sign(uint256 privateKey, bytes32 digest) external pure returns (uint8 v, bytes32 r, bytes32 s);
    function getNonce(address account) external view returns (uint64 nonce);
    function chainId(uint256 newChainId) external;
}

/// @notice Test helpers: the cheatcode handle, bounded inputs and assertions with readable messages.
abstract contract TestBase {
    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    /// @dev Maps any `x` into [min, max] without rejecting inputs.
    function bound(uint256 x, uint256 min, uint256 max) internal pure returns (uint256) {
        require(min <= max, "bound: min > max");
        if (x >= min && x <= max) return x;
        uint256 size = max - min;
        if (size == type(uint256).max) return x;
        return min + (x % (size + 1));
    }

    function assertEq(uint256 a, uint256 b, string memory what) internal pure {
        require(a == b, what);
    }

    function assertLe(uint256 a, uint256 b, string memory what) internal pure {
        require(a <= b, what);
    }

    function assertTrue(bool condition, string memory what) internal pure {
        require(condition, what);
    }
}

/// @notice StandardMerkleTree-compatible trees built on-chain for tests (leaf count a power of two).
library TestTree {
    function leaf(address account, uint256 amount) internal pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(account, amount))));
    }

    function hashPair(bytes32 a, bytes32 b) internal pure returns (bytes32) {
        return a < b ? keccak256(abi.encode(a, b)) : keccak256(abi.encode(b, a));
    }

    /// @dev Root and proof of leaf `index` for `leaves` (length a power of two, at least 1).
    function rootAndProof(bytes32[] memory leaves, uint256 index)
        internal
        pure
        returns (bytes32 root, bytes32[] memory proof)
    {
        uint256 n = leaves.length;
        uint256 depth;
        while ((uint256(1) << depth) < n) ++depth;
        proof = new bytes32[](depth);
        bytes32[] memory level = leaves;
        for (uint256 d; d < depth; ++d) {
            proof[d] = level[index ^ 1];
            bytes32[] memory next = new bytes32[](level.length / 2);
            for (uint256 i; i < next.length; ++i) {
                next[i] = hashPair(level[2 * i], level[2 * i + 1]);
            }
            level = next;
            index /= 2;
        }
        root = level[0];
    }
}
