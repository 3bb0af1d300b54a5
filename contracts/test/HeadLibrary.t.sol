// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

// Tests favour readable require messages and bounds written as stated.
/* solhint-disable gas-custom-errors, gas-strict-inequalities, gas-small-strings */

import {Head} from "../libraries/HeadLibrary.sol";
import {TestBase} from "./Vm.sol";

contract HeadLibraryTest is TestBase {
    /// hardhat-config: fuzz.runs = 512
    function test_fuzz_fieldsRoundTripIndependently(
        bytes32 root,
        uint32 activeEpoch,
        uint40 nextActiveAt,
        bool paused,
        uint256 noise
    ) public pure {
        Head head = Head.wrap(noise).setRoot(root).setActiveEpoch(activeEpoch).setNextActiveAt(nextActiveAt)
            .setPaused(paused);
        assertEq(head.rootHigh(), uint256(root) >> 80, "rootHigh");
        assertEq(head.activeEpoch(), activeEpoch, "activeEpoch");
        assertEq(head.nextActiveAt(), nextActiveAt, "nextActiveAt");
        assertTrue(head.paused() == paused, "paused");
        assertTrue(head.matchesRoot(root), "the root itself matches");
    }

    /// hardhat-config: fuzz.runs = 512
    function test_fuzz_matchesRootOnlyOnTheHigh176Bits(bytes32 root, bytes32 node, uint256 noise) public pure {
        Head head = Head.wrap(noise).setRoot(root);
        assertTrue(head.matchesRoot(node) == (uint256(node) >> 80 == uint256(root) >> 80), "match rule");
        // Any change in the high bits is seen; the low 80 bits are not stored.
        assertTrue(!head.matchesRoot(root ^ bytes32(uint256(1) << 80)), "lowest kept bit");
        assertTrue(!head.matchesRoot(root ^ bytes32(uint256(1) << 255)), "highest bit");
        assertTrue(head.matchesRoot(root ^ bytes32((uint256(1) << 80) - 1)), "dropped bits");
    }

    /// hardhat-config: fuzz.runs = 512
    function test_fuzz_settersTouchOnlyTheirField(uint256 word, bytes32 root, uint32 epoch, uint40 at) public pure {
        Head head = Head.wrap(word);
        assertEq(Head.unwrap(head.setRoot(root)) >> 176, word >> 176, "setRoot moved other fields");
        Head e = head.setActiveEpoch(epoch);
        assertEq(e.rootHigh(), head.rootHigh(), "setActiveEpoch moved the root");
        assertEq(e.nextActiveAt(), head.nextActiveAt(), "setActiveEpoch moved nextActiveAt");
        Head n = head.setNextActiveAt(at);
        assertEq(n.activeEpoch(), head.activeEpoch(), "setNextActiveAt moved the epoch");
        assertTrue(n.paused() == head.paused(), "setNextActiveAt moved paused");
        uint256 low = (uint256(1) << 248) - 1;
        assertEq(Head.unwrap(head.setPaused(true)) & low, word & low, "setPaused moved other fields");
    }
}
