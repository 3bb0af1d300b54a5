/**
 * The dApp in Chromium with a browser wallet of the kind people use: an
 * injected EIP-1193 provider announced over EIP-6963 (test/lib/injected-wallet.ts),
 * whose keys stay in this process. Every journey runs against the network from
 * `npm start`: connect by mouse and by touch, the wrong chain, account
 * switches, rejection and retry, a refused permit and the approve path, and
 * one claim. The wallet records every request; the suite checks that none
 * signed or sent on the wrong chain or for an account the person had not
 * acted as, and prints the methods the dApp called.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { type Account, type Address, type Hex, type PrivateKeyAccount, parseEther } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ampEscrowAbi } from "#protocol";
import { devAccount, graphql } from "#protocol/client.ts";
import { expectAccessible, foundersLike, launchChromium } from "#test-kit/browser.ts";
import { chainClients } from "#test-kit/chain.ts";
import { InjectedWallet, TEST_WALLET_INFO, type WalletCall } from "#test-kit/injected-wallet.ts";
import { type RunningNetwork, startNetwork, stopNetworkGroup, until } from "#test-kit/network.ts";
import { CLAIM_GAS_LIMIT } from "../web/src/lib/chain/actions.ts";

const MAINNET = 1;
const CONNECT_ENTRY = `connect-${TEST_WALLET_INFO.rdns}`;

let net: RunningNetwork;
let browser: Browser;
let chain: ReturnType<typeof chainClients>;
const wallets: InjectedWallet[] = [];
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  net = await startNetwork(38545);
  chain = chainClients(net.rpcUrl, net.deployment);
  browser = await launchChromium();
}, 20 * 60_000);

afterAll(async () => {
  if (wallets.length > 0) {
    const all = wallets.flatMap((w) => w.calls);
    const counts = new Map<string, number>();
    for (const call of all) counts.set(call.method, (counts.get(call.method) ?? 0) + 1);
    const lines = [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([m, n]) => `  ${m} x${n}`);
    console.log(`provider methods the dApp called (${all.length} requests):\n${lines.join("\n")}`);
    const signing = wallets.flatMap((w) => w.signingCalls());
    console.log(
      `signatures and transactions: ${signing.length}, on the wrong chain or for an account not acted as: ${
        wallets.flatMap((w) => w.violations()).length
      }`,
    );
  }
  for (const context of contexts) await context.close().catch(() => {});
  await browser?.close();
  if (net) await stopNetworkGroup(net.child);
});

function newKeys(count: number): PrivateKeyAccount[] {
  return Array.from({ length: count }, () => privateKeyToAccount(generatePrivateKey()));
}

/** A browser context with the test wallet installed, and a page on the dApp. */
async function openWithWallet(
  accounts: PrivateKeyAccount[],
  options: { chainId?: number; knownChains?: number[]; phone?: boolean; route?: string } = {},
): Promise<{ page: Page; wallet: InjectedWallet }> {
  const wallet = new InjectedWallet({
    rpcUrl: net.rpcUrl,
    appChain: chain.chain,
    accounts,
    ...(options.chainId !== undefined ? { chainId: options.chainId } : {}),
    ...(options.knownChains ? { knownChains: options.knownChains } : {}),
  });
  wallets.push(wallet);
  const context = await browser.newContext(
    options.phone
      ? { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 }
      : { viewport: { width: 1280, height: 900 } },
  );
  contexts.push(context);
  await wallet.attach(context);
  const page = await context.newPage();
  page.on("pageerror", (error) => console.error(`page error: ${error.message}`));
  await page.goto(`${net.webUrl}#${options.route ?? "/"}`);
  return { page, wallet };
}

async function goto(page: Page, route: string) {
  await page.evaluate((r) => {
    window.location.hash = r;
  }, route);
}

const chip = (page: Page, address: Address) =>
  page.locator(`[data-testid=account-chip][data-address="${address}" i]`);

