/**
 * Rebuilds every piece of contract state from events alone (getLogs over all events of the three
 * contracts) and compares it with on-chain reads, after a scenario touching every state change.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type Address, getAddress, type Hex, zeroAddress } from "viem";
import { ampEscrowAbi, ampSocialAbi, ampTokenAbi } from "#protocol";
import {
  amp,
  changeRole,
  consentedAmplifyFor,
  DAY,
  escrowed,
  type Fixture,
  mined,
  ROLES,
  rewardTree,
  settleNext,
  walletSigner,
  worldFixture,
} from "./fixture.ts";

/** An hour's window and a grace of 23.5 hours, so the scenario can refund a campaign while a root spending it is pending. */
const WINDOW = 3600;
const GRACE = 23.5 * 3600;

async function scenario(f: Fixture) {
  const [alice, bob, carol, dave] = [f.alice, f.bob, f.carol, f.dave].map((w) => w.account.address) as [
    Address,
    Address,
    Address,
    Address,
  ];
  await f.social.write.createCommunity(["art", "drawings"], { account: f.bob.account });
  await f.social.write.addModerator([1n, bob], { account: f.alice.account });
  await f.social.write.addModerator([1n, carol], { account: f.alice.account });
  await f.social.write.removeModerator([1n, bob], { account: f.alice.account });
  await f.social.write.addModerator([2n, alice], { account: f.bob.account });
  await f.social.write.publish([2n, ["ink"], "", `0x${"11".repeat(32)}`, "ipfs://a"], {
    account: f.carol.account,
  });
  // Role changes through the delay: dave becomes settler and stops again; a cancelled grant changes nothing.
  await changeRole(f, ROLES.SETTLER_ROLE, dave);
  await changeRole(f, ROLES.SETTLER_ROLE, dave, false);
  await mined(f, f.escrow.write.scheduleRoleChange([ROLES.GUARDIAN_ROLE, dave, true]));
  await mined(
    f,
    f.escrow.write.cancelRoleChange([ROLES.GUARDIAN_ROLE, dave, true], { account: f.guardian.account }),
  );
  await f.token.write.transfer([dave, amp(5)], { account: f.alice.account });

  await f.escrow.write.amplify([1n, amp(100), DAY], { account: f.alice.account });
  const consent = await consentedAmplifyFor(f, walletSigner(f.dave), {
    postId: 3n,
    amount: amp(40),
    duration: 2n * DAY,
    payer: carol,
  });
  await f.escrow.write.amplifyFor(consent, { account: f.carol.account });
  await f.escrow.write.amplify([2n, amp(10), 3600n], { account: f.bob.account });
  await f.escrow.write.topUp([1n, amp(20)], { account: f.bob.account });
  // Four hours in: each campaign has earned what epoch 1 spends of it.
  await f.networkHelpers.time.increase(4 * 3600);

  const t1 = rewardTree([
    [carol, amp(12)],
    [dave, amp(8)],
  ]);
  await settleNext(f, t1.root, [
    [1n, amp(15)],
    [3n, amp(5)],
  ]);
  await f.networkHelpers.time.increase(WINDOW + 1);
  await f.escrow.write.claim([carol, amp(12), t1.proof(carol)]);

  const t2 = rewardTree([
    [carol, amp(30)],
    [dave, amp(8)],
  ]);
  // Campaign 3 expired; epoch 2 still spends from it within the grace, then it is refunded while
  // epoch 2 is pending, then epoch 2 is revoked: the restored spend is credited to its promoter.
  await f.networkHelpers.time.increase(19 * 3600);
  await settleNext(f, t2.root, [
    [2n, amp(18)],
    [3n, amp(2)],
  ]);
  await f.networkHelpers.time.increase(1800);
  await f.escrow.write.refund([3n]);
  await settleNext(f, t2.root, [[1n, amp(1)]], "e3");
  await f.escrow.write.revoke([2n, 1n], { account: f.guardian.account });
  await f.escrow.write.restoreSpends([1000n], { account: f.outsider.account });
  await f.escrow.write.withdrawRefund([3n], { account: f.bob.account });
  const t2b = rewardTree([
    [carol, amp(20)],
    [dave, amp(10)],
  ]);
  await settleNext(f, t2b.root, [
    [2n, amp(6)],
    [1n, amp(4)],
  ]);
  await f.escrow.write.pause({ account: f.pauser.account });
  await f.escrow.write.unpause({ account: f.pauser.account });
  await f.networkHelpers.time.increase(WINDOW + 1);
  await f.escrow.write.claimBatch([
    [carol, dave],
    [amp(20), amp(10)],
    [t2b.proof(carol), t2b.proof(dave)],
  ]);
  await f.networkHelpers.time.increase(Number(DAY));
  await f.escrow.write.refund([1n]);
  await settleNext(f, rewardTree([[carol, amp(21)]]).root, [[2n, amp(1)]], "e3b");
  // Disputes: a frivolous one rejected (bond to the pool), an upheld one (revoked, bond and reward),
  // one expired unresolved (revoked, bond back), and one left open at the end (blocks activation).
  const bond = await f.escrow.read.disputeBond();
  await f.token.write.approve([f.escrow.address, 10n * bond], { account: f.dave.account });
  await f.token.write.transfer([dave, 4n * bond], { account: f.alice.account });
  await f.escrow.write.fundDisputePool([amp(20)], { account: f.bob.account });
  await f.escrow.write.dispute([3n], { account: f.carol.account });
  await mined(f, f.escrow.write.resolveDispute([3n, false], { account: f.guardian.account }));
  const forged = rewardTree([[dave, amp(999)]]).root;
  const e4 = await settleNext(f, forged, [], "forged");
  await f.escrow.write.dispute([e4], { account: f.dave.account });
  await mined(f, f.escrow.write.resolveDispute([e4, true], { account: f.guardian.account }));
  await settleNext(f, forged, [], "forged again");
  await f.escrow.write.dispute([e4], { account: f.dave.account });
  await f.networkHelpers.time.increase(Number(f.deployment.disputePeriod) + 1);
  await f.escrow.write.expireDispute([e4], { account: f.outsider.account });
  await settleNext(f, forged, [], "forged thrice");
  await f.escrow.write.dispute([e4], { account: f.alice.account });
  await f.escrow.write.pause({ account: f.pauser.account });
}

