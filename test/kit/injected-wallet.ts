/**
 * A MetaMask-style browser wallet for browser tests: a small EIP-1193
 * provider script injected into the page and announced over EIP-6963, whose
 * every request is answered here, in the test process, where viem signs with
 * test keys the page never sees. Transactions go to the Hardhat node; reads
 * are forwarded to it. It answers typed data as `[address, JSON]`, rejects
 * with 4001 on demand, answers 4200 for methods it is told not to support and
 * 4902 for chains it does not know, and emits `accountsChanged` and
 * `chainChanged`. It records every method it was called with, the chain it
 * was on and its account at that moment.
 */
import type { BrowserContext, Page } from "playwright-core";
import {
  type Address,
  type Chain,
  createWalletClient,
  type Hex,
  http,
  numberToHex,
  type PrivateKeyAccount,
} from "viem";

/** Methods that sign or send: never while on the wrong chain or for an account the user did not act as. */
export const SIGNING_METHODS = new Set([
  "eth_sendTransaction",
  "eth_signTransaction",
  "eth_sendRawTransaction",
  "eth_sign",
  "personal_sign",
  "eth_signTypedData",
  "eth_signTypedData_v3",
  "eth_signTypedData_v4",
]);

export interface WalletCall {
  method: string;
  /** The wallet's chain and selected account when the request arrived. */
  chainId: number;
  account: Address;
  /** For signatures and transactions: the account the request names. */
  from?: Address | undefined;
  /** Typed data's primary type, for signatures. */
  primaryType?: string | undefined;
  outcome: "ok" | "rejected" | "unsupported" | "error";
  /** For transactions: the gas limit the dApp set, if it set one. */
  gas?: Hex | undefined;
  /** What the wallet answered (a transaction hash, a signature). */
  result?: unknown;
  at: number;
}

class ProviderError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

export const TEST_WALLET_INFO = {
  uuid: "5b0b6f3e-3c4b-4b43-9a6e-7f3c1d2a9e10",
  name: "Test Wallet",
  rdns: "org.amp.testwallet",
  icon: "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E%3Crect width='16' height='16' rx='4' fill='%234f46e5'/%3E%3C/svg%3E",
};

/** The page side: an EIP-1193 provider whose requests go to the exposed `__ampWalletRequest`. */
function providerScript(info: typeof TEST_WALLET_INFO) {
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const bridge = window as unknown as {
    __ampWalletRequest(method: string, params: string): Promise<string>;
    __ampTestWallet: { emit(event: string, payload: unknown): void };
  };
  const provider = {
    async request({ method, params }: { method: string; params?: unknown }) {
      const reply = JSON.parse(await bridge.__ampWalletRequest(method, JSON.stringify(params ?? []))) as {
        result?: unknown;
        error?: { code: number; message: string };
      };
      if (reply.error) {
        const error = new Error(reply.error.message) as Error & { code: number };
        error.code = reply.error.code;
        throw error;
      }
      return reply.result;
    },
    on(event: string, listener: (payload: unknown) => void) {
      if (!listeners.has(event)) listeners.set(event, new Set());
      listeners.get(event)?.add(listener);
      return provider;
    },
    removeListener(event: string, listener: (payload: unknown) => void) {
      listeners.get(event)?.delete(listener);
      return provider;
    },
  };
  bridge.__ampTestWallet = {
    emit(event, payload) {
      for (const listener of listeners.get(event) ?? []) listener(payload);
    },
  };
  const detail = Object.freeze({ info: Object.freeze({ ...info }), provider });
  const announce = () => window.dispatchEvent(new CustomEvent("eip6963:announceProvider", { detail }));
  window.addEventListener("eip6963:requestProvider", announce);
  announce();
}

/** Typed data arrives as JSON (integers as strings): back to the values viem encodes. */
function decodeTyped(
  types: Record<string, { name: string; type: string }[]>,
  type: string,
  value: unknown,
): unknown {
  const array = /^(.*)\[(\d*)\]$/.exec(type);
  if (array) return (value as unknown[]).map((v) => decodeTyped(types, array[1] ?? "", v));
  const struct = types[type];
  if (struct) {
    const record = value as Record<string, unknown>;
    return Object.fromEntries(struct.map((f) => [f.name, decodeTyped(types, f.type, record[f.name])]));
  }
  if (/^u?int\d*$/.test(type)) return BigInt(value as string | number);
  return value;
}

