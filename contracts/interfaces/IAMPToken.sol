// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";

/// @title IAMPToken
/// @notice The AMP token: an ERC-20 with a hard cap fixed at deployment, EIP-2612 permit,
/// and minting restricted to holders of `MINTER_ROLE`.
/// @dev Minting past the cap reverts with OpenZeppelin's `ERC20ExceededCap(increasedSupply, cap)`;
/// a caller without the role gets `AccessControlUnauthorizedAccount(account, role)`.
interface IAMPToken is IERC20, IERC20Permit {
    /// @notice The role allowed to mint.
    function MINTER_ROLE() external view returns (bytes32);

    /// @notice Mints `amount` tokens to `to`.
    /// @dev Only `MINTER_ROLE`. The total supply never exceeds the cap.
    /// @param to The receiver of the new tokens.
    /// @param amount The amount to mint, in wei (18 decimals).
    function mint(address to, uint256 amount) external;
}
