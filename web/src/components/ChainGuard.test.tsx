import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { hardhat, mainnet } from "viem/chains";
import { afterEach, describe, expect, it } from "vitest";
import { createConfig, http, mock } from "wagmi";
import { connect } from "wagmi/actions";
import { devAccount } from "../lib/wallet/devWallet.ts";
import { fakeGraphQL, Providers } from "../test/fixtures.tsx";
import { ChainGuard } from "./ChainGuard.tsx";

afterEach(cleanup);

function walletOn(chainId: typeof hardhat.id | typeof mainnet.id) {
  const config = createConfig({
    chains: [hardhat, mainnet],
    connectors: [mock({ accounts: [devAccount(1).address] })],
    transports: { [hardhat.id]: http("http://127.0.0.1:1"), [mainnet.id]: http("http://127.0.0.1:1") },
  });
  return {
    config,
    connected: connect(config, {
      connector: config.connectors[0] as (typeof config.connectors)[number],
      chainId,
    }),
  };
}

describe("ChainGuard", () => {
  it("says the wallet is on the wrong network and switches it", async () => {
    const { config, connected } = walletOn(mainnet.id);
    await connected;
    render(
      <Providers gql={fakeGraphQL({}).client} wagmiConfig={config}>
        <ChainGuard />
      </Providers>,
    );
    expect(screen.getByTestId("wrong-chain").textContent).toMatch(/another network.*31337/);
    fireEvent.click(screen.getByRole("button", { name: "Switch network" }));
    await waitFor(() => expect(screen.queryByTestId("wrong-chain")).toBeNull());
  });

  it("stays quiet on the right chain", async () => {
    const { config, connected } = walletOn(hardhat.id);
    await connected;
    render(
      <Providers gql={fakeGraphQL({}).client} wagmiConfig={config}>
        <ChainGuard />
      </Providers>,
    );
    expect(screen.queryByTestId("wrong-chain")).toBeNull();
  });
});
