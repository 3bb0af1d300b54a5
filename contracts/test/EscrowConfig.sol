// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IAMPEscrow} from "../interfaces/IAMPEscrow.sol";

/// @notice Escrow deployment parameters for the Solidity tests (local chain: windows may be seconds).
library EscrowConfig {
    uint64 internal constant EPOCH_LENGTH = 1 hours;
    uint256 internal constant DISPUTE_BOND = 100 ether;
    uint256 internal constant DISPUTE_REWARD = 50 ether;
    uint64 internal constant DISPUTE_PERIOD = 1 days;

    /// @dev `admin` schedules role changes; settler, guardian and pauser are distinct accounts.
    function build(address admin, address settler, address guardian, address pauser, uint64 window)
        internal
        pure
        returns (IAMPEscrow.Config memory)
    {
        return IAMPEscrow.Config({
            admin: admin,
            settler: settler,
            guardian: guardian,
            pauser: pauser,
            adminDelay: 1 days,
            challengeWindow: window,
            epochLength: EPOCH_LENGTH,
            settlementGrace: EPOCH_LENGTH + window,
            roleDelay: window + 1 hours,
            disputeBond: DISPUTE_BOND,
            disputeReward: DISPUTE_REWARD,
            disputePeriod: DISPUTE_PERIOD
        });
    }
}