/** Opens the connect dialog and clicks the wallet's entry with the mouse, where it is on screen. */
async function connectByMouse(page: Page, wallet: InjectedWallet) {
  await page.getByTestId("connect-button").click();
  const entry = page.getByTestId(CONNECT_ENTRY);
  await entry.waitFor({ timeout: 30_000 });
  const box = await entry.boundingBox();
  if (!box) throw new Error("the wallet entry has no box");
  const [x, y] = [box.x + box.width / 2, box.y + box.height / 2];
  const viewport = page.viewportSize();
  expect(y).toBeGreaterThan(0);
  expect(y).toBeLessThan(viewport?.height ?? 0);
  // What a pointer at that spot hits is the entry itself, not a backdrop or the header.
  const hit = await page.evaluate(
    ([px, py]) =>
      document
        .elementFromPoint(px as number, py as number)
        ?.closest("[data-testid]")
        ?.getAttribute("data-testid"),
    [x, y] as const,
  );
  expect(hit).toBe(CONNECT_ENTRY);
  wallet.act();
  await page.mouse.click(x, y);
  await chip(page, wallet.account.address).waitFor({ state: "attached", timeout: 30_000 });
}

const viewsOf = async (account: Address) =>
  (
    await graphql<{ messages: { edges: { node: { message: string } }[] } }>(
      net.graphqlUrl,
      `{ messages(account: "${account}", kind: View, first: 50) { edges { node { message } } } }`,
    )
  ).messages.edges.map((e) => JSON.parse(e.node.message) as { postId: string; campaignId: string });

const messagesOf = async (account: Address) =>
  (
    await graphql<{ messages: { edges: { node: { kind: string } }[] } }>(
      net.graphqlUrl,
      `{ messages(account: "${account}", first: 50) { edges { node { kind } } } }`,
    )
  ).messages.edges.map((e) => e.node.kind);

const signingFor = (wallet: InjectedWallet, account: Address): WalletCall[] =>
  wallet.signingCalls().filter((c) => c.account.toLowerCase() === account.toLowerCase());

const since = (wallet: InjectedWallet, mark: number) => wallet.calls.slice(mark);

async function fund(accounts: Account[], amp = "1000") {
  for (const account of accounts) await chain.fund(account, amp);
}

async function publishFromComposer(page: Page, text: string) {
  await page.getByTestId("composer-community").selectOption("1");
  await page.getByTestId("composer-text").fill(text);
  await page.getByTestId("publish-button").click();
}

