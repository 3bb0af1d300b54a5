/**
 * Replays who may sign what over an exported log, entry by entry in log order,
 * without the indexer's database: each signature must recover to the entry's
 * signer, the signer must be the account or a session key the account
 * delegated to earlier in the log (not revoked, not expired at the message's
 * timestamp), delegations and revocations must come from the account's own
 * wallet, and no account may use a nonce twice. A settler that slipped
 * unsigned or forged engagement into an epoch's export is caught here.
 */
import { type Address, type Hex, recoverTypedDataAddress, type TypedDataDomain } from "viem";
import { decodeMessage } from "../messages/decode.ts";
import { engagementTypes, MESSAGE_KINDS, type MessageKind } from "../messages/types.ts";

export interface ExportedEntry {
  seq: number;
  kind: string;
  signer: string;
  message: unknown;
  signature: string;
}

/** Kinds only the account's wallet may sign (as on submission). */
const WALLET_ONLY = new Set<string>(["Delegation", "RevokeDelegation"]);

export class LogAuthority {
  readonly #domain: TypedDataDomain;
  readonly #delegations = new Map<string, { expiresAt: bigint; revoked: boolean }>();
  readonly #nonces = new Set<string>();

  constructor(domain: TypedDataDomain) {
    this.#domain = domain;
  }

  /** Checks one entry and, when it is valid, applies it; returns why it is invalid, or null. */
  async check(entry: ExportedEntry): Promise<string | null> {
    if (!(MESSAGE_KINDS as string[]).includes(entry.kind)) return `unknown kind ${entry.kind}`;
    const kind = entry.kind as MessageKind;
    let message: ReturnType<typeof decodeMessage>;
    try {
      message = decodeMessage(kind, entry.message as object);
    } catch (error) {
      return `malformed message: ${(error as Error).message}`;
    }
    if (!/^0x[0-9a-fA-F]{130}$/.test(entry.signature)) return "no valid signature";
    let signer: string;
    try {
      signer = (
        await recoverTypedDataAddress({
          domain: this.#domain,
          types: engagementTypes,
          primaryType: kind,
          message: message as never,
          signature: entry.signature as Hex,
        })
      ).toLowerCase();
    } catch {
      return "signature cannot be recovered";
    }
    if (signer !== entry.signer.toLowerCase())
      return `signed by ${signer}, not the recorded signer ${entry.signer}`;
    const account = message.account.toLowerCase() as Address;
    if (signer !== account) {
      if (WALLET_ONLY.has(kind)) return `${kind} signed by ${signer}, not the account ${account}`;
      const d = this.#delegations.get(`${account}>${signer}`);
      if (!d) return `signer ${signer} holds no delegation from ${account}`;
      if (d.revoked) return `session key ${signer} was revoked`;
      if (message.timestamp >= d.expiresAt) return `session key ${signer} had expired`;
    }
    const nonce = `${account}:${message.nonce}`;
    if (this.#nonces.has(nonce)) return `nonce ${message.nonce} of ${account} used twice`;
    this.#nonces.add(nonce);
    if (kind === "Delegation" || kind === "RevokeDelegation") {
      const m = message as { sessionKey: string; expiresAt?: bigint };
      const key = `${account}>${m.sessionKey.toLowerCase()}`;
      if (kind === "Delegation")
        this.#delegations.set(key, { expiresAt: m.expiresAt as bigint, revoked: false });
      else {
        const d = this.#delegations.get(key);
        if (d) d.revoked = true;
      }
    }
    return null;
  }
}
