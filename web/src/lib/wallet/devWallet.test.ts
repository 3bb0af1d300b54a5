import { verifyTypedData } from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { describe, expect, it } from "vitest";
import { connect, getConnection, signTypedData } from "wagmi/actions";
import { createWagmiConfig } from "../../config/wagmi.ts";
import { testApp } from "../../test/fixtures.tsx";
import { DEV_WALLET_ID, type DevWalletProperties, devAccount, loadDevAccount } from "./devWallet.ts";
import { HARDHAT_PRIVATE_KEYS } from "./hardhatAccounts.ts";

describe("development wallet", () => {
  it("holds exactly Hardhat's test accounts #0..#9", () => {
    const mnemonic = "test test test test test test test test test test test junk";
    HARDHAT_PRIVATE_KEYS.forEach((_, i) => {
      expect(devAccount(i).address).toBe(mnemonicToAccount(mnemonic, { addressIndex: i }).address);
    });
  });

  it("derives accounts past #9 from the development mnemonic on demand", async () => {
    const mnemonic = "test test test test test test test test test test test junk";
    const account = await loadDevAccount(25);
    expect(account.address).toBe(mnemonicToAccount(mnemonic, { addressIndex: 25 }).address);
    await expect(loadDevAccount(50)).rejects.toMatchObject({ code: "DEV_WALLET_UNKNOWN_ACCOUNT" });
  });

  it("connects as the chosen account, switches accounts and signs typed data locally", async () => {
    const config = createWagmiConfig(testApp);
    const dev = config.connectors.find((c) => c.id === DEV_WALLET_ID) as (typeof config.connectors)[number] &
      DevWalletProperties;
    expect(dev.name).toBe("Development wallet");
    await dev.setAccountIndex(6);
    await connect(config, { connector: dev });
    expect(getConnection(config).address).toBe(devAccount(6).address);
    expect(getConnection(config).chainId).toBe(31337);

    await dev.setAccountIndex(2);
    expect(getConnection(config).address).toBe(devAccount(2).address);

    const typed = {
      domain: { name: "AMP", version: "1", chainId: 31337, verifyingContract: testApp.contracts.social },
      types: { Like: [{ name: "postId", type: "uint256" }] },
      primaryType: "Like",
      message: { postId: 1n },
    } as const;
    const signature = await signTypedData(config, typed);
    expect(await verifyTypedData({ ...typed, address: devAccount(2).address, signature })).toBe(true);
  });

  it("only offers the development wallet on the local chain", () => {
    const config = createWagmiConfig({ ...testApp, chainId: 8453 });
    expect(config.connectors.some((c) => c.id === DEV_WALLET_ID)).toBe(false);
  });
});