export interface InjectedWalletOptions {
  rpcUrl: string;
  /** The chain the app runs on (transactions go to its node). */
  appChain: Chain;
  accounts: PrivateKeyAccount[];
  /** The chain the wallet starts on (default: the app's). */
  chainId?: number;
  /** Chains the wallet knows; switching to another answers 4902 (default: the start chain and the app's). */
  knownChains?: number[];
  log?: (line: string) => void;
}

export class InjectedWallet {
  readonly calls: WalletCall[] = [];
  /** Lower-case addresses the person has acted as (clicked something while that account was selected). */
  readonly actedAs = new Set<string>();
  chainId: number;
  private selected = 0;
  private connected = false;
  private readonly known: Set<number>;
  private readonly rejections = new Map<string, number>();
  readonly unsupported = new Set<string>();
  private readonly pages: Page[] = [];

  constructor(private readonly options: InjectedWalletOptions) {
    this.chainId = options.chainId ?? options.appChain.id;
    this.known = new Set(options.knownChains ?? [this.chainId, options.appChain.id]);
  }

  get account(): PrivateKeyAccount {
    const account = this.options.accounts[this.selected];
    if (!account) throw new Error("no such test account");
    return account;
  }

  /** Installs the provider in every page of `context` (call before opening pages). */
  async attach(context: BrowserContext): Promise<void> {
    await context.exposeFunction("__ampWalletRequest", (method: string, params: string) =>
      this.handle(method, params),
    );
    await context.addInitScript(providerScript, TEST_WALLET_INFO);
    context.on("page", (page) => this.pages.push(page));
  }

  /** The person acts as the selected account (about to click): its signatures are expected from now on. */
  act(): Address {
    this.actedAs.add(this.account.address.toLowerCase());
    return this.account.address;
  }

  /** The next `count` requests of `method` are rejected as the person would (4001). */
  rejectNext(method: string, count = 1): void {
    this.rejections.set(method, (this.rejections.get(method) ?? 0) + count);
  }

  /** The person picks another account in the wallet. */
  async selectAccount(index: number): Promise<Address> {
    this.selected = index;
    await this.emit("accountsChanged", this.connected ? [this.account.address] : []);
    return this.account.address;
  }

  /** The person switches the wallet's network themselves. */
  async selectChain(chainId: number): Promise<void> {
    this.known.add(chainId);
    this.chainId = chainId;
    await this.emit("chainChanged", numberToHex(chainId));
  }

  signingCalls(): WalletCall[] {
    return this.calls.filter((c) => SIGNING_METHODS.has(c.method));
  }

  /** Signing requests that broke the rules: on another chain than the app's, or for an account not acted as. */
  violations(): WalletCall[] {
    return this.signingCalls().filter(
      (c) =>
        c.chainId !== this.options.appChain.id ||
        !this.actedAs.has(c.account.toLowerCase()) ||
        (c.from !== undefined && c.from.toLowerCase() !== c.account.toLowerCase()),
    );
  }

  private async emit(event: string, payload: unknown): Promise<void> {
    for (const page of this.pages) {
      if (page.isClosed()) continue;
      await page.evaluate(
        ([e, p]) =>
          (
            window as unknown as { __ampTestWallet?: { emit(event: string, payload: unknown): void } }
          ).__ampTestWallet?.emit(e as string, p),
        [event, payload] as const,
      );
    }
  }

  private async handle(method: string, paramsJson: string): Promise<string> {
    const params = JSON.parse(paramsJson) as unknown[];
    const call: WalletCall = {
      method,
      chainId: this.chainId,
      account: this.account.address,
      outcome: "ok",
      at: Date.now(),
    };
    this.calls.push(call);
    try {
      const pending = this.rejections.get(method) ?? 0;
      if (pending > 0) {
        this.rejections.set(method, pending - 1);
        call.outcome = "rejected";
        throw new ProviderError(4001, "User rejected the request.");
      }
      if (this.unsupported.has(method)) {
        call.outcome = "unsupported";
        throw new ProviderError(4200, `The Test Wallet does not support ${method}.`);
      }
      const result = await this.dispatch(method, params, call);
      call.result = result;
      return JSON.stringify({ result: result ?? null });
    } catch (error) {
      if (call.outcome === "ok") call.outcome = "error";
      const code = error instanceof ProviderError ? error.code : -32603;
      const message = error instanceof Error ? error.message : String(error);
      this.options.log?.(`test wallet: ${method} -> ${code} ${message.split("\n")[0]}`);
      return JSON.stringify({ error: { code, message } });
    }
  }

