import type { LocalAccount } from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { DEV_MNEMONIC } from "./hardhatAccounts.ts";

/** Derives development account #index (m/44'/60'/0'/0/index); loaded lazily. */
export function deriveDevAccount(index: number): LocalAccount {
  return mnemonicToAccount(DEV_MNEMONIC, { addressIndex: index });
}
