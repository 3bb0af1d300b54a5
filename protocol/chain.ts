/** The viem chain definition every part uses for an AMP chain reached at one RPC URL. */
import { type Chain, defineChain } from "viem";

/** Hardhat's chain id: the local development and test chain. */
export const LOCAL_CHAIN_ID = 31337;

export function ampChain(chainId: number, rpcUrl: string, name = `AMP chain ${chainId}`): Chain {
  return defineChain({
    id: chainId,
    name,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
  });
}
