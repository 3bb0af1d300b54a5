/** `Epoch`: one settlement (root, status, its published manifest) and its payouts. */
import type { Hex } from "viem";
import { canonicalJson } from "../../attention/params.ts";
import { type EpochManifest, manifestText, parseManifest } from "../../settlement/manifest.ts";
import type { EpochRow } from "../../store/queries.ts";
import * as args from "../args.ts";
import type { ApiContext } from "../context.ts";
import { fromAttention } from "./attention.ts";

/** Status on chain time as the next transaction will see it (`ctx.chainTime`), as the escrow decides it. */
export const epochStatus = async (e: EpochRow, ctx: ApiContext) => {
  if (e.revokedBlock !== null) return "REVOKED";
  if ((await ctx.queries.disputeOf(e.blockNumber, e.logIndex))?.status === 1) return "DISPUTED";
  // An open dispute of an earlier epoch holds this root too (roots are cumulative).
  const blocked = await ctx.queries.lowestOpenDispute();
  if (blocked !== null && blocked <= e.epoch) return "PENDING";
  return e.activeAt <= ctx.chainTime() ? "ACTIVE" : "PENDING";
};

interface Published {
  text: string | null;
  manifest: EpochManifest | null;
}
const published = new WeakMap<EpochRow, Published>();

/** The manifest's text and parsed fields (null where the published bytes are missing or not a valid manifest). */
function manifestOf(e: EpochRow): Published {
  let p = published.get(e);
  if (!p) {
    let text: string | null = null;
    let manifest: EpochManifest | null = null;
    if (e.manifest) {
      try {
        text = manifestText(e.manifest as Hex);
        manifest = parseManifest(text);
      } catch {
        // Published but not a valid manifest: the text (when UTF-8) is still served as it is.
      }
    }
    p = { text, manifest };
    published.set(e, p);
  }
  return p;
}

export const Epoch = {
  number: (e: EpochRow) => e.epoch,
  finalized: async (e: EpochRow, _: unknown, ctx: ApiContext) =>
    e.blockNumber <= ((await ctx.queries.checkpoint())?.finalizedBlock ?? -1),
  status: (e: EpochRow, _: unknown, ctx: ApiContext) => epochStatus(e, ctx),
  settledBlock: (e: EpochRow) => e.blockNumber,
  manifest: (e: EpochRow) => manifestOf(e).text,
  algorithm: (e: EpochRow) => manifestOf(e).manifest?.algorithm ?? null,
  periodEnd: (e: EpochRow) => manifestOf(e).manifest?.periodEnd ?? null,
  fromSeq: (e: EpochRow) => manifestOf(e).manifest?.fromSeq ?? null,
  toSeq: (e: EpochRow) => manifestOf(e).manifest?.toSeq ?? null,
  exportHash: (e: EpochRow) => manifestOf(e).manifest?.exportHash ?? null,
  factsBlock: (e: EpochRow) => manifestOf(e).manifest?.factsBlock ?? null,
  paramsHash: (e: EpochRow) => manifestOf(e).manifest?.paramsHash ?? null,
  params: (e: EpochRow) => {
    const m = manifestOf(e).manifest;
    return m ? canonicalJson(m.params) : null;
  },
  dispute: (e: EpochRow, _: unknown, ctx: ApiContext) => ctx.queries.disputeOf(e.blockNumber, e.logIndex),
  payouts: async (e: EpochRow, a: { first?: number | null; after?: string | null }, ctx: ApiContext) => {
    const page = await fromAttention(() =>
      ctx.attention.epochPayouts(e.epoch, { first: args.pageSize(a.first), after: a.after ?? null }),
    );
    const edges = page.items.map(({ cursor, ...node }) => ({ cursor, node }));
    return { edges, pageInfo: { hasNextPage: page.hasNextPage, endCursor: edges.at(-1)?.cursor ?? null } };
  },
};
