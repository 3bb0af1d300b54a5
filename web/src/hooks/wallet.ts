import { useEffect, useRef } from "react";
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

/**
 * Whether wallet actions may start: connected, on the app's chain. Buttons
 * that sign or send are disabled while it is false (the banner offers the
 * switch); the guard in lib/wallet/guard.ts checks again when they run.
 */
export function useWalletReady() {
  const { address, wrongChain, expectedChainId } = useChainStatus();
  const ready = Boolean(address) && !wrongChain;
  return {
    ready,
    address,
    wrongChain,
    expectedChainId,
    /** A title for a disabled action button. */
    hint: !address
      ? "Connect a wallet first"
      : wrongChain
        ? `Switch your wallet to chain ${expectedChainId} first`
        : undefined,
  };
}

/** `${chainId}:${account}` of the wallet; changes when either does. */
export function useWalletKey(): string {
  const { address, chainId } = useConnection();
  return `${chainId ?? "-"}:${address?.toLowerCase() ?? "-"}`;
}

/**
 * Calls `reset` when the wallet's account or chain changes: what a mutation
 * showed (an error, a pending prompt) belonged to the old wallet state.
 */
export function useResetOnWalletChange(reset: () => void): void {
  const key = useWalletKey();
  const last = useRef(key);
  useEffect(() => {
    if (last.current === key) return;
    last.current = key;
    reset();
  }, [key, reset]);
}
