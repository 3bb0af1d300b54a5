/**
 * Prices of attention: what one view costs a promoter, from the community's
 * size and the viewer's and promoter's reputations. Integer-exact: amounts are
 * bigint token wei, multipliers fixed-point parts per million.
 */
import type { AttentionParams } from "./params.ts";

const PPM = 1_000_000n;

/** Base price of a view in a community of `size` accounts: falls as the community grows. */
export function basePrice(params: AttentionParams, size: number): bigint {
  const { basePrice: p, sizeScale } = params.price;
  return (p * sizeScale) / (sizeScale + BigInt(Math.max(0, Math.floor(size))));
}

function toPpm(multiplier: number): bigint {
  return BigInt(Math.floor(multiplier * 1e6));
}

/**
 * Multiplier (ppm) linear in the viewer's reputation mass above the floor, capped: 0 at the floor,
 * `viewerWeight` at a typical member (relative reputation 1). Since the price is linear and every
 * account first loses a floor's worth, k accounts sharing one account's reputation earn
 * less than it did.
 */
export function viewerMultiplierPpm(params: AttentionParams, viewerReputation: number): bigint {
  const floor = params.reputationFloor;
  const r = Math.min(Math.max(0, viewerReputation), params.price.viewerCap);
  if (!(r > floor)) return 0n;
  return toPpm((params.price.viewerWeight * (r - floor)) / (1 - floor));
}

/**
 * Multiplier (ppm) rising as the promoter's relative reputation falls: 1 + promoterWeight for a
 * promoter with no reputation, falling linearly to 1 at a typical member and above.
 */
export function promoterMultiplierPpm(params: AttentionParams, promoterReputation: number): bigint {
  const deficit = Math.max(0, 1 - Math.max(0, promoterReputation));
  return toPpm(1 + params.price.promoterWeight * deficit);
}

/** Price (token wei) of one view by a viewer, for a promoter, in a community of `size`. */
export function viewPrice(
  params: AttentionParams,
  size: number,
  viewerReputation: number,
  promoterReputation: number,
): bigint {
  return (
    (basePrice(params, size) *
      viewerMultiplierPpm(params, viewerReputation) *
      promoterMultiplierPpm(params, promoterReputation)) /
    (PPM * PPM)
  );
}

/** How many average-reputation views a budget buys for a promoter in a community. */
export function quoteViews(
  params: AttentionParams,
  size: number,
  promoterReputation: number,
  budget: bigint,
): { views: bigint; pricePerView: bigint } {
  const pricePerView = viewPrice(params, size, 1, promoterReputation);
  return { views: pricePerView > 0n ? budget / pricePerView : 0n, pricePerView };
}
