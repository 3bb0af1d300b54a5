import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { type Address, type Hex, keccak256, parseEther, stringToHex, zeroHash } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AmpDeployment } from "#protocol";
import { ampEscrowAbi, ampSocialAbi, ampTokenAbi, ROLES } from "#protocol";
import { deploy, type HardhatNode, ROLE_WALLET, send, startHardhat, type Wallet } from "#test-kit/hardhat.ts";
import { dumpState, tempDir } from "#test-kit/helpers.ts";
import { catchUp, gql, testIndexer } from "#test-kit/indexer.ts";
import type { Indexer } from "../main.ts";

/**
 * The escrow's events beyond campaigns and settlements, on a real Hardhat node: disputes (rejected,
 * upheld), revocation, pause, scheduled and cancelled role changes, refund withdrawal; GraphQL
 * answers like on-chain reads.
 */
describe("escrow events against a Hardhat node", () => {
  let node: HardhatNode;
  let d: AmpDeployment;
  let tmp: ReturnType<typeof tempDir>;
  let indexer: Indexer;
  let w: Wallet[];

  const write = (wallet: Wallet, address: Address, abi: unknown, fn: string, args: unknown[]) =>
    send(
      node,
      wallet.writeContract({ address, abi: abi as never, functionName: fn as never, args: args as never }),
    );
  const escrow = (wallet: Wallet, fn: string, args: unknown[]) =>
    write(wallet, d.contracts.AMPEscrow, ampEscrowAbi, fn, args);
  const token = (wallet: Wallet, fn: string, args: unknown[]) =>
    write(wallet, d.contracts.AMPToken, ampTokenAbi, fn, args);
  const read = <T>(fn: string, args: unknown[]) =>
    node.publicClient.readContract({
      address: d.contracts.AMPEscrow,
      abi: ampEscrowAbi,
      functionName: fn as never,
      args: args as never,
    }) as Promise<T>;
  const wait = async (seconds: number) => {
    await node.rpc("evm_increaseTime", [seconds]);
    await node.rpc("evm_mine");
  };
  const role = (name: "settler" | "guardian" | "pauser") => w[ROLE_WALLET[name]] as Wallet;
  const addr = (x: Wallet) => x.account.address.toLowerCase() as Address;

  const EPOCH_FIELDS = "number status dispute { disputer bond deadline status paidToDisputer }";

  beforeAll(async () => {
    tmp = tempDir();
    node = await startHardhat();
    d = await deploy(node);
    w = node.wallets;
    indexer = testIndexer(node.url, d, `${tmp.dir}/escrow.sqlite`);
  }, 120_000);

  afterAll(async () => {
    await indexer?.stop();
    await node?.stop();
    tmp?.cleanup();
  });

  it("follows disputes, revocations, pause, role changes and refund withdrawals", async () => {
    const [admin, alice, bob, carol, dave] = w as [Wallet, Wallet, Wallet, Wallet, Wallet];
    const bond = await read<bigint>("disputeBond", []);
    for (const x of [alice, bob, carol, dave]) {
      await token(admin, "mint", [addr(x), parseEther("1000")]);
      await token(x, "approve", [d.contracts.AMPEscrow, parseEther("1000")]);
    }
    await write(alice, d.contracts.AMPSocial, ampSocialAbi, "createCommunity", ["c", ""]);
    await write(alice, d.contracts.AMPSocial, ampSocialAbi, "publish", [1n, [], "post", zeroHash, ""]);
    await escrow(bob, "amplify", [1n, parseEther("100"), 60n]);
    await wait(40);
    const tree = StandardMerkleTree.of([[addr(carol), parseEther("10").toString()]], ["address", "uint256"]);
    const settle = async (epoch: bigint, spend: bigint) => {
      const periodEnd = (await node.publicClient.getBlock()).timestamp;
      await escrow(role("settler"), "settle", [
        epoch,
        periodEnd,
        tree.root as Hex,
        keccak256(stringToHex(`inputs ${epoch}`)),
        spend === 0n ? [] : [1n],
        spend === 0n ? [] : [spend],
      ]);
    };

    // A frivolous dispute of epoch 1, rejected.
    await settle(1n, parseEther("10"));
    await escrow(dave, "dispute", [1n]);
    await catchUp(indexer);
    let q = await gql(indexer, `{ epoch(number: 1) { ${EPOCH_FIELDS} } escrow { disputePool } }`);
    const [disputer, onChainBond, deadline, status] = await read<[Address, bigint, bigint, number]>(
      "disputes",
      [1n],
    );
    expect(q.epoch).toEqual({
      number: 1,
      status: "DISPUTED",
      dispute: {
        disputer: disputer.toLowerCase(),
        bond: onChainBond.toString(),
        deadline: Number(deadline),
        status: "OPEN",
        paidToDisputer: null,
      },
    });
    expect(status).toBe(1);
    expect(q.escrow.disputePool).toBe((await read<bigint>("disputePool", [])).toString());
    await escrow(role("guardian"), "resolveDispute", [1n, false]);
    await wait(61);
    // A forged epoch 2, disputed and upheld: revoked, bond and reward paid.
    await settle(2n, 0n);
    await escrow(carol, "dispute", [2n]);
    await catchUp(indexer);
    expect((await gql(indexer, `{ epoch(number: 1) { status } }`)).epoch.status).toBe("ACTIVE");
    // Past epoch 2's window the contract still pays against epoch 1, and so do the served proofs.
    await wait(61);
    await catchUp(indexer);
    expect(await read<bigint>("activeEpoch", [])).toBe(1n);
    expect(
      (await indexer.queries.activeEpoch(Number((await node.publicClient.getBlock()).timestamp)))?.epoch,
    ).toBe(1);
    await escrow(role("guardian"), "resolveDispute", [2n, true]);
    await catchUp(indexer);
    q = await gql(
      indexer,
      `{ e1: epoch(number: 1) { ${EPOCH_FIELDS} } e2: epoch(number: 2) { ${EPOCH_FIELDS} } escrow { disputePool } }`,
    );
    expect(q.e1.dispute).toMatchObject({ status: "REJECTED", paidToDisputer: "0" });
    expect(q.e2.status).toBe("REVOKED");
    const reward = await read<bigint>("disputeReward", []);
    expect(q.e2.dispute).toMatchObject({ status: "UPHELD", paidToDisputer: (bond + reward).toString() });
    expect(q.escrow.disputePool).toBe((await read<bigint>("disputePool", [])).toString());
    expect(await read<bigint>("lastEpoch", [])).toBe(1n);

    // Pause, a scheduled role change (then cancelled), unpause.
    await escrow(role("pauser"), "pause", []);
    await escrow(admin, "scheduleRoleChange", [ROLES.PAUSER_ROLE, addr(alice), false]);
    await catchUp(indexer);
    const ESCROW =
      "escrow { paused pausedSince roles { role holder holders pendingChanges { account grant readyAt } } }";
    q = await gql(indexer, `{ ${ESCROW} }`);
    const pausedAt = (await node.publicClient.getBlock()).timestamp;
    expect(q.escrow.paused).toBe(await read<boolean>("paused", []));
    expect(q.escrow.pausedSince).toBeLessThanOrEqual(Number(pausedAt));
    const byRole = Object.fromEntries(
      (q.escrow.roles as { role: string; holder: string; pendingChanges: unknown[] }[]).map((r) => [
        r.role,
        r,
      ]),
    );
    for (const [name, id] of [
      ["ADMIN", ROLES.DEFAULT_ADMIN_ROLE],
      ["SETTLER", ROLES.SETTLER_ROLE],
      ["GUARDIAN", ROLES.GUARDIAN_ROLE],
      ["PAUSER", ROLES.PAUSER_ROLE],
    ] as const) {
      expect(await read<boolean>("hasRole", [id, byRole[name]?.holder])).toBe(true);
    }
    expect(byRole.PAUSER?.holder).toBe(d.roles.pauser.toLowerCase());
    const readyAt = await read<bigint>("roleChangeReadyAt", [ROLES.PAUSER_ROLE, addr(alice), false]);
    expect(byRole.PAUSER?.pendingChanges).toEqual([
      { account: addr(alice), grant: false, readyAt: Number(readyAt) },
    ]);
    await escrow(role("guardian"), "cancelRoleChange", [ROLES.PAUSER_ROLE, addr(alice), false]);
    await escrow(role("pauser"), "unpause", []);

    // The campaign closes; its promoter withdraws the refund credit.
    await wait(200);
    const credit = await read<bigint>("remaining", [1n]);
    await escrow(bob, "withdrawRefund", [1n]);
    await catchUp(indexer);
    q = await gql(indexer, `{ campaign(id: "1") { refunded refundWithdrawn refundCredit } ${ESCROW} }`);
    expect(q.campaign).toEqual({
      refunded: true,
      refundWithdrawn: credit.toString(),
      refundCredit: (await read<bigint>("refundCredit", [1n])).toString(),
    });
    expect(q.escrow.paused).toBe(false);
    expect(q.escrow.roles.every((r: { pendingChanges: unknown[] }) => r.pendingChanges.length === 0)).toBe(
      true,
    );

    // The tables match a fresh indexer's, and a rollback of the last blocks undoes what they changed.
    const fresh = testIndexer(node.url, d, `${tmp.dir}/fresh.sqlite`);
    await catchUp(fresh);
    const chainState = (db: Indexer["db"]) => ({ ...dumpState(db), engagement_log: [] });
    expect(chainState(fresh.db)).toEqual(chainState(indexer.db));
    await fresh.stop();
  });

  it("rolls back dispute resolutions and revocations on a reorg", async () => {
    const before = dumpState(indexer.db);
    const snapshot = await node.rpc<string>("evm_snapshot");
    const [, , , carol] = w as [Wallet, Wallet, Wallet, Wallet];
    const periodEnd = (await node.publicClient.getBlock()).timestamp;
    await escrow(role("settler"), "settle", [2n, periodEnd, zeroHash, zeroHash, [], []]);
    await escrow(carol, "dispute", [2n]);
    await escrow(role("guardian"), "resolveDispute", [2n, true]);
    await escrow(role("pauser"), "pause", []);
    await catchUp(indexer);
    expect((await gql(indexer, "{ escrow { paused } }")).escrow.paused).toBe(true);
    await node.rpc("evm_revert", [snapshot]);
    await node.rpc("hardhat_mine", ["0x6"]);
    await catchUp(indexer);
    const after = dumpState(indexer.db);
    for (const table of [
      "disputes",
      "epochs",
      "epoch_revocations",
      "escrow_pauses",
      "dispute_pool_fundings",
      "role_events",
      "role_changes",
      "refund_withdrawals",
    ]) {
      expect(after[table], table).toEqual(before[table]);
    }
    expect((await gql(indexer, "{ escrow { paused } }")).escrow.paused).toBe(false);
  });
});
