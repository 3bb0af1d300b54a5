/** An injected EIP-1193 wallet for component and hook tests. */
import { type Address, type Hex, numberToHex } from "viem";
import { createConfig, http, injected } from "wagmi";
import { connect } from "wagmi/actions";
import { appChain } from "../config/wagmi.ts";
import { testApp } from "./fixtures.tsx";

export const SIGNATURE = `0x${"11".repeat(65)}` as Hex;

/** A MetaMask-like provider: answers from its state, records methods, emits events. */
export class FakeProvider {
  readonly methods: string[] = [];
  readonly listeners = new Map<string, Set<(payload: unknown) => void>>();
  /** Holds signature requests until released, to change the account in between. */
  hold: ((release: () => void) => void) | null = null;
  constructor(
    public account: Address,
    public chainId: number,
  ) {}
  async request({ method }: { method: string; params?: unknown }): Promise<unknown> {
    this.methods.push(method);
    switch (method) {
      case "eth_requestAccounts":
      case "eth_accounts":
        return [this.account];
      case "eth_chainId":
        return numberToHex(this.chainId);
      case "eth_signTypedData_v4":
        if (this.hold) await new Promise<void>((resolve) => this.hold?.(resolve));
        return SIGNATURE;
      case "eth_sendTransaction":
        return `0x${"22".repeat(32)}`;
      default:
        throw Object.assign(new Error(`unsupported ${method}`), { code: 4200 });
    }
  }
  on(event: string, fn: (payload: unknown) => void) {
    if (!this.listeners.has(event)) this.listeners.set(event, new Set());
    this.listeners.get(event)?.add(fn);
  }
  removeListener(event: string, fn: (payload: unknown) => void) {
    this.listeners.get(event)?.delete(fn);
  }
  emit(event: string, payload: unknown) {
    for (const fn of this.listeners.get(event) ?? []) fn(payload);
  }
  signing(): string[] {
    return this.methods.filter((m) => m === "eth_signTypedData_v4" || m === "eth_sendTransaction");
  }
}

export async function walletOn(chainId: number, account: Address) {
  const provider = new FakeProvider(account, chainId);
  const chain = appChain(testApp);
  const config = createConfig({
    chains: [chain],
    connectors: [injected({ target: () => ({ id: "fake", name: "Fake", provider: provider as never }) })],
    transports: { [chain.id]: http(testApp.rpcUrl) },
    multiInjectedProviderDiscovery: false,
  });
  const connector = config.connectors[0];
  if (!connector) throw new Error("no connector");
  await connect(config, { connector });
  return { config, provider };
}
