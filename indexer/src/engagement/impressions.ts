/**
 * The indexer's impression key: it signs an Impression (EIP-712, `#protocol`
 * messages) for each amplified item of a served stream page and appends it
 * to the public engagement log. The key itself is never logged or exposed;
 * only its address is published. The log is either engine's: over the
 * Kysely store or a group commit `append` returns a promise of the seq,
 * settled after the commit (a log that answers at once gives the seq).
 */
import { randomBytes } from "node:crypto";
import type { Address, Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { canonicalMessage, engagementDomain, type ImpressionMessage } from "#protocol";
import type { NewLogEntry } from "../store/engine/engagement-store.ts";
import { EngagementError } from "./errors.ts";
import { digestSigner } from "./sign.ts";
import { createEngagementHasher } from "./typed-hash.ts";

/** Hardhat's account #9: the impression key of the local chain only. */
export const DEV_IMPRESSION_KEY: Hex = "0x2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6";

/** Resolves AMP_IMPRESSION_KEY: unset means the dev key on the local chain 31337 and none elsewhere. */
export function impressionKey(value: string | undefined, chainId: number): Hex | null {
  if (!value || value === "dev") {
    if (chainId === 31337) return DEV_IMPRESSION_KEY;
    if (value === "dev") {
      throw new EngagementError(
        "IMPRESSION_KEY_INVALID",
        'AMP_IMPRESSION_KEY "dev" is only allowed on the local chain 31337',
      );
    }
    return null;
  }
  if (!/^0x[0-9a-fA-F]{64}$/.test(value)) {
    throw new EngagementError(
      "IMPRESSION_KEY_INVALID",
      "AMP_IMPRESSION_KEY must be a 0x-prefixed 32-byte hex key",
    );
  }
  return value as Hex;
}

/** The address of the local chain's impression key (what the verifier accepts on 31337). */
export const DEV_IMPRESSION_ISSUER = privateKeyToAccount(DEV_IMPRESSION_KEY).address.toLowerCase() as Address;

export type ImpressionFields = Omit<ImpressionMessage, "account" | "nonce">;

/** An impression signed by the issuer, ready to append. */
export interface SignedImpression {
  message: ImpressionMessage;
  signature: Hex;
}

/** What an issuer appends through: the engagement store or a group commit (a promise of the seq), or a log that answers at once. */
export interface ImpressionLog<Seq extends number | Promise<number>> {
  append(entry: NewLogEntry): Seq;
}

export interface ImpressionIssuer<Seq extends number | Promise<number> = number> {
  readonly address: Address;
  /** Signs one impression (no side effect). */
  sign(fields: ImpressionFields): Promise<SignedImpression>;
  /** Appends a signed impression to the log; returns its log seq (as the log's append does). */
  append(signed: SignedImpression, receivedAt: number): Seq;
  /** Signs and appends one impression; returns its log seq. */
  issue(fields: ImpressionFields, receivedAt: number): Promise<number>;
}

export interface ImpressionSigner {
  readonly address: Address;
  /** Signs one impression (no side effect). */
  sign(fields: ImpressionFields): Promise<SignedImpression>;
}

export function createImpressionSigner(options: {
  key: Hex;
  chainId: number;
  verifyingContract: Address;
}): ImpressionSigner {
  const address = privateKeyToAccount(options.key).address.toLowerCase() as Address;
  // The EIP-712 digest and a native signature: the same bytes as viem's signTypedData (sign.test.ts).
  const digestOf = createEngagementHasher(engagementDomain(options.chainId, options.verifyingContract));
  const signDigest = digestSigner(options.key);
  return {
    address,
    async sign(fields) {
      const message: ImpressionMessage = {
        ...fields,
        viewer: fields.viewer.toLowerCase() as Address,
        account: address,
        nonce: BigInt(`0x${randomBytes(16).toString("hex")}`),
      };
      return { message, signature: await signDigest(digestOf("Impression", message)) };
    },
  };
}

export function createImpressionIssuer<Seq extends number | Promise<number> = number>(options: {
  store: ImpressionLog<Seq>;
  key: Hex;
  chainId: number;
  verifyingContract: Address;
}): ImpressionIssuer<Seq> {
  const { address, sign } = createImpressionSigner(options);
  const issuer: ImpressionIssuer<Seq> = {
    address,
    sign,
    append({ message, signature }, receivedAt) {
      const json = canonicalMessage("Impression", message);
      return options.store.append({
        kind: "Impression",
        signer: address,
        message: JSON.parse(json),
        json,
        signature,
        receivedAt,
      });
    },
    async issue(fields, receivedAt) {
      // A seq, or a promise of one: awaited either way.
      return (await issuer.append(await issuer.sign(fields), receivedAt)) as number;
    },
  };
  return issuer;
}
