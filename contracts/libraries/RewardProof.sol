// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title RewardProof
/// @notice Leaves and proofs of OpenZeppelin's StandardMerkleTree with leaf types ["address", "uint256"],
/// computed in scratch space: the same results as `MerkleProof.verifyCalldata` over
/// `keccak256(bytes.concat(keccak256(abi.encode(account, amount))))`, for less gas on the claim path.
library RewardProof {
    /// @notice The StandardMerkleTree leaf of (`account`, `amount`).
    function leaf(address account, uint256 amount) internal pure returns (bytes32 result) {
        assembly ("memory-safe") {
            mstore(0x00, account)
            mstore(0x20, amount)
            mstore(0x00, keccak256(0x00, 0x40))
            result := keccak256(0x00, 0x20)
        }
    }

    /// @notice Whether `proof` leads from `node` to `root`, hashing sorted pairs at every level.
    function verify(bytes32[] calldata proof, bytes32 root, bytes32 node) internal pure returns (bool) {
        return process(proof, node) == root;
    }

    /// @notice The root that `proof` leads to from `node`, hashing sorted pairs at every level.
    function process(bytes32[] calldata proof, bytes32 node) internal pure returns (bytes32 result) {
        assembly ("memory-safe") {
            let end := add(proof.offset, shl(5, proof.length))
            for { let p := proof.offset } lt(p, end) { p := add(p, 0x20) } {
                let sibling := calldataload(p)
                // The smaller of the pair goes first: slot 0x00 when node <= sibling, else 0x20.
                let swap := gt(node, sibling)
                mstore(shl(5, swap), node)
                mstore(shl(5, iszero(swap)), sibling)
                node := keccak256(0x00, 0x40)
            }
            result := node
        }
    }
}