  private requireAccount(address: unknown, call: WalletCall): PrivateKeyAccount {
    call.from = address as Address;
    if (!this.connected) throw new ProviderError(4100, "The Test Wallet is not connected.");
    if (typeof address !== "string" || address.toLowerCase() !== this.account.address.toLowerCase()) {
      throw new ProviderError(4100, `The Test Wallet's selected account is not ${String(address)}.`);
    }
    return this.account;
  }

  private async dispatch(method: string, params: unknown[], call: WalletCall): Promise<unknown> {
    switch (method) {
      case "eth_requestAccounts":
        this.connected = true;
        return [this.account.address];
      case "eth_accounts":
        return this.connected ? [this.account.address] : [];
      case "eth_chainId":
        return numberToHex(this.chainId);
      case "net_version":
        return String(this.chainId);
      case "wallet_requestPermissions":
        this.connected = true;
        return [{ parentCapability: "eth_accounts" }];
      case "wallet_getPermissions":
        return this.connected ? [{ parentCapability: "eth_accounts" }] : [];
      case "wallet_revokePermissions":
        this.connected = false;
        return null;
      case "wallet_switchEthereumChain": {
        const id = Number((params[0] as { chainId: string }).chainId);
        if (!this.known.has(id)) throw new ProviderError(4902, `Unrecognized chain ID ${numberToHex(id)}.`);
        await this.switchTo(id);
        return null;
      }
      case "wallet_addEthereumChain": {
        // MetaMask adds the chain, then asks to switch to it; the person accepts.
        const id = Number((params[0] as { chainId: string }).chainId);
        this.known.add(id);
        await this.switchTo(id);
        return null;
      }
      case "eth_signTypedData_v4": {
        const account = this.requireAccount(params[0], call);
        const typed = JSON.parse(params[1] as string) as {
          domain: Record<string, unknown>;
          types: Record<string, { name: string; type: string }[]>;
          primaryType: string;
          message: Record<string, unknown>;
        };
        call.primaryType = typed.primaryType;
        const { EIP712Domain: _domain, ...types } = typed.types;
        const domain = { ...typed.domain };
        if (domain.chainId !== undefined) domain.chainId = Number(domain.chainId);
        return account.signTypedData({
          domain,
          types,
          primaryType: typed.primaryType,
          message: decodeTyped(types, typed.primaryType, typed.message) as Record<string, unknown>,
        } as Parameters<PrivateKeyAccount["signTypedData"]>[0]);
      }
      case "personal_sign": {
        const account = this.requireAccount(params[1], call);
        return account.signMessage({ message: { raw: params[0] as Hex } });
      }
      case "eth_sendTransaction": {
        const tx = params[0] as { from: Address; to?: Address; data?: Hex; value?: Hex; gas?: Hex };
        const account = this.requireAccount(tx.from, call);
        call.gas = tx.gas;
        if (this.chainId !== this.options.appChain.id) {
          throw new ProviderError(
            -32000,
            `The Test Wallet will not send on chain ${this.chainId} in a test.`,
          );
        }
        const wallet = createWalletClient({
          account,
          chain: this.options.appChain,
          transport: http(this.options.rpcUrl),
        });
        return wallet.sendTransaction({
          to: tx.to ?? null,
          data: tx.data,
          value: tx.value ? BigInt(tx.value) : undefined,
          gas: tx.gas ? BigInt(tx.gas) : undefined,
        } as Parameters<typeof wallet.sendTransaction>[0]);
      }
      default:
        if (SIGNING_METHODS.has(method)) throw new ProviderError(4200, `${method} is not supported.`);
        return this.forward(method, params);
    }
  }

  private async switchTo(chainId: number): Promise<void> {
    if (chainId === this.chainId) return;
    this.chainId = chainId;
    // MetaMask emits chainChanged once the switch is done; the request resolves too.
    setTimeout(() => void this.emit("chainChanged", numberToHex(chainId)).catch(() => {}), 0);
  }

  /** Reads go to the node, as a wallet's own RPC endpoint would answer them. */
  private async forward(method: string, params: unknown[]): Promise<unknown> {
    const res = await fetch(this.options.rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
    });
    const body = (await res.json()) as { result?: unknown; error?: { code: number; message: string } };
    if (body.error) throw new ProviderError(body.error.code, body.error.message);
    return body.result;
  }
}
