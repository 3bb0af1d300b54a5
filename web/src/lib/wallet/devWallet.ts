import {
  type Address,
  type Chain,
  createWalletClient,
  type EIP1193RequestFn,
  http,
  type LocalAccount,
  numberToHex,
  type PrivateKeyAccount,
  SwitchChainError,
  type Transport,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { createConnector } from "wagmi";
import { AmpError } from "#protocol";
import { DEV_ACCOUNT_COUNT, HARDHAT_PRIVATE_KEYS } from "./hardhatAccounts.ts";

export interface DevWalletParameters {
  chain: Chain;
  rpcUrl: string;
  /** How to reach the node; defaults to HTTP at `rpcUrl`. */
  transport?: Transport;
  /** Account used until one is picked (index into Hardhat's test accounts). */
  defaultIndex?: number;
}

export interface DevWalletProperties {
  /** Picks Hardhat test account #index; emits an account change when connected. */
  setAccountIndex(index: number): Promise<void>;
  getAccountIndex(): number;
  [key: string]: unknown;
}

export const DEV_WALLET_ID = "amp-dev-wallet";

export function devAccount(index: number): PrivateKeyAccount {
  const key = HARDHAT_PRIVATE_KEYS[index];
  if (!key) throw new AmpError("DEV_WALLET_UNKNOWN_ACCOUNT", `No development account #${index}`);
  return privateKeyToAccount(key);
}

/**
 * Account #index of the development mnemonic: #0..#9 from the bundled keys,
 * later ones derived on demand (the HD code loads only then).
 */
export async function loadDevAccount(index: number): Promise<LocalAccount> {
  if (!Number.isInteger(index) || index < 0 || index >= DEV_ACCOUNT_COUNT) {
    throw new AmpError("DEV_WALLET_UNKNOWN_ACCOUNT", `No development account #${index}`);
  }
  if (HARDHAT_PRIVATE_KEYS[index]) return devAccount(index);
  const { deriveDevAccount } = await import("./mnemonic.ts");
  return deriveDevAccount(index);
}

type StorageItem = { "devWallet.index": number; "devWallet.connected": boolean };

/**
 * A wallet for the local chain that signs in the page with Hardhat's public
 * test keys: no extension needed, no pop-ups. Transactions are signed locally
 * and sent as raw transactions to the node.
 */
export function devWallet({ chain, rpcUrl, transport, defaultIndex = 1 }: DevWalletParameters) {
  let index = defaultIndex;
  let current: LocalAccount = devAccount(defaultIndex);
  let connected = false;
  /** Restoring the saved account is async; nothing reports an account before it settles. */
  let ready: Promise<void> = Promise.resolve();
  const account = () => current;

  return createConnector<{ request: EIP1193RequestFn }, DevWalletProperties, StorageItem>((config) => {
    const client = () =>
      createWalletClient({ account: account(), chain, transport: transport ?? http(rpcUrl) });
    const request = (async ({ method, params }: { method: string; params?: unknown }) => {
      if (method === "eth_accounts" || method === "eth_requestAccounts") return [account().address];
      if (method === "eth_chainId") return numberToHex(chain.id);
      // biome-ignore lint/suspicious/noExplicitAny: forwards arbitrary EIP-1193 requests to the node
      return client().request({ method, params } as any);
    }) as EIP1193RequestFn;

    return {
      id: DEV_WALLET_ID,
      name: "Development wallet",
      type: "devWallet",
      async setup() {
        ready = (async () => {
          const saved = await config.storage?.getItem("devWallet.index");
          if (typeof saved === "number" && saved >= 0 && saved < DEV_ACCOUNT_COUNT) {
            current = await loadDevAccount(saved);
            index = saved;
          }
        })().catch(() => {});
        await ready;
      },
      async connect({ chainId } = {}) {
        if (chainId !== undefined && chainId !== chain.id)
          throw new SwitchChainError(new AmpError("DEV_WALLET_CHAIN_UNSUPPORTED", "dev chain only"));
        await ready;
        connected = true;
        await config.storage?.setItem("devWallet.connected", true);
        return { accounts: [account().address] as never, chainId: chain.id };
      },
      async disconnect() {
        connected = false;
        await config.storage?.setItem("devWallet.connected", false);
      },
      async getAccounts() {
        await ready;
        return [account().address] as readonly Address[];
      },
      async getChainId() {
        return chain.id;
      },
      async getProvider() {
        return { request };
      },
      async getClient() {
        return client();
      },
      async isAuthorized() {
        return connected || (await config.storage?.getItem("devWallet.connected")) === true;
      },
      async switchChain({ chainId }) {
        if (chainId !== chain.id)
          throw new SwitchChainError(
            new AmpError(
              "DEV_WALLET_CHAIN_UNSUPPORTED",
              `The development wallet only knows chain ${chain.id}`,
            ),
          );
        return chain;
      },
      async setAccountIndex(next: number) {
        await ready;
        current = await loadDevAccount(next);
        index = next;
        await config.storage?.setItem("devWallet.index", next);
        if (connected) config.emitter.emit("change", { accounts: [account().address] });
      },
      getAccountIndex() {
        return index;
      },
      onAccountsChanged() {},
      onChainChanged() {},
      onDisconnect() {
        connected = false;
        config.emitter.emit("disconnect");
      },
    };
  });
}
