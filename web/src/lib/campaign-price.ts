/** Why a campaign's realised price per view differs from the quote (pure, for the campaign page). */

export interface PriceComparison {
  realised: bigint | null;
  quoted: bigint;
  /** (realised - quoted) / quoted, or null without a realised price. */
  difference: number | null;
  reason: string;
}

/**
 * The quote is the price of the average eligible viewer at quote time. A paid viewer's price
 * rises with their reputation in the community and with the promoter's lack of reputation, and
 * the base price falls as the community grows; a campaign that cannot pay every viewer splits
 * its budget in proportion to their prices.
 */
export function comparePrice(args: {
  spent: bigint;
  paidViews: number;
  quotedPricePerView: bigint;
  /** Budget left (0 once spent out). */
  remaining: bigint;
}): PriceComparison {
  const { spent, paidViews, quotedPricePerView: quoted, remaining } = args;
  if (paidViews === 0 || quoted === 0n) {
    return {
      realised: null,
      quoted,
      difference: null,
      reason: "No view is paid yet: the realised price appears after the first settled epoch that pays one.",
    };
  }
  const realised = spent / BigInt(paidViews);
  // Parts per million, exact in bigint, then a float for display.
  const difference = Number(((realised - quoted) * 1_000_000n) / quoted) / 1_000_000;
  let reason: string;
  if (Math.abs(difference) < 0.01) reason = "The realised price matches the quote.";
  else if (difference < 0 && remaining === 0n)
    reason =
      "Lower than quoted: the budget ran out, and the last epoch split what was left among its viewers in proportion to their prices.";
  else if (difference > 0)
    reason =
      "Higher than quoted: the viewers paid had more reputation than the average eligible viewer the quote priced (a viewer's price rises with reputation), or your own reputation in the community fell since.";
  else
    reason =
      "Lower than quoted: the viewers paid had less reputation than the average eligible viewer the quote priced, or the community grew (the base price falls as it grows) or your reputation rose since.";
  return { realised, quoted, difference, reason };
}
