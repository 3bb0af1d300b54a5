import { useEffect, useRef } from "react";
import { useConnect, useConnection, useConnectors } from "wagmi";
import { asDevWallet } from "./ConnectDialog.tsx";

/**
 * `?devAccount=N` in the page URL connects the development wallet as Hardhat
 * account #N on load (for demos and browser tests).
 */
export function DevAutoConnect() {
  const connectors = useConnectors();
  const connect = useConnect();
  const { address, connector, status } = useConnection();
  const done = useRef(false);
  useEffect(() => {
    const param = new URLSearchParams(window.location.search).get("devAccount");
    // Once per page load, after wagmi has tried to restore the last connection.
    if (param === null || done.current || status === "reconnecting" || status === "connecting") return;
    const dev = connectors.map(asDevWallet).find((c) => c !== null);
    const index = Number(param);
    if (!dev || !Number.isInteger(index)) return;
    done.current = true;
    if (address && connector?.id === dev.id && dev.getAccountIndex() === index) return;
    void dev.setAccountIndex(index).then(() => {
      if (!address || connector?.id !== dev.id) connect.mutate({ connector: dev });
    });
  }, [connectors, address, connector, status, connect.mutate]);
  return null;
}
