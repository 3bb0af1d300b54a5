/**
 * AccessControl role identifiers of the AMP contracts: keccak256 of the role's
 * name, as the Solidity constants define them.
 */
import { type Hex, keccak256, toBytes } from "viem";

export const ROLES = {
  DEFAULT_ADMIN_ROLE: `0x${"00".repeat(32)}` as Hex,
  MINTER_ROLE: keccak256(toBytes("MINTER_ROLE")),
  SETTLER_ROLE: keccak256(toBytes("SETTLER_ROLE")),
  GUARDIAN_ROLE: keccak256(toBytes("GUARDIAN_ROLE")),
  PAUSER_ROLE: keccak256(toBytes("PAUSER_ROLE")),
} as const;

export type RoleName = keyof typeof ROLES;
