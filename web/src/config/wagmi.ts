import type { Chain, Transport } from "viem";
import { hardhat } from "viem/chains";
import { createConfig, http, injected } from "wagmi";
import { ampChain } from "#protocol";
import { devWallet } from "../lib/wallet/devWallet.ts";
import { DEV_CHAIN_ID } from "../lib/wallet/hardhatAccounts.ts";
import type { AppConfig } from "./appConfig.ts";

export function appChain(app: AppConfig): Chain {
  if (app.chainId === DEV_CHAIN_ID) {
    return { ...hardhat, rpcUrls: { default: { http: [app.rpcUrl] } } };
  }
  return ampChain(app.chainId, app.rpcUrl);
}

/**
 * Injected wallets come from EIP-6963 discovery; the local chain adds the
 * development wallet. `transport` replaces HTTP to `rpcUrl` (tests use an
 * in-process chain).
 */
export function createWagmiConfig(app: AppConfig, options: { transport?: Transport } = {}) {
  const chain = appChain(app);
  const transport = options.transport ?? http(app.rpcUrl);
  const connectors =
    app.chainId === DEV_CHAIN_ID
      ? [devWallet({ chain, rpcUrl: app.rpcUrl, transport }), injected()]
      : [injected()];
  return createConfig({
    chains: [chain],
    connectors,
    multiInjectedProviderDiscovery: true,
    // Receipts and blocks are polled; a local chain mines instantly, so poll often there.
    pollingInterval: app.chainId === DEV_CHAIN_ID ? 300 : 2_000,
    transports: { [chain.id]: transport },
  });
}

export type WagmiConfig = ReturnType<typeof createWagmiConfig>;
