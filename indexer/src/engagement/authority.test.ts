import type { PrivateKeyAccount } from "viem/accounts";
import { describe, expect, it } from "vitest";
import { engagementDomain, type MessageByKind, type MessageKind } from "#protocol";
import { SOCIAL, sign, wallets } from "#test-kit/helpers.ts";
import { type ExportedEntry, LogAuthority } from "./authority.ts";

const [alice, bob, session] = wallets() as [PrivateKeyAccount, PrivateKeyAccount, PrivateKeyAccount];
const T = 1_700_000_000n;
let seq = 0;
let nonce = 1n;

/** An exported line as the indexer writes it: canonical message, recorded signer, signature. */
async function line<K extends MessageKind>(
  by: PrivateKeyAccount,
  kind: K,
  message: MessageByKind[K],
): Promise<ExportedEntry> {
  const { json, signature } = await sign(by, kind, message);
  return { seq: ++seq, kind, signer: by.address.toLowerCase(), message: JSON.parse(json), signature };
}

const like = (account: PrivateKeyAccount, timestamp = T) => ({
  account: account.address,
  postId: 1n,
  timestamp,
  nonce: nonce++,
});
const delegation = (expiresAt: bigint) => ({
  account: alice.address,
  sessionKey: session.address,
  expiresAt,
  timestamp: T,
  nonce: nonce++,
});

describe("log authority (replayed signature checks)", () => {
  it("accepts accounts' own messages and their live session keys, and nothing else", async () => {
    const a = new LogAuthority(engagementDomain(31337, SOCIAL));
    expect(await a.check(await line(alice, "Like", like(alice)))).toBeNull();
    // A session key before any delegation, then with one.
    expect(await a.check(await line(session, "Like", like(alice)))).toMatch(/holds no delegation/);
    expect(await a.check(await line(alice, "Delegation", delegation(T + 100n)))).toBeNull();
    expect(await a.check(await line(session, "Like", like(alice)))).toBeNull();
    // Past its expiry (by the message's own timestamp).
    expect(await a.check(await line(session, "Like", like(alice, T + 100n)))).toMatch(/expired/);
    // A session key cannot delegate or revoke for the account.
    expect(await a.check(await line(session, "Delegation", delegation(T + 200n)))).toMatch(/not the account/);
    // Revoked by the wallet: the key signs nothing more.
    const revoke = { account: alice.address, sessionKey: session.address, timestamp: T, nonce: nonce++ };
    expect(await a.check(await line(alice, "RevokeDelegation", revoke))).toBeNull();
    expect(await a.check(await line(session, "Like", like(alice)))).toMatch(/revoked/);
    // Bob's key signing in Alice's name.
    expect(await a.check(await line(bob, "Like", like(alice)))).toMatch(/holds no delegation/);
  });

  it("refuses replays, tampered messages, wrong recorded signers and missing signatures", async () => {
    const a = new LogAuthority(engagementDomain(31337, SOCIAL));
    const first = await line(alice, "Like", like(alice));
    expect(await a.check(first)).toBeNull();
    expect(await a.check({ ...first, seq: ++seq })).toMatch(/used twice/);

    const tampered = await line(alice, "Like", like(alice));
    (tampered.message as { postId: string }).postId = "2";
    expect(await a.check(tampered)).toMatch(/not the recorded signer/);

    const recorded = await line(alice, "Like", like(alice));
    expect(await a.check({ ...recorded, signer: bob.address.toLowerCase() })).toMatch(
      /not the recorded signer/,
    );
    expect(await a.check({ ...(await line(alice, "Like", like(alice))), signature: "0x" })).toBe(
      "no valid signature",
    );
    // Signed for another deployment of the registry.
    const other = new LogAuthority(engagementDomain(31337, bob.address));
    expect(await other.check(await line(alice, "Like", like(alice)))).toMatch(/not the recorded signer/);
    expect(await a.check({ ...first, kind: "Shout" })).toBe("unknown kind Shout");
  });
});
