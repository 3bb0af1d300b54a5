import type { Address, Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { AmpError } from "#protocol";
import { type GraphQLClient, GraphQLRequestError } from "../graphql/client.ts";
import { submitMessage } from "../graphql/indexer.ts";
import {
  buildMessage,
  encodeMessage,
  type MessageContext,
  type MessageFields,
  type MessageKind,
  type TypedDataSigner,
  typedData,
} from "../messages.ts";
import {
  clearSession,
  type KeyValueStorage,
  loadSession,
  type StoredSession,
  saveSession,
} from "./sessionStore.ts";

/** Default session lifetime: 7 days (the indexer accepts at most 30). */
export const DEFAULT_SESSION_SECONDS = 7 * 24 * 3600;

export type EngagementKind = Extract<
  MessageKind,
  | "View"
  | "Like"
  | "Comment"
  | "Share"
  | "Follow"
  | "Unlike"
  | "NotificationsRead"
  | "Membership"
  | "DeletePost"
>;

export interface EngagementDeps {
  client: GraphQLClient;
  storage: KeyValueStorage;
  ctx: MessageContext;
  account: Address;
  /** Signs with the connected wallet (asks the user). */
  walletSign: TypedDataSigner;
  now?: () => number;
  sessionSeconds?: number;
  /** Delegations in flight per account, so concurrent engagements ask the wallet once. */
  inflight?: Map<string, Promise<StoredSession>>;
}

/** An engagement that may not ask the wallet found no session key to sign with. */
export class SessionRequiredError extends AmpError {
  override name = "SessionRequiredError";
  constructor(account: Address) {
    super("SESSION_REQUIRED", `No session key for ${account}; enabling one needs the wallet's signature.`);
  }
}

export interface EngageOptions {
  /**
   * Whether a missing session may be created with a wallet signature (default true). Passive
   * engagement (views) passes false unless the wallet signs without asking: a prompt needs a click.
   */
  delegate?: boolean;
}

/** Signs a message with the wallet and submits it (Delegation, RevokeDelegation, Policy). */
export async function submitWithWallet<K extends MessageKind>(
  deps: Pick<EngagementDeps, "client" | "ctx" | "walletSign" | "now">,
  kind: K,
  fields: MessageFields<K>,
) {
  const message = buildMessage(kind, fields, (deps.now ?? Date.now)());
  const signature = await deps.walletSign(typedData(deps.ctx, kind, message));
  await submitMessage(deps.client, { kind, message: encodeMessage(message), signature });
  return { message, signature };
}

/** Returns the live session for the account, creating one (one wallet signature) when needed. */
export function ensureSession(deps: EngagementDeps): Promise<StoredSession> {
  const key = deps.account.toLowerCase();
  const pending = deps.inflight?.get(key);
  if (pending) return pending;
  const created = createOrLoadSession(deps).finally(() => deps.inflight?.delete(key));
  deps.inflight?.set(key, created);
  return created;
}

async function createOrLoadSession(deps: EngagementDeps): Promise<StoredSession> {
  const now = (deps.now ?? Date.now)();
  const existing = loadSession(deps.storage, deps.ctx, deps.account, Math.floor(now / 1000));
  if (existing) return existing;
  const privateKey = generatePrivateKey();
  const sessionKey = privateKeyToAccount(privateKey).address;
  const expiresAt = Math.floor(now / 1000) + (deps.sessionSeconds ?? DEFAULT_SESSION_SECONDS);
  await submitWithWallet(deps, "Delegation", {
    account: deps.account,
    sessionKey,
    expiresAt: BigInt(expiresAt),
  });
  const session: StoredSession = { account: deps.account, sessionKey, privateKey, expiresAt };
  saveSession(deps.storage, deps.ctx, session);
  return session;
}

function existingSession(deps: EngagementDeps): StoredSession {
  const now = Math.floor((deps.now ?? Date.now)() / 1000);
  const session = loadSession(deps.storage, deps.ctx, deps.account, now);
  if (!session) throw new SessionRequiredError(deps.account);
  return session;
}

export function sessionSigner(session: StoredSession): TypedDataSigner {
  const account = privateKeyToAccount(session.privateKey);
  // biome-ignore lint/suspicious/noExplicitAny: the payload is built by typedData() for a known kind
  return (payload) => account.signTypedData(payload as any);
}

const STALE_SESSION_CODES = new Set(["UNKNOWN_DELEGATION", "DELEGATION_EXPIRED", "DELEGATION_REVOKED"]);

/**
 * Signs an engagement message silently with the session key and submits it.
 * When the indexer no longer knows the session (expired, revoked, reset),
 * the session is dropped and re-delegated once.
 */
export async function engage<K extends EngagementKind>(
  deps: EngagementDeps,
  kind: K,
  fields: Omit<MessageFields<K>, "account">,
  options: EngageOptions = {},
): Promise<{ signature: Hex; sessionKey: Address }> {
  for (let attempt = 0; ; attempt++) {
    const session = options.delegate === false ? existingSession(deps) : await ensureSession(deps);
    const message = buildMessage(
      kind,
      { ...fields, account: deps.account } as MessageFields<K>,
      (deps.now ?? Date.now)(),
    );
    const signature = await sessionSigner(session)(typedData(deps.ctx, kind, message));
    try {
      await submitMessage(deps.client, { kind, message: encodeMessage(message), signature });
      return { signature, sessionKey: session.sessionKey };
    } catch (error) {
      const stale = error instanceof GraphQLRequestError && error.code && STALE_SESSION_CODES.has(error.code);
      if (!stale || attempt > 0) throw error;
      clearSession(deps.storage, deps.ctx, deps.account);
    }
  }
}

/** Revokes the stored session key with a wallet-signed RevokeDelegation and forgets it. */
export async function revokeSession(deps: EngagementDeps): Promise<boolean> {
  const now = (deps.now ?? Date.now)();
  const session = loadSession(deps.storage, deps.ctx, deps.account, Math.floor(now / 1000));
  if (!session) return false;
  await submitWithWallet(deps, "RevokeDelegation", { account: deps.account, sessionKey: session.sessionKey });
  clearSession(deps.storage, deps.ctx, deps.account);
  return true;
}
