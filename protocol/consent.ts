/**
 * EIP-712 typed data of a promoter's consent to `AMPEscrow.amplifyFor` (domain "AMPEscrow",
 * version "1"): the promoter signs post, amount, duration, payer, nonce (`nonces(promoter)`) and
 * deadline, so nobody can name it promoter of record without its signature. Shared by the tests
 * and the gas benchmark.
 */
import type { Address } from "viem";
import { contractTypedData, type StructMessage } from "./typed-data.ts";

const AMPLIFY_FOR = {
  promoter: "address",
  postId: "uint256",
  amount: "uint256",
  duration: "uint64",
  payer: "address",
  nonce: "uint256",
  deadline: "uint256",
} as const;

export type AmplifyForMessage = StructMessage<typeof AMPLIFY_FOR>;

export function amplifyForTypedData(chainId: number, escrow: Address, message: AmplifyForMessage) {
  return contractTypedData(
    { name: "AMPEscrow", chainId, address: escrow },
    "AmplifyFor",
    AMPLIFY_FOR,
    message,
  );
}
