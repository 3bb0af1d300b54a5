// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

// Tests favour readable require messages and bounds written as stated.
/* solhint-disable gas-custom-errors, gas-strict-inequalities, gas-small-strings */

import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {RewardProof} from "../libraries/RewardProof.sol";
import {TestBase, TestTree} from "./Vm.sol";

/// @dev Exposes the library with calldata proofs.
contract RewardProofHarness {
    function verify(bytes32[] calldata proof, bytes32 root, address account, uint256 amount)
        external
        pure
        returns (bool)
    {
        return RewardProof.verify(proof, root, RewardProof.leaf(account, amount));
    }

    function verifyOz(bytes32[] calldata proof, bytes32 root, address account, uint256 amount)
        external
        pure
        returns (bool)
    {
        bytes32 leaf = keccak256(bytes.concat(keccak256(abi.encode(account, amount))));
        return MerkleProof.verifyCalldata(proof, root, leaf);
    }
}

contract RewardProofTest is TestBase {
    RewardProofHarness internal harness = new RewardProofHarness();

    function test_leaf_matchesStandardMerkleTree() public pure {
        // Leaf of ("0x1111111111111111111111111111111111111111", 5) from @openzeppelin/merkle-tree.
        address account = 0x1111111111111111111111111111111111111111;
        assertTrue(
            RewardProof.leaf(account, 5) == keccak256(bytes.concat(keccak256(abi.encode(account, uint256(5))))),
            "leaf"
        );
    }

    /// hardhat-config: fuzz.runs = 256
    function test_fuzz_verify_agreesWithOpenZeppelin(
        bytes32[] calldata proof,
        bytes32 root,
        address account,
        uint256 amount
    ) public view {
        assertTrue(
            harness.verify(proof, root, account, amount) == harness.verifyOz(proof, root, account, amount),
            "disagree"
        );
    }

    /// hardhat-config: fuzz.runs = 256
    function test_fuzz_verify_acceptsEveryLeafOfABuiltTree(uint256 seed, uint8 logSize, uint256 pick) public view {
        uint256 n = uint256(1) << bound(logSize, 0, 5);
        bytes32[] memory leaves = new bytes32[](n);
        address[] memory accounts = new address[](n);
        uint256[] memory amounts = new uint256[](n);
        for (uint256 i; i < n; ++i) {
            accounts[i] = address(uint160(uint256(keccak256(abi.encode(seed, i)))));
            amounts[i] = uint256(keccak256(abi.encode(seed, i, "amount"))) >> 128;
            leaves[i] = TestTree.leaf(accounts[i], amounts[i]);
        }
        uint256 index = bound(pick, 0, n - 1);
        (bytes32 root, bytes32[] memory proof) = TestTree.rootAndProof(leaves, index);
        assertTrue(harness.verify(proof, root, accounts[index], amounts[index]), "valid proof rejected");
        assertTrue(harness.verifyOz(proof, root, accounts[index], amounts[index]), "oz rejects");
        // Any other amount, or another account, fails.
        assertTrue(!harness.verify(proof, root, accounts[index], amounts[index] + 1), "forged amount accepted");
        if (n > 1) {
            uint256 other = (index + 1) % n;
            assertTrue(!harness.verify(proof, root, accounts[other], amounts[other]), "other account accepted");
        }
        // A flipped proof element fails.
        if (proof.length > 0) {
            proof[0] = bytes32(uint256(proof[0]) ^ 1);
            assertTrue(!harness.verify(proof, root, accounts[index], amounts[index]), "tampered proof accepted");
        }
    }
}
