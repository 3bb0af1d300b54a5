import type { Address, Hex } from "viem";
import type { MessageContext } from "../messages.ts";

/** A browser-held key the account delegated engagement signing to. */
export interface StoredSession {
  account: Address;
  sessionKey: Address;
  privateKey: Hex;
  /** Unix seconds. */
  expiresAt: number;
}

export type KeyValueStorage = Pick<Storage, "getItem" | "setItem" | "removeItem">;

export function sessionStorageKey(ctx: MessageContext, account: Address): string {
  return `amp.session.${ctx.chainId}.${ctx.social.toLowerCase()}.${account.toLowerCase()}`;
}

/** Seconds before expiry at which a session stops being used, so no message lands after it. */
export const SESSION_MARGIN_SECONDS = 120;

export function loadSession(
  storage: KeyValueStorage,
  ctx: MessageContext,
  account: Address,
  nowSeconds: number,
): StoredSession | null {
  const key = sessionStorageKey(ctx, account);
  const raw = storage.getItem(key);
  if (!raw) return null;
  try {
    const session = JSON.parse(raw) as StoredSession;
    if (session.account?.toLowerCase() !== account.toLowerCase()) return null;
    if (session.expiresAt - SESSION_MARGIN_SECONDS <= nowSeconds) {
      storage.removeItem(key);
      return null;
    }
    return session;
  } catch {
    storage.removeItem(key);
    return null;
  }
}

export function saveSession(storage: KeyValueStorage, ctx: MessageContext, session: StoredSession): void {
  storage.setItem(sessionStorageKey(ctx, session.account), JSON.stringify(session));
}

export function clearSession(storage: KeyValueStorage, ctx: MessageContext, account: Address): void {
  storage.removeItem(sessionStorageKey(ctx, account));
}
