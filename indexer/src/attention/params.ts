/**
 * Every tunable of the attention model in one typed object. The algorithm
 * version and a canonical hash of these parameters enter each epoch's inputs
 * hash, so a verifier knows exactly which rules produced a root.
 */
import { keccak256, stringToBytes } from "viem";

export const ALGORITHM_VERSION = "amp-attention/3";

export interface AttentionParams {
  /** Organic edge weight per engagement kind. */
  weights: { view: number; like: number; comment: number; share: number };
  /** Half-life of an engagement's weight, in seconds. */
  halfLifeSeconds: number;
  /** Largest raw weight one account can give another in one UTC day (repetition beyond it is ignored). */
  pairDailyCap: number;
  /** Teleport (restart) probability of the seeded PageRank and of personalized standing. */
  teleport: number;
  /** L1 convergence tolerance of the community PageRank. */
  pagerankTolerance: number;
  pagerankMaxIterations: number;
  /** Residual threshold per unit of out-weight of the push method (smaller = more precise, slower). */
  standingEpsilon: 1e-5;
  /** A view pays only when the post stayed on screen at least this long. */
  minDwellMs: number;
  /**
   * Reputation is reported relative to the community's effective size (score * effective size, so
   * 1 = a typical member); a viewer below this floor is never paid.
   */
  reputationFloor: number;
  /** Campaigns that may pay one viewer in one epoch (further attended campaigns pay nothing). */
  maxPaidCampaignsPerViewer: number;
  /**
   * Fraction of its organic weight that engagement with a post adds when the account also claimed
   * a paid view of that post (a View receipt with a campaign id): bought attention does not become
   * reputation. 0 = none.
   */
  paidAttentionWeight: number;
  /** A moderator becomes a reputation seed only this long (seconds) after the appointment. */
  seedDelaySeconds: number;
  /**
   * Largest share of the teleport mass one moderator restarts at; what a capped moderator cannot
   * take restarts at the founder. Moderators are weighted by the trust the founder-rooted walk
   * gives them (relative reputation, up to 1), so one nobody attends restarts almost nothing.
   */
  seedShareCap: number;
  price: {
    /** Price of one view (token wei) in a community of size 0 for an average viewer and a reputable promoter. */
    basePrice: bigint;
    /** Base price = basePrice * sizeScale / (sizeScale + community size): falls as the community grows. */
    sizeScale: bigint;
    /**
     * Viewer multiplier = viewerWeight * (min(relative reputation, viewerCap) - floor) / (1 - floor):
     * linear in the reputation mass above the floor (1 at a typical member), so splitting one
     * account into several never earns more than the one (each part loses a floor's worth).
     */
    viewerWeight: number;
    viewerCap: number;
    /** Promoter multiplier = 1 + promoterWeight * max(0, 1 - promoter relative reputation). */
    promoterWeight: number;
  };
  /** Share of each viewer payment that goes to the post's author, in basis points. */
  authorShareBps: number;
  ranking: {
    standing: number;
    affinity: number;
    contacts: number;
    recency: number;
    /** Recency half-life of the stream, in seconds. */
    recencyHalfLifeSeconds: number;
    /** Weight of amplification in the legacy additive score; amplified items are now placed by `delivery`. */
    amplification: number;
  };
  delivery: DeliveryParams;
}

/** The impression allocator and served impressions (`attention/allocator.ts`, `attention/impression-ledger.ts`). */
export interface DeliveryParams {
  /** At most one amplified slot in every `slotEvery` items of a page. */
  slotEvery: number;
  /** Position of the first slot in a page (>= 1: never the first item). */
  firstSlot: number;
  /** Impressions one viewer may receive per campaign. */
  impressionsPerCampaign: number;
  /** Paid views per viewer and campaign (a viewer is paid once per campaign). */
  paidViewsPerCampaign: number;
  /** A View receipt matches an impression issued at most this long before it (seconds). */
  impressionTtlSeconds: number;
  /** Impressions per viewer per hour: base + perReputation * relative reputation, at most max. */
  impressionsPerHourBase: number;
  impressionsPerHourPerReputation: number;
  impressionsPerHourMax: number;
  /** A campaign plans to have committed its whole budget by this fraction of its life. */
  paceFinishFraction: number;
  /** How far ahead of its pacing line a campaign may deliver: this many views or this share of budget. */
  paceLeadViews: number;
  paceLeadFraction: number;
}

export const DEFAULT_PARAMS: AttentionParams = {
  weights: { view: 0.2, like: 1, comment: 2, share: 3 },
  halfLifeSeconds: 30 * 24 * 3600,
  pairDailyCap: 5,
  teleport: 0.15,
  pagerankTolerance: 1e-6,
  pagerankMaxIterations: 100,
  standingEpsilon: 1e-5,
  minDwellMs: 3000,
  reputationFloor: 0.15,
  maxPaidCampaignsPerViewer: 20,
  paidAttentionWeight: 0,
  seedDelaySeconds: 7 * 24 * 3600,
  seedShareCap: 0.25,
  price: {
    basePrice: 10n ** 18n,
    sizeScale: 100n,
    viewerWeight: 1,
    viewerCap: 20,
    promoterWeight: 3,
  },
  authorShareBps: 0,
  ranking: {
    standing: 1,
    affinity: 1,
    contacts: 0.5,
    recency: 1,
    recencyHalfLifeSeconds: 2 * 24 * 3600,
    amplification: 0.5,
  },
  delivery: {
    slotEvery: 5,
    firstSlot: 1,
    impressionsPerCampaign: 3,
    paidViewsPerCampaign: 1,
    impressionTtlSeconds: 3600,
    impressionsPerHourBase: 4,
    impressionsPerHourPerReputation: 4,
    impressionsPerHourMax: 60,
    paceFinishFraction: 0.9,
    paceLeadViews: 10,
    paceLeadFraction: 0.02,
  },
};

/** Merges a partial override into the defaults (one level deep for the nested groups). */
export function makeParams(overrides: Partial<AttentionParams> = {}): AttentionParams {
  return {
    ...DEFAULT_PARAMS,
    ...overrides,
    weights: { ...DEFAULT_PARAMS.weights, ...overrides.weights },
    price: { ...DEFAULT_PARAMS.price, ...overrides.price },
    ranking: { ...DEFAULT_PARAMS.ranking, ...overrides.ranking },
    delivery: { ...DEFAULT_PARAMS.delivery, ...overrides.delivery },
  };
}

/** JSON with sorted keys and bigints as decimal strings: the same parameters always give the same text. */
export function canonicalJson(value: unknown): string {
  if (typeof value === "bigint") return JSON.stringify(value.toString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

export function paramsHash(params: AttentionParams): `0x${string}` {
  return keccak256(stringToBytes(canonicalJson(params)));
}
