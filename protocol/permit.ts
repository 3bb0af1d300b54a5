/**
 * EIP-2612 typed data for AMPToken's `permit` (OpenZeppelin's ERC20Permit with
 * the token's name: domain "AMP", version "1"). Shared by the dApp, the tests
 * and the gas benchmark.
 */
import type { Address } from "viem";

export interface PermitMessage {
  owner: Address;
  spender: Address;
  value: bigint;
  nonce: bigint;
  deadline: bigint;
}

export function permitTypedData(chainId: number, token: Address, message: PermitMessage) {
  return {
    domain: { name: "AMP", version: "1", chainId, verifyingContract: token },
    types: {
      Permit: [
        { name: "owner", type: "address" },
        { name: "spender", type: "address" },
        { name: "value", type: "uint256" },
        { name: "nonce", type: "uint256" },
        { name: "deadline", type: "uint256" },
      ],
    },
    primaryType: "Permit",
    message,
  } as const;
}
