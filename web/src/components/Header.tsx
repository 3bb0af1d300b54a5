import { useEffect, useRef, useState } from "react";
import { useConnection, useDisconnect } from "wagmi";
import { useAmpBalance } from "../hooks/wallet.ts";
import { formatAmp } from "../lib/format.ts";
import { href, type Route } from "../lib/router.ts";
import { ConnectDialog } from "./ConnectDialog.tsx";
import { NotificationsLink } from "./Conversation.tsx";
import { SearchBox } from "./SearchBox.tsx";
import { AccountLabel, Avatar } from "./ui/Address.tsx";
import { Button } from "./ui/Button.tsx";

const NAV: { label: string; route: Route }[] = [
  { label: "Stream", route: { name: "stream", community: null } },
  { label: "Communities", route: { name: "communities" } },
  { label: "Campaigns", route: { name: "campaigns" } },
  { label: "Rewards", route: { name: "rewards" } },
  { label: "Settings", route: { name: "settings" } },
];

function isCurrent(current: Route, target: Route): boolean {
  if (target.name === "communities") return current.name === "communities" || current.name === "community";
  if (target.name === "campaigns") return current.name === "campaigns" || current.name === "campaign";
  return current.name === target.name;
}

export function Header({ route }: { route: Route }) {
  const { address, connector } = useConnection();
  const disconnect = useDisconnect();
  const balance = useAmpBalance();
  const [connecting, setConnecting] = useState(false);
  const nav = useRef<HTMLElement>(null);

  // On a phone the nav scrolls sideways: keep the current page's link in view.
  const activeHref = href(NAV.find((item) => isCurrent(route, item.route))?.route ?? route);
  useEffect(() => {
    const current = nav.current?.querySelector<HTMLElement>(`a[href="${activeHref}"]`);
    current?.scrollIntoView?.({ block: "nearest", inline: "nearest" });
  }, [activeHref]);

  return (
    <header className="header">
      <div className="container header-inner">
        <a className="logo" href="#/" aria-label="AMP home">
          <span className="logo-mark" aria-hidden="true" />
          <span className="logo-text">AMP</span>
        </a>
        <nav className="nav" aria-label="Main" ref={nav}>
          {NAV.map((item) => (
            <a
              key={item.label}
              href={href(item.route)}
              aria-current={isCurrent(route, item.route) ? "page" : undefined}
            >
              {item.label}
            </a>
          ))}
        </nav>
        <SearchBox route={route} />
        <div className="header-account">
          {address ? (
            <>
              <NotificationsLink />
              <span className="badge" data-testid="amp-balance" title="Your AMP balance">
                {balance.data === undefined ? "…" : formatAmp(balance.data, 2)} AMP
              </span>
              <a
                className="account-chip"
                href={href({ name: "profile", address })}
                data-testid="account-chip"
                data-address={address}
                title={`${address} via ${connector?.name ?? "wallet"}`}
              >
                <Avatar address={address} small />
                <AccountLabel address={address} className="small account-address" />
              </a>
              <Button
                size="sm"
                variant="ghost"
                onClick={() => disconnect.mutate({})}
                data-testid="disconnect-button"
              >
                Disconnect
              </Button>
            </>
          ) : (
            <Button variant="primary" onClick={() => setConnecting(true)} data-testid="connect-button">
              Connect wallet
            </Button>
          )}
        </div>
      </div>
      {connecting && <ConnectDialog onClose={() => setConnecting(false)} />}
    </header>
  );
}
