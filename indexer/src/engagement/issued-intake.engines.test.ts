/**
 * Impressions through intake on both engines: the writer takes an Impression
 * only when it is signed by its own impression issuer, for itself (what an
 * API replica signs with the same key and forwards); a forged one, one signed
 * by another key, or any when the writer has no issuer, is refused as the
 * public's always was. Sent again it is DUPLICATE; it is in the log once.
 */
import type { Address } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { canonicalMessage } from "#protocol";
import { SOCIAL, seedChain, sign, tempDir, wallets } from "#test-kit/helpers.ts";
import { ENGINES, type IntakeEngine, lazyPostgres, openIntakeEngine } from "#test-kit/intake-engine.ts";
import { chainStore } from "#test-kit/stores.ts";
import type { EngagementError } from "./errors.ts";
import {
  createImpressionSigner,
  DEV_IMPRESSION_ISSUER,
  DEV_IMPRESSION_KEY,
  type ImpressionFields,
} from "./impressions.ts";
import { createEngagementService } from "./submit.ts";

type W = ReturnType<typeof wallets>[number];
const [alice, bob] = wallets() as [W, W];
const NOW = 1_700_100_000;
const OPEN = { perAccount: { ratePerSec: 1e6, burst: 1e6 }, perClient: { ratePerSec: 1e6, burst: 1e6 } };
const postgres = lazyPostgres();

const fields: ImpressionFields = {
  viewer: bob.address.toLowerCase() as Address,
  campaignId: 1n,
  postId: 1n,
  price: 10n ** 15n,
  policySeq: 0n,
  expiresAt: BigInt(NOW + 3600),
  timestamp: BigInt(NOW),
};
const signerOf = (key: `0x${string}`) =>
  createImpressionSigner({ key, chainId: 31337, verifyingContract: SOCIAL });
const outcome = async (p: Promise<{ seq: number }>) =>
  p.then(
    (r) => ({ seq: r.seq }),
    (e: EngagementError) => ({ code: e.code, message: e.message }),
  );

describe.each(ENGINES)("issued impressions at intake (%s)", (kind) => {
  let e: IntakeEngine;
  let tmp: ReturnType<typeof tempDir>;
  const service = (impressionIssuer?: Address) =>
    createEngagementService({
      store: e.store,
      append: e.writer.append,
      chainId: 31337,
      verifyingContract: SOCIAL,
      now: () => NOW,
      // The account quota does not apply to the issuer's impressions: one of one a second.
      intake: { ...OPEN, perAccount: { ratePerSec: 1, burst: 1 } },
      impressionIssuer,
    });
  const impressions = async () =>
    Number(await e.scalar("SELECT COUNT(*) FROM engagement_log WHERE kind = 'Impression'"));

  beforeEach(async () => {
    tmp = tempDir();
    e = await openIntakeEngine(kind, {
      path: `${tmp.dir}/db.sqlite`,
      seed: (db) => seedChain(chainStore(db), alice.address, 3),
      postgres,
    });
  }, 60_000);
  afterEach(async () => {
    await e.close();
    tmp.cleanup();
  });

  it("takes the writer's own impressions once each; the same one again is DUPLICATE", async () => {
    const writer = service(DEV_IMPRESSION_ISSUER);
    const own = signerOf(DEV_IMPRESSION_KEY);
    const signed = await Promise.all([0n, 1n, 2n].map((k) => own.sign({ ...fields, postId: 1n + k })));
    const results = await Promise.all(
      signed.map((s) => writer.submit("Impression", canonicalMessage("Impression", s.message), s.signature)),
    );
    expect(results.map((r) => [r.kind, r.signer, r.account])).toEqual(
      Array(3).fill(["Impression", DEV_IMPRESSION_ISSUER, DEV_IMPRESSION_ISSUER]),
    );
    expect(new Set(results.map((r) => r.seq)).size).toBe(3);
    const first = signed[0] as (typeof signed)[number];
    const again = await outcome(
      writer.submit("Impression", canonicalMessage("Impression", first.message), first.signature),
    );
    expect(again).toMatchObject({ code: "DUPLICATE" });
    expect(await impressions()).toBe(3);
  });

  it("refuses an impression signed by another key, a forged one, and any without an issuer; the log is unchanged", async () => {
    const writer = service(DEV_IMPRESSION_ISSUER);
    const otherKey = generatePrivateKey();
    // Another key's impression, for itself.
    const other = await signerOf(otherKey).sign(fields);
    // Claims to be the issuer's, signed by another key.
    const forged = await sign(privateKeyToAccount(otherKey), "Impression", {
      ...fields,
      account: DEV_IMPRESSION_ISSUER,
      nonce: 77n,
    });
    // A viewer's own "impression" of the post.
    const viewerMade = await sign(bob, "Impression", { ...fields, account: bob.address, nonce: 78n });
    const refused = [
      await outcome(
        writer.submit("Impression", canonicalMessage("Impression", other.message), other.signature),
      ),
      await outcome(writer.submit("Impression", forged.json, forged.signature)),
      await outcome(writer.submit("Impression", viewerMade.json, viewerMade.signature)),
    ];
    // Without an issuer of its own (the public's intake, as ever) it takes none, not even a genuine one.
    const genuine = await signerOf(DEV_IMPRESSION_KEY).sign(fields);
    refused.push(
      await outcome(
        service().submit("Impression", canonicalMessage("Impression", genuine.message), genuine.signature),
      ),
    );
    for (const r of refused)
      expect(r).toEqual({
        code: "BAD_USER_INPUT",
        message: "Impression messages are issued by the indexer, not submitted",
      });
    expect(await impressions()).toBe(0);
  });
});
