import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { createWagmiConfig } from "../config/wagmi.ts";
import { devAccount } from "../lib/wallet/devWallet.ts";
import { fakeGraphQL, Providers, testApp } from "../test/fixtures.tsx";
import { ConnectDialog } from "./ConnectDialog.tsx";

afterEach(cleanup);

const ICON =
  "data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciIHZpZXdCb3g9IjAgMCAxIDEiLz4=";

/** A browser wallet that announces itself the EIP-6963 way. */
function announceWallet(name: string) {
  const detail = Object.freeze({
    info: {
      uuid: crypto.randomUUID(),
      name,
      icon: ICON,
      rdns: `com.example.${name.toLowerCase().replace(/\W/g, "")}`,
    },
    provider: { request: async () => null, on() {}, removeListener() {} },
  });
  const announce = () => window.dispatchEvent(new CustomEvent("eip6963:announceProvider", { detail }));
  window.addEventListener("eip6963:requestProvider", announce);
  announce();
  return () => window.removeEventListener("eip6963:requestProvider", announce);
}

describe("ConnectDialog", () => {
  it("lists wallets discovered through EIP-6963 next to the development wallet", async () => {
    const stop = announceWallet("Test Wallet");
    try {
      const wagmiConfig = createWagmiConfig(testApp);
      render(
        <Providers gql={fakeGraphQL({}).client} wagmiConfig={wagmiConfig}>
          <ConnectDialog onClose={() => {}} />
        </Providers>,
      );
      expect(await screen.findByRole("button", { name: "Test Wallet" })).toBeTruthy();
      expect(screen.getByRole("dialog", { name: "Connect a wallet" })).toBeTruthy();
      expect(screen.getByText("Local chain only")).toBeTruthy();
    } finally {
      stop();
    }
  });

  it("renders at document.body, outside the header whose backdrop-filter would trap a fixed backdrop", async () => {
    const wagmiConfig = createWagmiConfig(testApp);
    let closed = false;
    render(
      <Providers gql={fakeGraphQL({}).client} wagmiConfig={wagmiConfig}>
        <header className="header" data-testid="host-header">
          <ConnectDialog onClose={() => (closed = true)} />
        </header>
      </Providers>,
    );
    const dialog = screen.getByRole("dialog", { name: "Connect a wallet" });
    expect(dialog.closest("header")).toBeNull();
    expect(dialog.parentElement?.parentElement).toBe(document.body);
    expect(screen.getByTestId("host-header").children).toHaveLength(0);
    // Focus starts inside, Tab stays inside, Escape closes.
    expect(dialog.contains(document.activeElement)).toBe(true);
    fireEvent.keyDown(document, { key: "Escape" });
    expect(closed).toBe(true);
  });

  it("connects the development wallet as the picked account", async () => {
    const wagmiConfig = createWagmiConfig(testApp);
    let closed = false;
    render(
      <Providers gql={fakeGraphQL({}).client} wagmiConfig={wagmiConfig}>
        <ConnectDialog onClose={() => (closed = true)} />
      </Providers>,
    );
    fireEvent.change(screen.getByTestId("dev-account-select"), { target: { value: "4" } });
    expect(screen.getByTestId("connect-dev-wallet").textContent).toBe("Use development account #4");
    fireEvent.click(screen.getByTestId("connect-dev-wallet"));
    await waitFor(() => expect(closed).toBe(true));
    expect(wagmiConfig.state.connections.size).toBe(1);
    const [connection] = [...wagmiConfig.state.connections.values()];
    expect(connection?.accounts[0]).toBe(devAccount(4).address);
  });
});
