/**
 * Read side of the store: keyset-paginated lists and lookups the API serves,
 * one file per entity under `queries/`. Every list fetches `first + 1` rows to
 * know whether another page exists; statements are prepared once per distinct SQL text.
 */
import type { Db } from "./db.ts";
import type { StoreEngine } from "./engine/engine.ts";
import { accountQueries } from "./queries/accounts.ts";
import { campaignHistoryQueries } from "./queries/campaign-history.ts";
import { campaignQueries } from "./queries/campaigns.ts";
import { communityQueries } from "./queries/communities.ts";
import { epochQueries } from "./queries/epochs.ts";
import { escrowQueries } from "./queries/escrow.ts";
import { membershipQueries } from "./queries/memberships.ts";
import { mentionQueries } from "./queries/mentions.ts";
import { messageQueries } from "./queries/messages.ts";
import { notificationQueries } from "./queries/notifications.ts";
import { postQueries } from "./queries/posts.ts";
import { profileQueries } from "./queries/profiles.ts";
import { searchQueries } from "./queries/search.ts";
import { createReader } from "./queries/sql-reader.ts";
import { statusQueries } from "./queries/status.ts";
import { threadQueries } from "./queries/threads.ts";

export type { DelegationRow, PolicyRow } from "./queries/accounts.ts";
export type { CampaignEpochRow } from "./queries/campaign-history.ts";
export type { CampaignRow, SpendRow } from "./queries/campaigns.ts";
export type { CommunityRow } from "./queries/communities.ts";
export type { EpochRow } from "./queries/epochs.ts";
export type { DisputeRow, RoleChangeRow } from "./queries/escrow.ts";
export type { MentionRow } from "./queries/mentions.ts";
export type { MessageRow } from "./queries/messages.ts";
export type { NotificationRow } from "./queries/notifications.ts";
export type { CommentRow, PostColumns, PostFilter, PostOrder, PostRow, PostStats } from "./queries/posts.ts";
export { ALL_POST_COLUMNS } from "./queries/posts.ts";
export type { MediaRow, ProfileRow } from "./queries/profiles.ts";
export type { Scored } from "./queries/search.ts";
export type { Keyset, Rows } from "./queries/sql-reader.ts";

/** The API's reads over a better-sqlite3 handle (the embedded store) or either engine. */
export function createQueries(source: Db | StoreEngine) {
  const reader = createReader(source);
  return {
    /** The engine the reads run on. */
    engineKind: reader.kind,
    ...statusQueries(reader),
    ...accountQueries(reader),
    ...communityQueries(reader),
    ...postQueries(reader),
    ...campaignQueries(reader),
    ...epochQueries(reader),
    ...escrowQueries(reader),
    ...messageQueries(reader),
    ...threadQueries(reader),
    ...notificationQueries(reader),
    ...profileQueries(reader),
    ...searchQueries(reader),
    ...campaignHistoryQueries(reader),
    ...membershipQueries(reader),
    ...mentionQueries(reader),
  };
}

export type Queries = ReturnType<typeof createQueries>;
