/** GraphQL: joining and leaving communities with signed Membership messages. */
import { describe, expect, it } from "vitest";
import { seededApiEachTest } from "#test-kit/api.ts";
import { sign, wallets } from "#test-kit/helpers.ts";

const [alice, bob, carol] = wallets() as [
  ReturnType<typeof wallets>[number],
  ReturnType<typeof wallets>[number],
  ReturnType<typeof wallets>[number],
];
const SUBMIT = `mutation($kind: MessageKind!, $message: String!, $signature: String!) {
  submitMessage(kind: $kind, message: $message, signature: $signature) { seq kind account } }`;
const READ = `query($a: String!) { community(id: "1") { memberCount isMember(account: $a)
  members(first: 10) { edges { node { address } } pageInfo { hasNextPage } } }
  account(address: $a) { memberships { id name } } }`;

let nonce = 1n;
const now = () => BigInt(Math.floor(Date.now() / 1000));

describe("GraphQL community membership", () => {
  const { gql, db } = seededApiEachTest(alice.address, 1, () => ({}));
  const membership = async (who: typeof bob, communityId: bigint, member: boolean, timestamp = now()) => {
    const m = await sign(who, "Membership", {
      account: who.address,
      communityId,
      member,
      timestamp,
      nonce: nonce++,
    });
    return gql(SUBMIT, { kind: "Membership", message: m.json, signature: m.signature });
  };

  it("joins, counts members, lists them and the account's communities, and leaves", async () => {
    const joined = await membership(bob, 1n, true);
    expect(joined.errors).toBeUndefined();
    expect(joined.data.submitMessage).toMatchObject({
      kind: "Membership",
      account: bob.address.toLowerCase(),
    });
    expect((await membership(carol, 1n, true)).errors).toBeUndefined();

    const r = await gql(READ, { a: bob.address });
    expect(r.errors).toBeUndefined();
    expect(r.data.community.memberCount).toBe(2);
    expect(r.data.community.isMember).toBe(true);
    expect(r.data.community.members.edges.map((e: { node: { address: string } }) => e.node.address)).toEqual(
      [bob.address, carol.address].map((a) => a.toLowerCase()).sort(),
    );
    expect(r.data.account.memberships).toEqual([{ id: "1", name: "general" }]);

    expect((await membership(bob, 1n, false)).errors).toBeUndefined();
    const after = await gql(READ, { a: bob.address });
    expect(after.data.community.memberCount).toBe(1);
    expect(after.data.community.isMember).toBe(false);
    expect(after.data.account.memberships).toEqual([]);
  });

  it("keeps the latest membership by timestamp: an older leave does not undo a newer join", async () => {
    const t = now();
    expect((await membership(bob, 1n, true, t)).errors).toBeUndefined();
    expect((await membership(bob, 1n, false, t - 30n)).errors).toBeUndefined();
    const r = await gql(READ, { a: bob.address });
    expect(r.data.community.isMember).toBe(true);
    expect(r.data.community.memberCount).toBe(1);
  });

  it("refuses a community that does not exist and stores nothing", async () => {
    const r = await membership(bob, 99n, true);
    expect(r.errors?.[0]?.extensions?.code).toBe("UNKNOWN_COMMUNITY");
    const huge = await membership(bob, 2n ** 256n - 1n, true);
    expect(huge.errors?.[0]?.extensions?.code).toBe("UNKNOWN_COMMUNITY");
    expect((db().prepare("SELECT COUNT(*) AS n FROM memberships").get() as { n: number }).n).toBe(0);
    expect((db().prepare("SELECT COUNT(*) AS n FROM engagement_log").get() as { n: number }).n).toBe(0);
  });

  it.each([
    ["a member field that is not a boolean", { member: "yes" }],
    ["a negative community", { communityId: "-1" }],
    ["an extra field", { extra: 1 }],
    ["a community id past uint256", { communityId: (2n ** 256n).toString() }],
  ])("refuses %s as malformed", async (_, patch) => {
    const m = await sign(bob, "Membership", {
      account: bob.address,
      communityId: 1n,
      member: true,
      timestamp: now(),
      nonce: nonce++,
    });
    const message = JSON.stringify({ ...JSON.parse(m.json), ...patch });
    const r = await gql(SUBMIT, { kind: "Membership", message, signature: m.signature });
    expect(r.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect((db().prepare("SELECT COUNT(*) AS n FROM memberships").get() as { n: number }).n).toBe(0);
  });

  it("refuses a join signed by someone else for the account", async () => {
    const m = await sign(carol, "Membership", {
      account: bob.address,
      communityId: 1n,
      member: true,
      timestamp: now(),
      nonce: nonce++,
    });
    const r = await gql(SUBMIT, { kind: "Membership", message: m.json, signature: m.signature });
    expect(r.errors?.[0]?.extensions?.code).toBe("UNKNOWN_DELEGATION");
    expect((await gql(READ, { a: bob.address })).data.community.memberCount).toBe(0);
  });

  it("refuses hostile reads: a bad account, a bad cursor, a negative page", async () => {
    const bad = await gql(`{ community(id: "1") { isMember(account: "0x12") } }`);
    expect(bad.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    const cursor = await gql(`{ community(id: "1") { members(after: "%%%") { edges { cursor } } } }`);
    expect(cursor.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    const page = await gql(`{ community(id: "1") { members(first: -1) { edges { cursor } } } }`);
    expect(page.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });
});
