// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @notice A plain OpenZeppelin ERC-20, the baseline of the gas benchmark.
contract PlainERC20 is ERC20 {
    constructor(uint256 supply) ERC20("Plain", "PLAIN") {
        _mint(msg.sender, supply);
    }
}
