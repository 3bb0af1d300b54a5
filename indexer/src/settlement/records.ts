/**
 * The settlement results an instance keeps per epoch: payouts with proofs and
 * roots, per-campaign payments, payout reasons and the run record. Written by
 * the settler after computing an epoch, and by the rebuilder after recomputing
 * an epoch the chain settled, in one transaction either way, on either engine
 * (`store.ts`).
 */
import { createSettlementStore, type StoreSource } from "./store.ts";

export type { RunFields } from "./store.ts";

export function createSettlementRecords(source: StoreSource) {
  const store = createSettlementStore(source);
  return {
    persist: store.persist,
    discard: store.discard,
    cumulativeAfter: store.cumulativeAfter,
    paidBefore: store.paidBefore,
  };
}
