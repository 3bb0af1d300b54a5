/**
 * EIP-712 typed data of one struct signed for one contract (domain version "1"), as viem's
 * `signTypedData` and `verifyTypedData` take it; the struct's fields are named in order, each
 * with its Solidity type.
 */
import type { Address } from "viem";

type Fields = Record<string, SolidityType>;

/** The Solidity types the project's signed structs use, with the TypeScript value of each. */
interface SolidityValues {
  address: Address;
  uint256: bigint;
  uint64: bigint;
}
type SolidityType = keyof SolidityValues;

/** The message of a struct with these fields. */
export type StructMessage<F extends Fields> = { -readonly [K in keyof F]: SolidityValues[F[K]] };
type Parameters<F extends Fields> = Array<
  { [K in keyof F & string]: { name: K; type: F[K] } }[keyof F & string]
>;

export function contractTypedData<const P extends string, const F extends Fields, M>(
  contract: { name: string; chainId: number; address: Address },
  primaryType: P,
  fields: F,
  message: M,
) {
  const parameters = Object.entries(fields).map(([name, type]) => ({ name, type })) as Parameters<F>;
  return {
    domain: {
      name: contract.name,
      version: "1",
      chainId: contract.chainId,
      verifyingContract: contract.address,
    },
    types: { [primaryType]: parameters } as { [K in P]: Parameters<F> },
    primaryType,
    message,
  } as const;
}
