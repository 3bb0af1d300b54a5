/**
 * Replays who may sign what over an exported log, entry by entry in log order,
 * without the indexer's database: each signature must recover to the entry's
 * signer, the signer must be the account or a session key the account
 * delegated to earlier in the log (not revoked, not expired at the message's
 * timestamp), delegations and revocations must come from the account's own
 * wallet, and no account may use a nonce twice. A settler that slipped
 * unsigned or forged engagement into an epoch's export is caught here.
 */
import type { Address, TypedDataDomain } from "viem";
import { decodeMessage, ISSUED_KINDS, MESSAGE_KINDS, type MessageByKind, type MessageKind } from "#protocol";
import { EngagementError } from "./errors.ts";
import { recoverDigest } from "./recover.ts";
import { createEngagementHasher, type EngagementHasher } from "./typed-hash.ts";

export interface ExportedEntry {
  seq: number;
  kind: string;
  signer: string;
  message: unknown;
  signature: string;
}

/** Kinds only the account's wallet may sign (a session key cannot extend or revoke its own authority). */
const WALLET_ONLY = new Set<MessageKind>(["Delegation", "RevokeDelegation"]);

/** Each domain's digest function, built once (domains live as long as their service). */
const hashers = new WeakMap<TypedDataDomain, EngagementHasher>();

/** The lower-case address that signed a message, or null when the signature does not recover. */
export async function recoverSigner(
  domain: TypedDataDomain,
  kind: MessageKind,
  message: MessageByKind[MessageKind],
  signature: string,
): Promise<Address | null> {
  let hash = hashers.get(domain);
  if (!hash) {
    hash = createEngagementHasher(domain);
    hashers.set(domain, hash);
  }
  let digest: Uint8Array;
  try {
    digest = hash(kind, message);
  } catch {
    return null;
  }
  return recoverDigest(digest, signature);
}

/**
 * Why `signer` may not sign this message, or null when it may: the account itself, or a
 * session key the account delegated to that is not revoked and has not expired (by the
 * message's timestamp and, on submission, by the clock `now`). The same rules on submission
 * and in the verifier's replay of a log.
 */
export function authorityRefusal(
  kind: MessageKind,
  message: MessageByKind[MessageKind],
  signer: string,
  delegation: { expiresAt: bigint; revoked: boolean } | null,
  now?: number,
): EngagementError | null {
  const account = message.account.toLowerCase();
  if (signer === account) return null;
  if (WALLET_ONLY.has(kind)) {
    return new EngagementError("BAD_SIGNATURE", `${kind} signed by ${signer}, not the account ${account}`);
  }
  if (!delegation) {
    return new EngagementError(
      "UNKNOWN_DELEGATION",
      `signer ${signer} is not the account ${account} and holds no delegation from it`,
    );
  }
  if (delegation.revoked)
    return new EngagementError("DELEGATION_REVOKED", `session key ${signer} was revoked`);
  if (
    (now !== undefined && BigInt(now) >= delegation.expiresAt) ||
    message.timestamp >= delegation.expiresAt
  ) {
    return new EngagementError(
      "DELEGATION_EXPIRED",
      `session key ${signer} expired at ${delegation.expiresAt}`,
    );
  }
  return null;
}

/**
 * What the authority rules need of an entry whose signature recovered: its kind, the signer the
 * signature recovers to and the few message fields the rules read. Built by `recoverEntry`, in
 * this thread or in a recovery worker (`signature-pool.ts`), so that the expensive, stateless part
 * of a check can run apart from the ordered, stateful part (`LogAuthority.admit`).
 */
export interface RecoveredEntry {
  kind: MessageKind;
  /** The address the signature recovers to (lower case). */
  signer: string;
  account: string;
  nonce: bigint;
  timestamp: bigint;
  /** Delegation and RevokeDelegation only. */
  sessionKey?: string;
  /** Delegation only. */
  expiresAt?: bigint;
}

/** The stateless part of a check: the entry decoded and its signer recovered, or why it cannot be. */
export async function recoverEntry(
  domain: TypedDataDomain,
  entry: Omit<ExportedEntry, "seq" | "signer">,
): Promise<RecoveredEntry | string> {
  if (!(MESSAGE_KINDS as string[]).includes(entry.kind)) return `unknown kind ${entry.kind}`;
  const kind = entry.kind as MessageKind;
  let message: MessageByKind[MessageKind];
  try {
    message = decodeMessage(kind, entry.message as object);
  } catch (error) {
    return `malformed message: ${(error as Error).message}`;
  }
  if (!/^0x[0-9a-fA-F]{130}$/.test(entry.signature)) return "no valid signature";
  const signer = await recoverSigner(domain, kind, message, entry.signature);
  if (!signer) return "signature cannot be recovered";
  const recovered: RecoveredEntry = {
    kind,
    signer,
    account: message.account.toLowerCase(),
    nonce: message.nonce,
    timestamp: message.timestamp,
  };
  if (kind === "Delegation" || kind === "RevokeDelegation") {
    const m = message as MessageByKind["Delegation"] | MessageByKind["RevokeDelegation"];
    recovered.sessionKey = m.sessionKey.toLowerCase();
    if ("expiresAt" in m) recovered.expiresAt = m.expiresAt;
  }
  return recovered;
}

export class LogAuthority {
  readonly #domain: TypedDataDomain;
  readonly #delegations = new Map<string, { expiresAt: bigint; revoked: boolean }>();
  readonly #nonces = new Set<string>();
  readonly #issuers: ReadonlySet<string>;

  /** `impressionIssuers`: the published impression keys; an Impression signed by any other key is invalid. */
  constructor(domain: TypedDataDomain, impressionIssuers: Iterable<string> = []) {
    this.#domain = domain;
    this.#issuers = new Set([...impressionIssuers].map((a) => a.toLowerCase()));
  }

  /** Checks one entry and, when it is valid, applies it; returns why it is invalid, or null. */
  async check(entry: ExportedEntry): Promise<string | null> {
    const recovered = await recoverEntry(this.#domain, entry);
    return typeof recovered === "string" ? recovered : this.admit(entry.signer, recovered);
  }

  /**
   * The ordered part of a check, for an entry `recoverEntry` decoded and recovered (entries in log
   * order): the recorded signer must be the one recovered, and may sign for the account (the
   * account itself, a published impression key for issued kinds, or a live delegation); the
   * account's nonce must be new. A valid entry is applied; returns why it is invalid, or null.
   */
  admit(recordedSigner: string, entry: RecoveredEntry): string | null {
    const { kind, signer, account } = entry;
    if (signer !== recordedSigner.toLowerCase())
      return `signed by ${signer}, not the recorded signer ${recordedSigner}`;
    if (ISSUED_KINDS.has(kind) && (signer !== account || !this.#issuers.has(signer)))
      return `${kind} signed by ${signer}, not a published impression key`;
    const refusal = authorityRefusal(
      kind,
      { account, timestamp: entry.timestamp } as MessageByKind[MessageKind],
      signer,
      this.#delegations.get(`${account}>${signer}`) ?? null,
    );
    if (refusal) return refusal.message;
    const nonce = `${account}:${entry.nonce}`;
    if (this.#nonces.has(nonce)) return `nonce ${entry.nonce} of ${account} used twice`;
    this.#nonces.add(nonce);
    if (entry.sessionKey !== undefined) {
      const key = `${account}>${entry.sessionKey}`;
      if (entry.expiresAt !== undefined)
        this.#delegations.set(key, { expiresAt: entry.expiresAt, revoked: false });
      else {
        const d = this.#delegations.get(key);
        if (d) d.revoked = true;
      }
    }
    return null;
  }
}