describe("events rebuild all contract state", () => {
  it("getLogs over every event reproduces every on-chain read", async () => {
    const f = await worldFixture({
      challengeWindow: WINDOW,
      settlementGrace: GRACE,
      roleDelay: 2 * WINDOW,
      disputePoolFunding: amp(300),
    });
    await scenario(f);
    const fromBlock = BigInt(f.deployment.startBlock);
    const [tokenLogs, socialLogs, escrowLogs] = await Promise.all([
      f.publicClient.getContractEvents({ abi: ampTokenAbi, address: f.token.address, fromBlock }),
      f.publicClient.getContractEvents({ abi: ampSocialAbi, address: f.social.address, fromBlock }),
      f.publicClient.getContractEvents({ abi: ampEscrowAbi, address: f.escrow.address, fromBlock }),
    ]);
    const key = (a: string) => getAddress(a);

    // Token: balances and supply from Transfer; roles from RoleGranted/RoleRevoked.
    const balances = new Map<Address, bigint>();
    let supply = 0n;
    const roles = new Map<string, boolean>();
    for (const log of tokenLogs) {
      if (log.eventName === "Transfer") {
        const { from, to, value } = log.args as { from: Address; to: Address; value: bigint };
        if (from === zeroAddress) supply += value;
        else balances.set(key(from), (balances.get(key(from)) ?? 0n) - value);
        if (to === zeroAddress) supply -= value;
        else balances.set(key(to), (balances.get(key(to)) ?? 0n) + value);
      }
      if (log.eventName === "RoleGranted")
        roles.set(`token:${log.args.role}:${key(log.args.account as Address)}`, true);
      if (log.eventName === "RoleRevoked")
        roles.set(`token:${log.args.role}:${key(log.args.account as Address)}`, false);
    }
    assert.ok(balances.size > 0);
    assert.equal(await f.token.read.totalSupply(), supply);
    for (const [account, balance] of balances)
      assert.equal(await f.token.read.balanceOf([account]), balance, account);

    // Social: communities, moderators, posts.
    const communities = new Map<bigint, { founder: Address; moderators: Set<Address> }>();
    const posts = new Map<bigint, { author: Address; communityId: bigint }>();
    for (const log of socialLogs) {
      const args = log.args as Record<string, unknown>;
      if (log.eventName === "CommunityCreated") {
        communities.set(args.communityId as bigint, {
          founder: key(args.founder as string),
          moderators: new Set(),
        });
      } else if (log.eventName === "ModeratorAdded") {
        communities.get(args.communityId as bigint)?.moderators.add(key(args.account as string));
      } else if (log.eventName === "ModeratorRemoved") {
        communities.get(args.communityId as bigint)?.moderators.delete(key(args.account as string));
      } else if (log.eventName === "PostPublished") {
        posts.set(args.postId as bigint, {
          author: key(args.author as string),
          communityId: args.communityId as bigint,
        });
      }
    }
    assert.equal(await f.social.read.communityCount(), BigInt(communities.size));
    assert.equal(await f.social.read.postCount(), BigInt(posts.size));
    const everyone = [f.admin, f.alice, f.bob, f.carol, f.dave, f.outsider].map((w) =>
      key(w.account.address),
    );
    for (const [id, c] of communities) {
      const [founder, , moderatorCount] = await f.social.read.communities([id]);
      assert.equal(founder, c.founder);
      assert.equal(moderatorCount, c.moderators.size);
      for (const account of everyone) {
        assert.equal(await f.social.read.isModerator([id, account]), c.moderators.has(account));
      }
    }
    for (const [id, p] of posts) assert.deepEqual(await f.social.read.posts([id]), [p.author, p.communityId]);

    // Escrow: campaigns, epochs, claims, pause, roles.
    type Campaign = {
      postId: bigint;
      promoter: Address;
      budget: bigint;
      spent: bigint;
      expiresAt: bigint;
      refunded: boolean;
    };
    type Epoch = { root: Hex; inputsHash: Hex; activeAt: bigint; revoked: boolean; totalSpent: bigint };
    const campaigns = new Map<bigint, Campaign>();
    const epochs = new Map<bigint, Epoch>();
    const spends = new Map<bigint, [bigint, bigint][]>();
    const claimed = new Map<Address, bigint>();
    const withdrawn = new Map<bigint, bigint>();
    let lastEpoch = 0n;
    let totalClaimed = 0n;
    let paused = false;
    type Dispute = { disputer: Address; bond: bigint; deadline: bigint; status: number };
    const disputes = new Map<bigint, Dispute>();
    let pool = 0n;
    const outcomes: number[] = [];
    for (const log of escrowLogs) {
      const args = log.args as Record<string, unknown>;
      switch (log.eventName) {
        case "CampaignCreated":
          campaigns.set(args.campaignId as bigint, {
            postId: args.postId as bigint,
            promoter: key(args.promoter as string),
            budget: args.budget as bigint,
            spent: 0n,
            expiresAt: args.expiresAt as bigint,
            refunded: false,
          });
          break;
        case "CampaignToppedUp": {
          const c = campaigns.get(args.campaignId as bigint);
          if (c) c.budget += args.amount as bigint;
          break;
        }
        case "CampaignSpent": {
          const c = campaigns.get(args.campaignId as bigint);
          if (c) c.spent += args.amount as bigint;
          const epoch = args.epoch as bigint;
          spends.set(epoch, [
            ...(spends.get(epoch) ?? []),
            [args.campaignId as bigint, args.amount as bigint],
          ]);
          break;
        }
        case "CampaignRefunded": {
          const c = campaigns.get(args.campaignId as bigint);
          if (c) c.refunded = true;
          break;
        }
        case "EpochSettled":
          epochs.set(args.epoch as bigint, {
            root: args.root as Hex,
            inputsHash: args.inputsHash as Hex,
            activeAt: args.activeAt as bigint,
            revoked: false,
            totalSpent: args.totalSpent as bigint,
          });
          lastEpoch = args.epoch as bigint;
          break;
        case "EpochsRevoked": {
          // Revoked at once; their spends go back to the campaigns as EpochRevoked says.
          const from = args.fromEpoch as bigint;
          for (const [epoch, record] of epochs) if (epoch >= from) record.revoked = true;
          lastEpoch = from - 1n;
          break;
        }
        case "EpochRevoked": {
          const epoch = args.epoch as bigint;
          for (const [id, amount] of spends.get(epoch) ?? []) {
            const c = campaigns.get(id);
            if (c) c.spent -= amount;
          }
          spends.delete(epoch);
          break;
        }
        case "RefundWithdrawn":
          withdrawn.set(
            args.campaignId as bigint,
            (withdrawn.get(args.campaignId as bigint) ?? 0n) + (args.amount as bigint),
          );
          break;
        case "Claimed":
          claimed.set(key(args.account as string), args.cumulativeAmount as bigint);
          totalClaimed += args.amount as bigint;
          break;
        case "Paused":
          paused = true;
          break;
        case "Unpaused":
          paused = false;
          // The pause stopped every challenge clock: activation times move by its length.
          for (const record of epochs.values()) record.activeAt += args.pausedFor as bigint;
          break;
        case "DisputePoolFunded":
          pool += args.amount as bigint;
          break;
        case "EpochDisputed":
          disputes.set(args.epoch as bigint, {
            disputer: key(args.disputer as string),
            bond: args.bond as bigint,
            deadline: args.deadline as bigint,
            status: 1,
          });
          break;
        case "DisputeResolved": {
          const d = disputes.get(args.epoch as bigint);
          if (!d) break;
          d.status = Number(args.status);
          outcomes.push(d.status);
          const paid = args.paidToDisputer as bigint;
          if (d.status === 3) pool += d.bond;
          if (d.status === 2) pool -= paid - d.bond;
          break;
        }
        case "RoleGranted":
          roles.set(`escrow:${args.role}:${key(args.account as string)}`, true);
          break;
        case "RoleRevoked":
          roles.set(`escrow:${args.role}:${key(args.account as string)}`, false);
          break;
      }
    }
    assert.equal(await f.escrow.read.campaignCount(), BigInt(campaigns.size));
    let unspent = 0n;
    let credited = 0n;
    for (const [id, c] of campaigns) {
      assert.deepEqual(
        await f.escrow.read.campaigns([id]),
        [c.postId, c.promoter, c.budget, c.spent, c.expiresAt, c.refunded],
        `campaign ${id}`,
      );
      const left = c.refunded ? 0n : c.budget - c.spent;
      assert.equal(await f.escrow.read.remaining([id]), left);
      const credit = c.refunded ? c.budget - c.spent - (withdrawn.get(id) ?? 0n) : 0n;
      assert.equal(await f.escrow.read.refundCredit([id]), credit, `credit ${id}`);
      unspent += left;
      credited += credit;
    }
    assert.equal(await f.escrow.read.lastEpoch(), lastEpoch);
    let totalAllocated = 0n;
    for (const [epoch, e] of epochs) {
      assert.deepEqual(
        await f.escrow.read.epochs([epoch]),
        [e.root, e.inputsHash, e.activeAt, e.revoked, e.totalSpent],
        `epoch ${epoch}`,
      );
      if (!e.revoked) totalAllocated += e.totalSpent;
    }
    assert.equal(await f.escrow.read.totalAllocated(), totalAllocated);
    assert.equal(await f.escrow.read.totalClaimed(), totalClaimed);
    for (const [account, amount] of claimed) assert.equal(await f.escrow.read.claimed([account]), amount);
    assert.equal(await f.escrow.read.paused(), paused);
    const latest = (await f.publicClient.getBlock()).timestamp;
    // An open dispute of a current settlement blocks its epoch and every later one.
    let blocked = lastEpoch + 1n;
    let openBonds = 0n;
    for (const [epoch, d] of disputes) {
      assert.deepEqual(
        await f.escrow.read.disputes([epoch]),
        [d.disputer, d.bond, d.deadline, d.status],
        `dispute ${epoch}`,
      );
      if (d.status === 1) openBonds += d.bond;
      if (d.status === 1 && epoch <= lastEpoch && epoch < blocked) blocked = epoch;
    }
    assert.equal(await f.escrow.read.disputePool(), pool);
    let active = 0n;
    for (const [epoch, e] of epochs)
      if (!e.revoked && epoch < blocked && e.activeAt <= latest && epoch > active) active = epoch;
    assert.equal(await f.escrow.read.activeEpoch(), active);
    for (const [k, has] of roles) {
      const [contract, role, account] = k.split(":") as [string, Hex, Address];
      const target = contract === "token" ? f.token : f.escrow;
      assert.equal(await target.read.hasRole([role, account]), has, k);
    }
    // The solvency invariant, exactly (nobody sent tokens to the escrow directly).
    assert.equal(await escrowed(f), unspent + totalAllocated - totalClaimed + credited + openBonds + pool);
    assert.ok(withdrawn.size > 0 && [...campaigns.values()].some((c) => c.refunded));
    assert.deepEqual(outcomes, [3, 2, 4], "rejected, upheld and expired disputes");
    assert.equal(disputes.get(4n)?.status, 1, "the last dispute is open");
    assert.ok(pool > 0n && openBonds > 0n);
    assert.ok(totalClaimed > 0n && epochs.size >= 3 && campaigns.size === 3);
    await mined(f, f.escrow.write.unpause({ account: f.pauser.account }));
  });
});
