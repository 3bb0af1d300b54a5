/**
 * The impression issuer over either engine's log: over the Kysely store (PostgreSQL, or SQLite
 * through Kysely) `append` resolves after the commit, and the stored entry verifies as the
 * issuer's signature of the impression.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { decodeMessage, engagementDomain } from "#protocol";
import { SOCIAL, seedChain, tempDir, wallets } from "#test-kit/helpers.ts";
import { ENGINES, type IntakeEngine, lazyPostgres, openIntakeEngine } from "#test-kit/intake-engine.ts";
import { chainStore } from "#test-kit/stores.ts";
import { recoverSigner } from "./authority.ts";
import { createImpressionIssuer, DEV_IMPRESSION_ISSUER, DEV_IMPRESSION_KEY } from "./impressions.ts";

const [alice, bob] = wallets() as [ReturnType<typeof wallets>[number], ReturnType<typeof wallets>[number]];
const postgres = lazyPostgres();

describe.each(ENGINES)("impression issuer (%s)", (kind) => {
  let e: IntakeEngine;
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(async () => {
    tmp = tempDir();
    e = await openIntakeEngine(kind, {
      path: `${tmp.dir}/db.sqlite`,
      seed: (db) => seedChain(chainStore(db), alice.address, 2),
      postgres,
    });
  }, 60_000);
  afterEach(async () => {
    await e.close();
    tmp.cleanup();
  });

  it.each([
    ["the store", (x: IntakeEngine) => x.store],
    ["the group commit", (x: IntakeEngine) => ({ append: x.writer.append })],
  ] as const)("signs and appends impressions through %s, each verifiable", async (_, log) => {
    const issuer = createImpressionIssuer<number | Promise<number>>({
      store: log(e),
      key: DEV_IMPRESSION_KEY,
      chainId: 31337,
      verifyingContract: SOCIAL,
    });
    expect(issuer.address).toBe(DEV_IMPRESSION_ISSUER);
    const fields = (postId: bigint) => ({
      viewer: bob.address,
      campaignId: 0n,
      postId,
      price: 5n,
      policySeq: 0n,
      expiresAt: 1_900_000_000n,
      timestamp: 1_800_000_000n,
    });
    const seqs = [
      await issuer.issue(fields(1n), 1_800_000_001),
      await issuer.issue(fields(2n), 1_800_000_002),
    ];
    // Signed once, appended once: the same nonce is not logged twice.
    const signed = await issuer.sign(fields(1n));
    await issuer.append(signed, 1_800_000_003);
    await expect(Promise.resolve().then(() => issuer.append(signed, 1_800_000_004))).rejects.toThrow();
    expect(seqs).toEqual([1, 2]);
    const entries = [...(await e.store.entries(1, 10))];
    expect(entries.map((x) => [x.seq, x.kind, x.signer])).toEqual([
      [1, "Impression", DEV_IMPRESSION_ISSUER],
      [2, "Impression", DEV_IMPRESSION_ISSUER],
      [3, "Impression", DEV_IMPRESSION_ISSUER],
    ]);
    for (const x of entries) {
      const message = decodeMessage("Impression", x.json);
      expect(message.viewer).toBe(bob.address.toLowerCase());
      expect(await recoverSigner(engagementDomain(31337, SOCIAL), "Impression", message, x.signature)).toBe(
        DEV_IMPRESSION_ISSUER,
      );
    }
  });
});
