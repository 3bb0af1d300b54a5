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

/** Multiplier (ppm) rising with the viewer's relative reputation, capped. */
export function viewerMultiplierPpm(params: AttentionParams, viewerReputation: number): bigint {
  const r = Math.min(Math.max(0, viewerReputation), params.price.viewerCap);
  return toPpm(1 + params.price.viewerWeight * Math.log1p(r));
}

/** Multiplier (ppm) rising as the promoter's relative reputation falls. */
export function promoterMultiplierPpm(params: AttentionParams, promoterReputation: number): bigint {
  return toPpm(1 + params.price.promoterWeight / (1 + Math.max(0, promoterReputation)));
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
