// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

/// @title AMPVault
/// @notice Holds the AMP that the escrow which created it keeps for budgets, pending epochs, refund
/// credits, dispute bonds and the dispute pool, apart from the rewards of active epochs (which the
/// escrow holds itself, so that the token's own balance check bounds every claim). Its only act is
/// approving its escrow, at creation, to move that AMP; it has no functions and no owner to change it.
contract AMPVault {
    using SafeERC20 for IERC20;

    /// @param token The AMP token; the deployer (the escrow) may move this vault's balance of it.
    constructor(IERC20 token) {
        token.forceApprove(msg.sender, type(uint256).max);
    }
}
