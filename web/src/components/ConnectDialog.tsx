import { useState } from "react";
import { type Connector, useConnect, useConnectors } from "wagmi";
import { shortAddress } from "../lib/format.ts";
import { DEV_WALLET_ID, type DevWalletProperties, devAccount } from "../lib/wallet/devWallet.ts";
import { DEV_ACCOUNT_COUNT, HARDHAT_PRIVATE_KEYS } from "../lib/wallet/hardhatAccounts.ts";
import { Button } from "./ui/Button.tsx";
import { Dialog } from "./ui/Dialog.tsx";
import { ErrorAlert } from "./ui/States.tsx";

export function asDevWallet(connector: Connector): (Connector & DevWalletProperties) | null {
  return connector.id === DEV_WALLET_ID ? (connector as unknown as Connector & DevWalletProperties) : null;
}

const DEV_INDEXES = Array.from({ length: DEV_ACCOUNT_COUNT - 1 }, (_, i) => i + 1);
const label = (i: number) =>
  HARDHAT_PRIVATE_KEYS[i] ? `#${i} · ${shortAddress(devAccount(i).address)}` : `#${i} · demo person`;

export function ConnectDialog({ onClose }: { onClose: () => void }) {
  const connectors = useConnectors();
  const connect = useConnect();
  const dev = connectors.map(asDevWallet).find((c) => c !== null) ?? null;
  const injected = connectors.filter((c) => c.id !== DEV_WALLET_ID);
  // The generic "Injected" connector only helps when no EIP-6963 wallet announced itself.
  const announced = injected.filter((c) => c.id !== "injected");
  const wallets = announced.length > 0 ? announced : injected;
  const hasEthereum = typeof window !== "undefined" && "ethereum" in window;
  const [index, setIndex] = useState(() => dev?.getAccountIndex() ?? 1);

  const connectWith = (connector: Connector) => connect.mutate({ connector }, { onSuccess: onClose });

  return (
    <Dialog title="Connect a wallet" onClose={onClose}>
      <section className="stack" aria-labelledby="browser-wallets">
        <h3 id="browser-wallets">Browser wallets</h3>
        {wallets.length === 0 || (announced.length === 0 && !hasEthereum) ? (
          <p className="muted small">
            No browser wallet found. Install one, or use the development wallet below.
          </p>
        ) : (
          <div className="stack">
            {wallets.map((c) => (
              <Button
                key={c.uid}
                onClick={() => connectWith(c)}
                loading={connect.isPending && connect.variables?.connector === c}
                data-testid={`connect-${c.id}`}
              >
                {c.icon && <img src={c.icon} alt="" width={18} height={18} />}
                {c.name}
              </Button>
            ))}
          </div>
        )}
      </section>
      {dev && (
        <section className="stack card" style={{ boxShadow: "none" }} aria-labelledby="dev-wallet">
          <div className="row-between">
            <h3 id="dev-wallet">Development wallet</h3>
            <span className="badge badge-warn">Local chain only</span>
          </div>
          <p className="muted small">
            Signs in this page with the Hardhat node's public test keys. Never use it with real funds.
          </p>
          <div className="field">
            <label htmlFor="dev-account">Test account</label>
            <select
              id="dev-account"
              className="select"
              data-testid="dev-account-select"
              value={index}
              onChange={(e) => setIndex(Number(e.target.value))}
            >
              {DEV_INDEXES.map((i) => (
                <option key={i} value={i}>
                  {label(i)}
                </option>
              ))}
            </select>
          </div>
          <Button
            variant="primary"
            data-testid="connect-dev-wallet"
            loading={connect.isPending && connect.variables?.connector === dev}
            onClick={async () => {
              await dev.setAccountIndex(index);
              connectWith(dev);
            }}
          >
            Use development account #{index}
          </Button>
        </section>
      )}
      <ErrorAlert error={connect.error} testId="connect-error" />
    </Dialog>
  );
}
