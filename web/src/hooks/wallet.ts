import { useConnection, useReadContract } from "wagmi";
import { useApp } from "../config/AppContext.tsx";
import { ampTokenAbi } from "../lib/chain/abi.ts";

/** The connected account's AMP balance, read from the token contract. */
export function useAmpBalance() {
  const { app } = useApp();
  const { address } = useConnection();
  return useReadContract({
    address: app.contracts.token,
    abi: ampTokenAbi,
    functionName: "balanceOf",
    args: address ? [address] : undefined,
    chainId: app.chainId,
    query: { enabled: Boolean(address), refetchInterval: 10_000 },
  });
}

/** Connected and on the configured chain. */
export function useChainStatus() {
  const { app } = useApp();
  const { address, chainId, status } = useConnection();
  return {
    address,
    status,
    wrongChain: Boolean(address) && chainId !== undefined && chainId !== app.chainId,
    expectedChainId: app.chainId,
  };
}
