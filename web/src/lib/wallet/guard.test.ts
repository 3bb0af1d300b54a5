/**
 * The wallet guard against an injected EIP-1193 wallet (a fake provider that
 * records every request): nothing is signed or sent on the wrong chain or for
 * another account, and a signature that arrives after the account changed is
 * dropped.
 */
import type { Address } from "viem";
import { describe, expect, it } from "vitest";
import { testApp } from "../../test/fixtures.tsx";
import { SIGNATURE, walletOn } from "../../test/wallet.ts";
import { ampSocialAbi } from "../chain/abi.ts";
import { describeError } from "../errors.ts";
import { devAccount } from "./devWallet.ts";
import { guardedWallet, type WalletGuardError, WalletScope, walletProblem, walletScope } from "./guard.ts";

const A = devAccount(1).address;
const B = devAccount(2).address;

const typed = {
  domain: { name: "AMP", version: "1", chainId: testApp.chainId },
  types: { Ping: [{ name: "n", type: "uint256" }] },
  primaryType: "Ping",
  message: { n: 1n },
};
const publish = {
  address: testApp.contracts.social,
  abi: ampSocialAbi,
  functionName: "publish",
  args: [1n, [], "hi", `0x${"00".repeat(32)}`, ""],
} as const;

describe("walletProblem", () => {
  const needs = { chainId: 31337, account: A };
  it("passes the app's chain and the action's account, in any letter case", () => {
    expect(
      walletProblem({ connected: true, chainId: 31337, account: A.toLowerCase() as Address }, needs),
    ).toBe(null);
  });
  it("names what is wrong: not connected, another chain, another account", () => {
    expect(walletProblem({ connected: false, chainId: 31337, account: undefined }, needs)?.code).toBe(
      "NOT_CONNECTED",
    );
    const chain = walletProblem({ connected: true, chainId: 1, account: A }, needs);
    expect(chain?.code).toBe("WRONG_CHAIN");
    expect(describeError(chain)).toEqual({
      title: "Wrong network",
      message: "Your wallet is on another network. Switch to chain 31337 and retry.",
    });
    expect(walletProblem({ connected: true, chainId: 31337, account: B }, needs)?.code).toBe("WRONG_ACCOUNT");
  });
});

describe("WalletScope", () => {
  it("aborts the old scope's signal when the account or the chain changes, not otherwise", () => {
    const scope = new WalletScope();
    const changes: number[] = [];
    scope.onChange(() => changes.push(1));
    scope.update(31337, A);
    const first = scope.signal;
    expect(scope.update(31337, A.toLowerCase() as Address)).toBe(false);
    expect(first.aborted).toBe(false);
    expect(scope.update(31337, B)).toBe(true);
    expect(first.aborted).toBe(true);
    expect((first.reason as WalletGuardError).code).toBe("WALLET_CHANGED");
    const second = scope.signal;
    scope.update(1, B);
    expect(second.aborted).toBe(true);
    expect(changes).toHaveLength(2);
  });
});

describe("guardedWallet", () => {
  it("on the wrong chain neither signs nor sends, and wagmi is told the chain for writes", async () => {
    const { config, provider } = await walletOn(1, A);
    const wallet = guardedWallet(config, { chainId: testApp.chainId, account: A });
    const signError = await wallet.signTypedData(typed).catch((e: unknown) => e);
    const writeError = await wallet.writeContract(publish).catch((e: unknown) => e);
    expect((signError as WalletGuardError).code).toBe("WRONG_CHAIN");
    expect((writeError as WalletGuardError).code).toBe("WRONG_CHAIN");
    expect(provider.signing()).toEqual([]);
  });

  it("refuses to sign for an account the action was not started for", async () => {
    const { config, provider } = await walletOn(testApp.chainId, A);
    const forB = guardedWallet(config, { chainId: testApp.chainId, account: B });
    const error = await forB.signTypedData(typed).catch((e: unknown) => e);
    expect((error as WalletGuardError).code).toBe("WRONG_ACCOUNT");
    expect(provider.signing()).toEqual([]);
    const forA = guardedWallet(config, { chainId: testApp.chainId, account: A });
    expect(await forA.signTypedData(typed)).toBe(SIGNATURE);
    expect(provider.signing()).toEqual(["eth_signTypedData_v4"]);
  });

  it("drops a signature that comes back after the wallet switched accounts, and refuses later calls", async () => {
    const { config, provider } = await walletOn(testApp.chainId, A);
    walletScope(config);
    let release: () => void = () => {};
    provider.hold = (r) => {
      release = r;
    };
    const wallet = guardedWallet(config, { chainId: testApp.chainId, account: A });
    const pending = wallet.signTypedData(typed).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 20));
    expect(provider.signing()).toEqual(["eth_signTypedData_v4"]);
    provider.account = B;
    provider.emit("accountsChanged", [B]);
    await new Promise((r) => setTimeout(r, 20));
    release();
    expect(((await pending) as WalletGuardError).code).toBe("WALLET_CHANGED");
    expect(wallet.signal.aborted).toBe(true);
    provider.hold = null;
    const later = await wallet.writeContract(publish).catch((e: unknown) => e);
    expect((later as WalletGuardError).code).toBe("WALLET_CHANGED");
    expect(provider.signing()).toEqual(["eth_signTypedData_v4"]);
  });
});
