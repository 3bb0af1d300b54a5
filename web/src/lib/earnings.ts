/** Pure helpers of the earnings views: which epochs a claim paid, reason wording, countdowns. */

export interface EpochAmount {
  epoch: number;
  /** Wei, as a decimal string or bigint. */
  amount: string | bigint;
}

/** Earnings summed per epoch, oldest first. */
export function perEpoch(earnings: readonly EpochAmount[]): { epoch: number; amount: bigint }[] {
  const sums = new Map<number, bigint>();
  for (const e of earnings) sums.set(e.epoch, (sums.get(e.epoch) ?? 0n) + BigInt(e.amount));
  return [...sums.entries()].sort(([a], [b]) => a - b).map(([epoch, amount]) => ({ epoch, amount }));
}

/**
 * The epochs whose earnings a claim paid: a claim pays the cumulative amount up to its proof's
 * epoch minus what was claimed before, so it pays the epochs whose running total crosses
 * (claimedBefore, claimedAfter].
 */
export function epochsOfClaim(
  earnings: readonly EpochAmount[],
  claimedBefore: bigint,
  claimedAfter: bigint,
): number[] {
  const out: number[] = [];
  let total = 0n;
  for (const { epoch, amount } of perEpoch(earnings)) {
    const start = total;
    total += amount;
    if (amount > 0n && total > claimedBefore && start < claimedAfter) out.push(epoch);
  }
  return out;
}

/** "epoch 3", "epochs 3 and 4", "epochs 3, 4 and 6". */
export function epochList(epochs: readonly number[]): string {
  if (epochs.length === 0) return "";
  if (epochs.length === 1) return `epoch ${epochs[0]}`;
  return `epochs ${epochs.slice(0, -1).join(", ")} and ${epochs.at(-1)}`;
}

/** What each payout reason means, in the viewer's words. */
export const REASON_TEXT: Record<string, string> = {
  PAID: "Paid",
  AUTHOR_OR_PROMOTER: "You wrote or promoted this post: your own views are not paid.",
  ALREADY_PAID: "Already paid: a campaign pays each viewer once.",
  POLICY: "Your attention policy does not allow this promoter, community or topic.",
  BELOW_FLOOR: "Your reputation in this community is below the floor that paid views need.",
  CAP_REACHED: "You reached the most campaigns one epoch pays you for.",
  DWELL_TOO_SHORT: "The post was not on screen long enough.",
  OUTSIDE_CAMPAIGN: "The view came before the campaign started or after it ended.",
  BUDGET_EXHAUSTED: "The campaign had no budget left for this view.",
  NO_IMPRESSION: "The post was not served to you as an amplified item, so the view cannot be paid.",
};

export function reasonText(reason: string): string {
  return REASON_TEXT[reason] ?? reason;
}

/** "now", "in 45 s", "in 3 min 05 s", "in 2 h 10 min". */
export function countdown(targetSeconds: number, nowSeconds: number): string {
  const left = Math.max(0, Math.round(targetSeconds - nowSeconds));
  if (left === 0) return "now";
  if (left < 60) return `in ${left} s`;
  if (left < 3600) return `in ${Math.floor(left / 60)} min ${String(left % 60).padStart(2, "0")} s`;
  if (left < 86_400)
    return `in ${Math.floor(left / 3600)} h ${String(Math.floor((left % 3600) / 60)).padStart(2, "0")} min`;
  return `in ${Math.floor(left / 86_400)} d ${Math.floor((left % 86_400) / 3600)} h`;
}
