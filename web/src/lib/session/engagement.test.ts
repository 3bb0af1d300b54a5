import { type Address, type Hex, recoverTypedDataAddress, verifyTypedData } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { beforeEach, describe, expect, it } from "vitest";
import { engagementTypes, type MessageKind } from "#protocol";
import { fakeGraphQL, memoryStorage, testApp } from "../../test/fixtures.tsx";
import { GraphQLRequestError } from "../graphql/client.ts";
import { type EngagementTypedData, messageDomain } from "../messages.ts";
import { HARDHAT_PRIVATE_KEYS } from "../wallet/hardhatAccounts.ts";
import { type EngagementDeps, engage, ensureSession, revokeSession } from "./engagement.ts";
import { loadSession, sessionStorageKey } from "./sessionStore.ts";

const wallet = privateKeyToAccount(HARDHAT_PRIVATE_KEYS[3] as Hex);
const ctx = { chainId: testApp.chainId, social: testApp.contracts.social };

interface Submission {
  kind: MessageKind;
  message: Record<string, unknown>;
  signature: Hex;
  signer: Address;
}

/** Decodes the JSON wire form back to typed values for signature recovery. */
function decode(kind: MessageKind, json: string): Record<string, unknown> {
  const raw = JSON.parse(json) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const field of engagementTypes[kind]) {
    const v = raw[field.name];
    out[field.name] = /^u?int(64|256)$/.test(field.type) ? BigInt(v as string) : v;
  }
  return out;
}

/** A stand-in indexer that checks signatures and delegations the way the spec says. */
function indexer() {
  const submissions: Submission[] = [];
  const delegations = new Map<string, { account: string; expiresAt: bigint }>();
  let forgetDelegations = false;
  const gql = fakeGraphQL({
    submit: async (vars) => {
      const kind = vars.kind as MessageKind;
      const message = decode(kind, vars.message as string);
      const signature = vars.signature as Hex;
      const signer = await recoverTypedDataAddress({
        domain: messageDomain(ctx),
        types: { [kind]: engagementTypes[kind] },
        primaryType: kind,
        message,
        signature,
      } as never);
      const account = (message.account as string).toLowerCase();
      if (signer.toLowerCase() !== account) {
        const d = forgetDelegations ? undefined : delegations.get(signer.toLowerCase());
        if (!d || d.account !== account)
          throw new GraphQLRequestError("unknown", { code: "UNKNOWN_DELEGATION" });
      }
      if (kind === "Delegation") {
        delegations.set((message.sessionKey as string).toLowerCase(), {
          account,
          expiresAt: message.expiresAt as bigint,
        });
        forgetDelegations = false;
      }
      if (kind === "RevokeDelegation") delegations.delete((message.sessionKey as string).toLowerCase());
      submissions.push({ kind, message, signature, signer });
      return { submitMessage: { seq: 1, kind: "View", account: "0x", signer: "0x" } };
    },
  });
  return {
    gql,
    submissions,
    delegations,
    forget() {
      forgetDelegations = true;
    },
  };
}

describe("session key lifecycle", () => {
  let idx: ReturnType<typeof indexer>;
  let storage: ReturnType<typeof memoryStorage>;
  let walletSignatures: number;
  let now: number;
  let deps: EngagementDeps;

  beforeEach(() => {
    idx = indexer();
    storage = memoryStorage();
    walletSignatures = 0;
    now = Date.UTC(2026, 10, 25, 9, 0, 0);
    deps = {
      client: idx.gql.client,
      storage,
      ctx,
      account: wallet.address,
      walletSign: (payload: EngagementTypedData) => {
        walletSignatures++;
        return wallet.signTypedData(payload as never);
      },
      now: () => now,
      inflight: new Map(),
    };
  });

  it("delegates once with the wallet, then signs engagement silently with the session key", async () => {
    await engage(deps, "Like", { postId: 7n });
    await engage(deps, "View", { postId: 7n, dwellMs: 3000, campaignId: 2n });
    await engage(deps, "Follow", { target: "0x0000000000000000000000000000000000000009", follow: true });

    expect(walletSignatures).toBe(1);
    expect(idx.submissions.map((s) => s.kind)).toEqual(["Delegation", "Like", "View", "Follow"]);
    const [delegation, ...rest] = idx.submissions;
    expect(delegation?.signer).toBe(wallet.address);
    const session = loadSession(storage, ctx, wallet.address, Math.floor(now / 1000));
    expect(session?.sessionKey).toBe(delegation?.message.sessionKey);
    for (const s of rest) expect(s.signer).toBe(session?.sessionKey);
    // The session key's signature verifies against the exact typed data.
    const view = rest[1];
    expect(
      await verifyTypedData({
        address: session?.sessionKey as Address,
        domain: messageDomain(ctx),
        types: { View: engagementTypes.View },
        primaryType: "View",
        message: view?.message as never,
        signature: view?.signature as Hex,
      }),
    ).toBe(true);
    expect(new Set(idx.submissions.map((s) => String(s.message.nonce))).size).toBe(4);
  });

  it("stores the key per account with an expiry and replaces it after expiry", async () => {
    const first = await ensureSession({ ...deps, sessionSeconds: 3600 });
    expect(storage.map.has(sessionStorageKey(ctx, wallet.address))).toBe(true);
    expect(first.expiresAt).toBe(Math.floor(now / 1000) + 3600);
    now += 3600 * 1000; // past expiry (and its safety margin)
    const second = await ensureSession(deps);
    expect(second.sessionKey).not.toBe(first.sessionKey);
    expect(walletSignatures).toBe(2);
  });

  it("asks the wallet once when engagements race for a session", async () => {
    await Promise.all([1n, 2n, 3n].map((postId) => engage(deps, "Share", { postId })));
    expect(walletSignatures).toBe(1);
    expect(idx.submissions.filter((s) => s.kind === "Delegation")).toHaveLength(1);
  });

  it("re-delegates once when the indexer no longer knows the session", async () => {
    await engage(deps, "Like", { postId: 1n });
    idx.forget();
    await engage(deps, "Like", { postId: 2n });
    expect(walletSignatures).toBe(2);
    expect(idx.submissions.map((s) => s.kind)).toEqual(["Delegation", "Like", "Delegation", "Like"]);
  });

  it("revokes with a wallet-signed RevokeDelegation and forgets the key", async () => {
    const session = await ensureSession(deps);
    expect(await revokeSession(deps)).toBe(true);
    const revoke = idx.submissions.at(-1);
    expect(revoke?.kind).toBe("RevokeDelegation");
    expect(revoke?.signer).toBe(wallet.address);
    expect(revoke?.message.sessionKey).toBe(session.sessionKey);
    expect(idx.delegations.size).toBe(0);
    expect(loadSession(storage, ctx, wallet.address, Math.floor(now / 1000))).toBeNull();
    expect(await revokeSession(deps)).toBe(false);
  });
});
