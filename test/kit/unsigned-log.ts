/**
 * Appends engagement messages straight into a store's log, unsigned, for tests of what reads the
 * log (the attention service): `append` any message, `policy` a viewer's policy, `nonce()` the next
 * nonce of this log. The database is read lazily, so the helper can be made before `beforeAll`.
 */
import type { Address } from "viem";
import type { Db } from "#indexer/store/db.ts";
import { canonicalMessage, type MessageByKind, type MessageKind, type PolicyMode } from "#protocol";
import { engagementStore } from "./stores.ts";

export function unsignedLog(db: () => Db, timestamp: bigint) {
  let next = 1n;
  const nonce = () => next++;
  const append = async <K extends MessageKind>(kind: K, message: MessageByKind[K]): Promise<void> => {
    const json = canonicalMessage(kind, message);
    await engagementStore(db()).append({
      kind,
      signer: (message as { account: string }).account,
      message: JSON.parse(json),
      json,
      signature: "0x",
      receivedAt: 0,
    });
  };
  const policy = (who: Address, mode: PolicyMode) =>
    append("Policy", {
      account: who,
      mode,
      communities: [],
      topics: [],
      blockedPromoters: [],
      timestamp,
      nonce: nonce(),
    });
  return { append, policy, nonce };
}
