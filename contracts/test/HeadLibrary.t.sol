// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

// Tests favour readable require messages and bounds written as stated.
/* solhint-disable gas-custom-errors, gas-strict-inequalities, gas-small-strings */

import {Head} from "../libraries/HeadLibrary.sol";
import {TestBase} from "./Vm.sol";

contract HeadLibraryTest is TestBase {
    /// hardhat-config: fuzz.runs = 512
    function test_fuzz_fieldsRoundTripIndependently(
        uint96 claimable,
        uint32 lastEpoch,
        uint32 activeEpoch,
        uint40 nextActiveAt,
        uint40 pausedTotal,
        bool paused,
        uint256 noise
    ) public pure {
        Head head = Head.wrap(noise).setLastEpoch(lastEpoch).setActiveEpoch(activeEpoch).setNextActiveAt(
            nextActiveAt
        ).setPausedTotal(pausedTotal).setPaused(paused);
        // Clear claimable, then set it through add.
        head = head.subClaimable(head.claimable()).addClaimable(claimable);
        assertEq(head.claimable(), claimable, "claimable");
        assertEq(head.lastEpoch(), lastEpoch, "lastEpoch");
        assertEq(head.activeEpoch(), activeEpoch, "activeEpoch");
        assertEq(head.nextActiveAt(), nextActiveAt, "nextActiveAt");
        assertEq(head.pausedTotal(), pausedTotal, "pausedTotal");
        assertTrue(head.paused() == paused, "paused");
    }

    /// hardhat-config: fuzz.runs = 512
    function test_fuzz_subClaimableTouchesNothingElse(uint256 word, uint256 amount) public pure {
        Head head = Head.wrap(word);
        amount = bound(amount, 0, head.claimable());
        Head next = head.subClaimable(amount);
        assertEq(next.claimable(), head.claimable() - amount, "claimable");
        assertEq(Head.unwrap(next) >> 96, Head.unwrap(head) >> 96, "high fields changed");
    }
}
