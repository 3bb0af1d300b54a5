/**
 * Deployment paths: the Ignition module on an in-process chain, and scripts/deploy.ts against a real
 * `hardhat node` child process (JSON-RPC over HTTP), writing the deployment file.
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { network } from "hardhat";
import { type Address, createPublicClient, getAddress, getContract, http, isAddress } from "viem";
import { ampEscrowAbi, ampTokenAbi } from "#protocol";
import { LOCAL_ROLE_ACCOUNTS, resolveRoles } from "#protocol/deploy.ts";
import AMPModule from "../../ignition/modules/AMP.ts";
import { ROLES } from "./fixture.ts";

const root = join(import.meta.dirname, "..", "..");
const bin = (name: string) => join(root, "node_modules", ".bin", name);

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitForRpc(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      });
      if (res.ok) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`no JSON-RPC at ${url}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe("deployment", () => {
  it("the Ignition module deploys, wires and names three separate role accounts", async () => {
    const { ignition, viem } = await network.create();
    const publicClient = await viem.getPublicClient();
    const [deployer, settler, guardian, pauser] = await viem.getWalletClients();
    // Typed loosely: contract types come from artifacts, which the type check does not see.
    const deployed = (await ignition.deploy(AMPModule, { displayUi: false })) as unknown;
    const { token, social, escrow } = deployed as Record<"token" | "social" | "escrow", { address: Address }>;
    const client = { public: publicClient };
    const t = getContract({ address: token.address, abi: ampTokenAbi, client });
    const e = getContract({ address: escrow.address, abi: ampEscrowAbi, client });
    const me = deployer?.account.address as Address;
    assert.equal(await t.read.cap(), 1_000_000_000n * 10n ** 18n);
    assert.equal(await t.read.hasRole([ROLES.MINTER_ROLE, me]), true);
    assert.equal(await e.read.token(), getAddress(token.address));
    assert.equal(await e.read.social(), getAddress(social.address));
    assert.equal(await e.read.challengeWindow(), 60n);
    for (const role of [ROLES.SETTLER_ROLE, ROLES.GUARDIAN_ROLE, ROLES.PAUSER_ROLE]) {
      assert.equal(await e.read.hasRole([role, me]), false);
    }
    assert.equal(await e.read.hasRole([ROLES.SETTLER_ROLE, settler?.account.address as Address]), true);
    assert.equal(await e.read.hasRole([ROLES.GUARDIAN_ROLE, guardian?.account.address as Address]), true);
    assert.equal(await e.read.hasRole([ROLES.PAUSER_ROLE, pauser?.account.address as Address]), true);
    assert.equal(await e.read.defaultAdmin(), getAddress(me));
  });

  describe("scripts/deploy.ts against a hardhat node", () => {
    const dir = mkdtempSync(join(tmpdir(), "amp-deploy-"));
    let node: ChildProcess | undefined;
    after(() => {
      node?.kill("SIGTERM");
      rmSync(dir, { recursive: true, force: true });
    });

    it("deploys, grants roles and writes the deployment file", { timeout: 120_000 }, async () => {
      const port = await freePort();
      const rpcUrl = `http://127.0.0.1:${port}`;
      node = spawn(bin("hardhat"), ["node", "--hostname", "127.0.0.1", "--port", String(port)], {
        cwd: root,
        stdio: "ignore",
      });
      await waitForRpc(rpcUrl, 60_000);
      const out = join(dir, "deployment.json");
      const settler = "0x90F79bf6EB2c4f870365E785982E1f101E93b906";
      const run = spawnSync(bin("tsx"), ["scripts/deploy.ts"], {
        cwd: root,
        encoding: "utf8",
        env: {
          ...process.env,
          AMP_RPC_URL: rpcUrl,
          AMP_DEPLOYMENT_FILE: out,
          AMP_SETTLER: settler,
          AMP_DISPUTE_BOND: "7000000000000000000",
          AMP_DISPUTE_POOL: "777000000000000000000",
          AMP_DISPUTE_PERIOD: "900",
        },
      });
      assert.equal(run.status, 0, run.stderr);
      const deployment = JSON.parse(readFileSync(out, "utf8"));
      assert.equal(deployment.chainId, 31337);
      assert.equal(deployment.challengeWindow, 60);
      assert.ok(Number.isInteger(deployment.startBlock) && deployment.startBlock >= 1);
      assert.deepEqual(Object.keys(deployment.contracts).sort(), ["AMPEscrow", "AMPSocial", "AMPToken"]);
      for (const address of Object.values(deployment.contracts)) assert.ok(isAddress(address as string));
      // Every role holder is named; the deployer keeps admin and minter only.
      const deployer = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
      assert.deepEqual(deployment.roles, {
        admin: deployer,
        minter: deployer,
        settler,
        guardian: LOCAL_ROLE_ACCOUNTS.guardian,
        pauser: LOCAL_ROLE_ACCOUNTS.pauser,
      });

      const publicClient = createPublicClient({ transport: http(rpcUrl) });
      const escrow = getContract({
        address: deployment.contracts.AMPEscrow,
        abi: ampEscrowAbi,
        client: publicClient,
      });
      const token = getContract({
        address: deployment.contracts.AMPToken,
        abi: ampTokenAbi,
        client: publicClient,
      });
      assert.equal(await escrow.read.hasRole([ROLES.SETTLER_ROLE, settler]), true);
      assert.equal(await escrow.read.hasRole([ROLES.GUARDIAN_ROLE, LOCAL_ROLE_ACCOUNTS.guardian]), true);
      assert.equal(await escrow.read.hasRole([ROLES.PAUSER_ROLE, LOCAL_ROLE_ACCOUNTS.pauser]), true);
      for (const role of [ROLES.SETTLER_ROLE, ROLES.GUARDIAN_ROLE, ROLES.PAUSER_ROLE]) {
        assert.equal(await escrow.read.hasRole([role, deployer]), false);
      }
      assert.equal(await token.read.hasRole([ROLES.MINTER_ROLE, deployer]), true);
      assert.equal(await escrow.read.token(), deployment.contracts.AMPToken);
      assert.equal(await escrow.read.challengeWindow(), 60n);
      // Dispute parameters are in the file, and the pool was funded at deployment.
      assert.equal(deployment.disputeBond, "7000000000000000000");
      assert.equal(deployment.disputeReward, "50000000000000000000");
      assert.equal(deployment.disputePeriod, 900);
      assert.equal(deployment.disputePoolFunding, "777000000000000000000");
      assert.equal(await escrow.read.disputeBond(), 7n * 10n ** 18n);
      assert.equal(await escrow.read.disputePool(), 777n * 10n ** 18n);
      // The pool sits in the escrow's vault, beside budgets and bonds (the escrow holds only activated rewards).
      assert.equal(await token.read.balanceOf([await escrow.read.vault()]), 777n * 10n ** 18n);
      assert.equal(await token.read.balanceOf([deployment.contracts.AMPEscrow]), 0n);
    });

    it("refuses shared or missing role accounts off the local chain", () => {
      const deployer = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
      const a = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
      const b = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";
      assert.throws(() => resolveRoles(1, deployer, {}), /a settler address is required/);
      assert.throws(
        () => resolveRoles(1, deployer, { settler: a, guardian: a, pauser: b }),
        /must be distinct/,
      );
      assert.throws(
        () => resolveRoles(1, deployer, { settler: a, guardian: b, pauser: deployer }),
        /deployer must not hold/,
      );
      assert.throws(
        () =>
          resolveRoles(1, deployer, {
            admin: a,
            settler: a,
            guardian: b,
            pauser: LOCAL_ROLE_ACCOUNTS.pauser,
          }),
        /admin must not also be/,
      );
    });
  });
});
