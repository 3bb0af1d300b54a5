/**
 * EIP-712 typed data of a promoter's consent to `AMPEscrow.amplifyFor` (domain "AMPEscrow",
 * version "1"): the promoter signs post, amount, duration, payer, nonce (`nonces(promoter)`) and
 * deadline, so nobody can name it promoter of record without its signature. Shared by the tests
 * and the gas benchmark.
 */
import type { Address } from "viem";

export interface AmplifyForMessage {
  promoter: Address;
  postId: bigint;
  amount: bigint;
  duration: bigint;
  payer: Address;
  nonce: bigint;
  deadline: bigint;
}

export function amplifyForTypedData(chainId: number, escrow: Address, message: AmplifyForMessage) {
  return {
    domain: { name: "AMPEscrow", version: "1", chainId, verifyingContract: escrow },
    types: {
      AmplifyFor: [
        { name: "promoter", type: "address" },
        { name: "postId", type: "uint256" },
        { name: "amount", type: "uint256" },
        { name: "duration", type: "uint64" },
        { name: "payer", type: "address" },
        { name: "nonce", type: "uint256" },
        { name: "deadline", type: "uint256" },
      ],
    },
    primaryType: "AmplifyFor",
    message,
  } as const;
}