describe("the dApp with an injected EIP-6963 wallet", () => {
  it("connects by mouse on a desktop and by touch on a phone; the dialog traps focus and closes on Escape", async () => {
    const [desktopKey, phoneKey] = newKeys(2) as [PrivateKeyAccount, PrivateKeyAccount];
    const desktop = await openWithWallet([desktopKey]);
    const page = desktop.page;

    // Keyboard: the dialog has a name, keeps Tab inside, and Escape closes it.
    await page.getByTestId("connect-button").click();
    const dialog = page.getByRole("dialog", { name: "Connect a wallet" });
    await dialog.waitFor();
    await expectAccessible(page, "connect dialog");
    expect(await page.evaluate(() => document.querySelector("[role=dialog]")?.closest("header"))).toBeNull();
    for (let i = 0; i < 8; i++) {
      await page.keyboard.press("Tab");
      expect(await page.evaluate(() => Boolean(document.activeElement?.closest("[role=dialog]")))).toBe(true);
    }
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "detached" });
    expect(desktop.wallet.calls.filter((c) => c.method === "eth_requestAccounts")).toHaveLength(0);

    await connectByMouse(page, desktop.wallet);
    expect(desktop.wallet.calls.filter((c) => c.method === "eth_requestAccounts")).toHaveLength(1);

    // A phone, 390 px wide, with touch.
    const phone = await openWithWallet([phoneKey], { phone: true });
    await phone.page.getByTestId("connect-button").tap();
    const entry = phone.page.getByTestId(CONNECT_ENTRY);
    await entry.waitFor();
    const box = await entry.boundingBox();
    expect(box && box.y > 0 && box.y + box.height < 844 && box.x >= 0 && box.x + box.width <= 390).toBe(true);
    phone.wallet.act();
    await entry.tap();
    await chip(phone.page, phoneKey.address).waitFor({ state: "attached", timeout: 30_000 });
    for (const w of [desktop.wallet, phone.wallet]) expect(w.violations()).toEqual([]);
  });

  it("on the wrong chain sends and signs nothing, disables actions and switches (adding the chain on 4902)", async () => {
    const [key] = newKeys(1) as [PrivateKeyAccount];
    await fund([key]);
    const { page, wallet } = await openWithWallet([key], { chainId: MAINNET, knownChains: [MAINNET] });
    await connectByMouse(page, wallet);
    await page.getByTestId("wrong-chain").waitFor();
    // Publish, like, engagement and the policy are all disabled; clicking them does nothing.
    await page.getByTestId("composer-text").fill("this must not reach mainnet");
    await page.getByTestId("composer-community").selectOption("1");
    expect(await page.getByTestId("publish-button").isDisabled()).toBe(true);
    await page.getByTestId("publish-button").click({ force: true });
    await page.getByTestId("post-card").first().waitFor({ timeout: 30_000 });
    await expectAccessible(page, "stream on the wrong chain");
    expect(await page.getByTestId("like-button").first().isDisabled()).toBe(true);
    expect(await page.getByTestId("enable-session").isDisabled()).toBe(true);
    await goto(page, "/settings");
    expect(await page.getByTestId("policy-save").isDisabled()).toBe(true);
    await page.getByTestId("policy-save").click({ force: true });
    await goto(page, "/rewards");
    expect(await page.getByTestId("claim-button").isDisabled()).toBe(true);
    await page.waitForTimeout(1500);
    expect(wallet.signingCalls()).toEqual([]);

    // The switch: the wallet does not know chain 31337 (4902), so the dApp adds it, and the wallet is on it.
    await page.getByTestId("switch-chain").click();
    await page.getByTestId("wrong-chain").waitFor({ state: "detached", timeout: 30_000 });
    const switching = wallet.calls.filter(
      (c) => c.method === "wallet_switchEthereumChain" || c.method === "wallet_addEthereumChain",
    );
    expect(switching.map((c) => [c.method, c.outcome])).toEqual([
      ["wallet_switchEthereumChain", "error"],
      ["wallet_addEthereumChain", "ok"],
    ]);
    expect(wallet.chainId).toBe(chain.chain.id);

    // On the right chain the same post goes out, on chain 31337.
    await goto(page, "/");
    wallet.act();
    await publishFromComposer(page, `Published after the switch ${Date.now()}`);
    await page.getByTestId("composer-confirmed").waitFor({ timeout: 60_000 });
    const sent = wallet.calls.filter((c) => c.method === "eth_sendTransaction");
    expect(sent.map((c) => [c.chainId, c.outcome])).toEqual([[chain.chain.id, "ok"]]);

    // A wallet error from before a chain change does not outlive it.
    await goto(page, "/settings");
    wallet.rejectNext("eth_signTypedData_v4");
    await page.getByTestId("policy-mode-everyone").check();
    await page.getByTestId("policy-save").click();
    await page.getByTestId("policy-error").waitFor({ timeout: 30_000 });
    await wallet.selectChain(MAINNET);
    await page.getByTestId("wrong-chain").waitFor();
    await page.getByTestId("policy-error").waitFor({ state: "detached" });
    expect(await page.getByTestId("policy-save").isDisabled()).toBe(true);
    await page.getByTestId("switch-chain").click(); // known now: a plain switch
    await page.getByTestId("wrong-chain").waitFor({ state: "detached", timeout: 30_000 });
    await page.getByTestId("policy-save").click();
    await page.getByTestId("policy-saved").waitFor({ timeout: 30_000 });
    expect(wallet.violations()).toEqual([]);
  });

  it("after an account switch asks nothing and sends no receipt for the new account until it acts", async () => {
    const [a, b, c] = newKeys(3) as [PrivateKeyAccount, PrivateKeyAccount, PrivateKeyAccount];
    const { page, wallet } = await openWithWallet([a, b, c]);
    await connectByMouse(page, wallet);
    await page.getByTestId("post-card").first().waitFor({ timeout: 60_000 });
    // A enables engagement: one Delegation, asked by the click.
    wallet.act();
    await page.getByTestId("enable-session").click();
    await page.getByTestId("session-banner").waitFor({ state: "detached", timeout: 30_000 });
    // Posts are on A's screen and their dwell clocks run; A switches to B before they finish.
    await page.waitForTimeout(1000);
    const markB = wallet.calls.length;
    await wallet.selectAccount(1);
    await chip(page, b.address).waitFor({ state: "attached", timeout: 30_000 });
    await page.waitForTimeout(8000);
    // Then on to C, and again nothing is asked.
    await wallet.selectAccount(2);
    await chip(page, c.address).waitFor({ state: "attached", timeout: 30_000 });
    await page.waitForTimeout(8000);
    expect(signingFor(wallet, b.address)).toEqual([]);
    expect(signingFor(wallet, c.address)).toEqual([]);
    expect(since(wallet, markB).filter((x) => x.method === "eth_signTypedData_v4")).toEqual([]);
    expect(await messagesOf(b.address)).toEqual([]);
    expect(await messagesOf(c.address)).toEqual([]);
    await page.getByTestId("session-banner").waitFor();

    // C views: it turns engagement on with one click (one prompt) and its own dwell sends its receipts.
    wallet.act();
    await page.getByTestId("enable-session").click();
    await page.getByTestId("session-banner").waitFor({ state: "detached", timeout: 30_000 });
    expect(signingFor(wallet, c.address).map((x) => x.primaryType)).toEqual(["Delegation"]);
    await page.locator("[data-testid=post-card][data-viewed=true]").first().waitFor({ timeout: 60_000 });
    await until("C's view receipt", async () => (await viewsOf(c.address)).length > 0);
    expect(await messagesOf(b.address)).toEqual([]);
    expect(signingFor(wallet, b.address)).toEqual([]);
    expect(wallet.violations()).toEqual([]);
  });

  it("takes a rejection, says so once and succeeds on retry", async () => {
    const [key] = newKeys(1) as [PrivateKeyAccount];
    await fund([key]);
    const { page, wallet } = await openWithWallet([key]);
    await connectByMouse(page, wallet);
    wallet.act();
    wallet.rejectNext("eth_sendTransaction");
    await publishFromComposer(page, `Second time lucky ${Date.now()}`);
    const error = page.getByTestId("composer-error");
    await error.waitFor({ timeout: 30_000 });
    expect(await error.textContent()).toMatch(/rejected/i);
    await page.getByTestId("publish-button").click();
    await page.getByTestId("composer-confirmed").waitFor({ timeout: 60_000 });
    expect(await page.getByTestId("composer-error").count()).toBe(0);
    const sent = wallet.calls.filter((c) => c.method === "eth_sendTransaction").map((c) => c.outcome);
    expect(sent).toEqual(["rejected", "ok"]);

    await goto(page, "/settings");
    wallet.rejectNext("eth_signTypedData_v4");
    await page.getByTestId("policy-mode-everyone").check();
    await page.getByTestId("policy-save").click();
    await page.getByTestId("policy-error").waitFor({ timeout: 30_000 });
    await page.getByTestId("policy-save").click();
    await page.getByTestId("policy-saved").waitFor({ timeout: 30_000 });
    expect(wallet.violations()).toEqual([]);
  });

  it("shows a refused permit as failed and takes the approve path; a declined permit stops there", async () => {
    const [key] = newKeys(1) as [PrivateKeyAccount];
    await fund([key]);
    const { page, wallet } = await openWithWallet([key]);
    await connectByMouse(page, wallet);
    const steps = async () =>
      page
        .locator("[data-testid=amplify-steps] li")
        .evaluateAll((lis) =>
          lis.map((li) => `${li.getAttribute("data-step")}:${li.getAttribute("data-state")}`),
        );
    const openAmplify = async (amount: string) => {
      await goto(page, "/");
      await page.getByTestId("amplify-button").first().click();
      await page.getByTestId("amplify-amount").fill(amount);
    };

    // The wallet cannot sign permits (4200): the permit shows as failed, then approve and amplify.
    wallet.unsupported.add("eth_signTypedData_v4");
    await openAmplify("50");
    wallet.act();
    await page.getByTestId("amplify-submit").click();
    await page.getByTestId("amplify-success").waitFor({ timeout: 90_000 });
    expect(await steps()).toEqual([
      "permit:failed",
      "approve:done",
      "amplify:done",
      "confirm:done",
      "done:done",
    ]);
    expect(
      wallet.calls
        .filter((c) => c.method === "eth_sendTransaction" || c.method === "eth_signTypedData_v4")
        .map((c) => `${c.method}:${c.outcome}`),
    ).toEqual(["eth_signTypedData_v4:unsupported", "eth_sendTransaction:ok", "eth_sendTransaction:ok"]);
    await page.keyboard.press("Escape");

    // The person declines the permit (4001): declined, nothing sent, and a retry signs it in one transaction.
    wallet.unsupported.delete("eth_signTypedData_v4");
    wallet.rejectNext("eth_signTypedData_v4");
    const mark = wallet.calls.length;
    await openAmplify("30");
    await page.getByTestId("amplify-submit").click();
    await page.getByTestId("amplify-error").waitFor({ timeout: 30_000 });
    expect((await steps())[0]).toBe("permit:declined");
    expect(since(wallet, mark).filter((c) => c.method === "eth_sendTransaction")).toEqual([]);
    await page.getByTestId("amplify-submit").click();
    await page.getByTestId("amplify-success").waitFor({ timeout: 90_000 });
    expect(await steps()).toEqual(["permit:done", "amplify:done", "confirm:done", "done:done"]);
    expect(
      since(wallet, mark)
        .filter((c) => c.method === "eth_sendTransaction" || c.method === "eth_signTypedData_v4")
        .map((c) => `${c.method}:${c.outcome}`),
    ).toEqual(["eth_signTypedData_v4:rejected", "eth_signTypedData_v4:ok", "eth_sendTransaction:ok"]);
    expect(wallet.violations()).toEqual([]);
  });

  it("claims everything the newest active root allows in one transaction", async () => {
    const [viewer] = newKeys(1) as [PrivateKeyAccount];
    await fund([viewer], "1");
    const author = devAccount(44);
    const promoter = devAccount(43);
    await fund([author, promoter]);

    // The viewer has standing in community 1: the founders like its post.
    const own = await chain.publish(viewer, 1n, "A careful reader's notes");
    await foundersLike(net, own);

    const { page, wallet } = await openWithWallet([viewer], { route: "/settings" });
    await connectByMouse(page, wallet);
    wallet.act();
    await page.getByTestId("policy-mode-everyone").check();
    await page.getByTestId("policy-save").click();
    await page.getByTestId("policy-saved").waitFor({ timeout: 30_000 });
    await goto(page, "/");
    await page.getByTestId("enable-session").click();
    await page.getByTestId("session-banner").waitFor({ state: "detached", timeout: 30_000 });

    // A campaign the viewer dwells on; the settler pays it in its next epoch.
    const earnings = async () =>
      (
        await graphql<{ earnings: { epoch: number; amount: string }[] }>(
          net.graphqlUrl,
          `{ earnings(account: "${viewer.address}") { epoch amount } }`,
        )
      ).earnings;
    const postId = await chain.publish(author, 1n, `Amplified for the claim journey ${Date.now()}`);
    const campaignId = await chain.amplify(promoter, postId, parseEther("20"), 86_400n);
    const card = page.locator(`[data-testid=post-card][data-post-id="${postId}"]`);
    await until(
      "the viewer to see the amplified post",
      async () => {
        await page.reload();
        await page.getByTestId("post-list").waitFor({ timeout: 30_000 });
        if ((await card.count()) === 0) return false;
        await card.scrollIntoViewIfNeeded();
        return (await card.getAttribute("data-amplified")) === "true";
      },
      240_000,
    );
    await until(`the viewer's receipt for campaign ${campaignId}`, async () => {
      await card.scrollIntoViewIfNeeded();
      return (await viewsOf(viewer.address)).some((v) => v.campaignId === campaignId.toString());
    });
    await until("the viewer's earnings", async () => (await earnings()).length > 0, 240_000);
    const paying = Math.max(...(await earnings()).map((e) => e.epoch));

    // The moment the newest paying epoch becomes active (often before any block shows it), one claim
    // takes everything its root allows: the escrow's claimed total equals that root's cumulative amount.
    await goto(page, "/rewards");
    await until(
      `epoch ${paying} to become active`,
      async () => {
        // Status follows the chain time the next block will see, on an idle local chain too.
        const { epoch } = await graphql<{ epoch: { status: string } | null }>(
          net.graphqlUrl,
          `{ epoch(number: ${paying}) { status } }`,
        );
        return epoch?.status === "ACTIVE";
      },
      120_000,
    );
    await page.reload();
    await until("a claimable amount", async () => {
      const text = await page.getByTestId("claimable-amount").textContent({ timeout: 10_000 });
      return text !== null && Number.parseFloat(text.replace(/,/g, "")) > 0;
    });
    const before = await chain.balanceOf(viewer.address);
    const mark = wallet.calls.length;
    wallet.act();
    // While a newer root is activating the button waits, so that the one claim takes all of it.
    await page.getByTestId("claim-button").click({ timeout: 90_000 });
    const outcome = page.locator("[data-testid=claim-result], [data-testid=claim-error]");
    await outcome.first().waitFor({ timeout: 60_000 });
    expect(
      await outcome.first().getAttribute("data-testid"),
      (await outcome.first().textContent()) ?? "",
    ).toBe("claim-result");
    const claims = since(wallet, mark).filter((c) => c.method === "eth_sendTransaction");
    expect(claims.map((c) => c.outcome)).toEqual(["ok"]);
    const receipt = await chain.publicClient.getTransactionReceipt({ hash: claims[0]?.result as Hex });
    const block = await chain.publicClient.getBlock({ blockNumber: receipt.blockNumber });
    console.log(
      `claim transaction: ${receipt.gasUsed} gas used; ${
        claims[0]?.gas
          ? "the root was newer than the latest block (gas limit set by the dApp)"
          : "estimated by the wallet"
      }`,
    );
    expect(receipt.gasUsed).toBeLessThan(CLAIM_GAS_LIMIT);

    // The newest root active in the claim's block, and what it allows the viewer in total.
    const { epochs } = await graphql<{
      epochs: { edges: { node: { number: number; status: string; activeAt: number } }[] };
    }>(net.graphqlUrl, "{ epochs(first: 10) { edges { node { number status activeAt } } } }");
    const newest = Math.max(
      ...epochs.edges
        .filter((e) => e.node.status !== "REVOKED" && e.node.activeAt <= Number(block.timestamp))
        .map((e) => e.node.number),
    );
    const { epoch } = await graphql<{
      epoch: { payouts: { edges: { node: { account: string; cumulative: string } }[] } };
    }>(
      net.graphqlUrl,
      `{ epoch(number: ${newest}) { payouts(first: 100) { edges { node { account cumulative } } } } }`,
    );
    const allowed = BigInt(
      epoch.payouts.edges.find((e) => e.node.account.toLowerCase() === viewer.address.toLowerCase())?.node
        .cumulative ?? -1,
    );
    expect(allowed).toBeGreaterThan(0n);
    expect((await chain.balanceOf(viewer.address)) - before).toBe(allowed);
    const claimed = await chain.publicClient.readContract({
      address: net.deployment.contracts.AMPEscrow,
      abi: ampEscrowAbi,
      functionName: "claimed",
      args: [viewer.address],
    });
    expect(claimed).toBe(allowed);
    expect(wallet.violations()).toEqual([]);
  });

  it("never signed or sent on the wrong chain or for an account the person had not acted as", () => {
    const all = wallets.flatMap((w) => w.signingCalls());
    expect(all.length).toBeGreaterThan(0);
    expect(wallets.flatMap((w) => w.violations())).toEqual([]);
  });
});
