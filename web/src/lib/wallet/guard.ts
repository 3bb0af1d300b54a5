/**
 * The one gate every wallet write and wallet signature passes: the wallet
 * must be on the app's chain and its account must be the account the action
 * was started for. An action also belongs to the wallet scope (chain and
 * account) it started in: when either changes, whatever is still pending for
 * the old scope is cancelled and a signature that arrives late is dropped.
 */

import type { Abi, Address, ContractFunctionArgs, ContractFunctionName, Hex } from "viem";
import type { Config } from "wagmi";
import {
  getConnection,
  signTypedData,
  type WriteContractParameters,
  watchConnection,
  writeContract,
} from "wagmi/actions";
import { AmpError } from "#protocol";

export type WalletGuardCode = "NOT_CONNECTED" | "WRONG_CHAIN" | "WRONG_ACCOUNT" | "WALLET_CHANGED";

export class WalletGuardError extends AmpError {
  override name = "WalletGuardError";
  declare readonly code: WalletGuardCode;
  constructor(
    code: WalletGuardCode,
    message: string,
    readonly expectedChainId?: number,
  ) {
    super(code, message, { retryable: true });
  }
}

/** What the wallet reports now, and what the action needs. */
export interface WalletFacts {
  connected: boolean;
  chainId: number | undefined;
  /** The wallet's selected account (its first), as the connector reports it. */
  account: Address | undefined;
}

export interface WalletNeeds {
  chainId: number;
  account: Address;
}

const same = (a: string | undefined, b: string | undefined) =>
  a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();

/** The reason the wallet cannot act for `needs`, or null when it can. */
export function walletProblem(facts: WalletFacts, needs: WalletNeeds): WalletGuardError | null {
  if (!facts.connected || !facts.account) {
    return new WalletGuardError("NOT_CONNECTED", "Connect a wallet first.");
  }
  if (facts.chainId !== needs.chainId) {
    return new WalletGuardError(
      "WRONG_CHAIN",
      `The wallet is on chain ${facts.chainId ?? "?"}, AMP runs on chain ${needs.chainId}.`,
      needs.chainId,
    );
  }
  if (!same(facts.account, needs.account)) {
    return new WalletGuardError(
      "WRONG_ACCOUNT",
      `The wallet's account ${facts.account} is not ${needs.account}, the account this was started for.`,
    );
  }
  return null;
}

/** Asks the connector itself (not wagmi's cached state) for its chain and account, then checks them. */
export async function assertWallet(config: Config, needs: WalletNeeds): Promise<void> {
  const connection = getConnection(config);
  const connector = connection.connector;
  if (connection.status !== "connected" || !connector) {
    throw new WalletGuardError("NOT_CONNECTED", "Connect a wallet first.");
  }
  const [chainId, accounts] = await Promise.all([connector.getChainId(), connector.getAccounts()]);
  const problem =
    walletProblem({ connected: true, chainId, account: accounts[0] }, needs) ??
    // wagmi's view must agree too: it is what the page shows.
    walletProblem({ connected: true, chainId: connection.chainId, account: connection.address }, needs);
  if (problem) throw problem;
}

/**
 * The wallet's chain and account, as a scope: `update` moves to a new scope
 * when either changes and aborts the old scope's signal, so pending work
 * started for the old account stops.
 */
export class WalletScope {
  private key: string | null = null;
  private controller = new AbortController();
  private readonly listeners = new Set<() => void>();

  update(chainId: number | undefined, account: Address | undefined): boolean {
    const key = account ? `${chainId ?? "?"}:${account.toLowerCase()}` : null;
    if (key === this.key) return false;
    const changed = this.key !== null;
    this.key = key;
    this.controller.abort(
      new WalletGuardError("WALLET_CHANGED", "The wallet's account or network changed; nothing was sent."),
    );
    this.controller = new AbortController();
    if (changed) for (const listener of this.listeners) listener();
    return changed;
  }

  /** Aborted when the wallet's account or chain changes. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Runs `listener` whenever the scope changes after the first connection. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

const scopes = new WeakMap<Config, WalletScope>();

/** The wallet scope of a wagmi config, following its connection from the first call on. */
export function walletScope(config: Config): WalletScope {
  let scope = scopes.get(config);
  if (!scope) {
    const created = new WalletScope();
    const now = getConnection(config);
    created.update(now.chainId, now.address);
    watchConnection(config, { onChange: (c) => created.update(c.chainId, c.address) });
    scopes.set(config, created);
    scope = created;
  }
  return scope;
}

function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw signal.reason;
}

/** Signs typed data and sends transactions for one account on the app's chain, or not at all. */
export interface GuardedWallet {
  readonly account: Address;
  readonly chainId: number;
  readonly signal: AbortSignal;
  signTypedData(payload: {
    domain: object;
    types: object;
    primaryType: string;
    message: object;
  }): Promise<Hex>;
  writeContract<
    const abi extends Abi | readonly unknown[],
    functionName extends ContractFunctionName<abi, "nonpayable" | "payable">,
    args extends ContractFunctionArgs<abi, "nonpayable" | "payable", functionName>,
  >(
    parameters: Omit<
      WriteContractParameters<abi, functionName, args, Config, number>,
      "chainId" | "account" | "connector"
    >,
  ): Promise<Hex>;
}

/**
 * A wallet bound to `account` on `chainId` in the current scope. Each call
 * checks the wallet first; a signature that comes back after the scope
 * changed is dropped, never used.
 */
export function guardedWallet(config: Config, needs: WalletNeeds): GuardedWallet {
  const signal = walletScope(config).signal;
  return {
    account: needs.account,
    chainId: needs.chainId,
    signal,
    async signTypedData(payload) {
      throwIfAborted(signal);
      await assertWallet(config, needs);
      throwIfAborted(signal);
      // The account is not passed on: a development wallet signs with its local key, and an address
      // here would send the request to the node instead. The check above pinned the account.
      // biome-ignore lint/suspicious/noExplicitAny: callers pass EIP-712 payloads built for a known type
      const signature = await signTypedData(config, payload as any);
      throwIfAborted(signal);
      return signature;
    },
    async writeContract(parameters) {
      throwIfAborted(signal);
      await assertWallet(config, needs);
      throwIfAborted(signal);
      // A sent transaction is on its way whatever happens next, so its hash is returned even if the
      // scope changed meanwhile; wagmi checks the chain once more with `chainId`.
      return writeContract(config, {
        ...parameters,
        chainId: needs.chainId,
      } as unknown as WriteContractParameters);
    },
  };
}
