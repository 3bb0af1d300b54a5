/**
 * EIP-2612 typed data for AMPToken's `permit` (OpenZeppelin's ERC20Permit with
 * the token's name: domain "AMP", version "1"). Shared by the dApp, the tests
 * and the gas benchmark.
 */
import type { Address } from "viem";
import { contractTypedData, type StructMessage } from "./typed-data.ts";

const PERMIT = {
  owner: "address",
  spender: "address",
  value: "uint256",
  nonce: "uint256",
  deadline: "uint256",
} as const;

export type PermitMessage = StructMessage<typeof PERMIT>;

export function permitTypedData(chainId: number, token: Address, message: PermitMessage) {
  return contractTypedData({ name: "AMP", chainId, address: token }, "Permit", PERMIT, message);
}
