/**
 * The column groups a posts page must read for the fields a request selects
 * (see `PostColumns` in the store). The selection is read with
 * graphql-parse-resolve-info, which resolves aliases, fragments and
 * `@skip`/`@include`. Fields are matched against allow-lists: a `Post` field
 * not named here (one added later, say) reads every group, so leaving a
 * column out can only follow from a field known not to need it.
 */
import type { GraphQLResolveInfo } from "graphql";
import { type FieldsByTypeName, parseResolveInfo, type ResolveTree } from "graphql-parse-resolve-info";
import { ALL_POST_COLUMNS, type PostColumns } from "../store/queries.ts";

/** `Post` fields answered from a row's core columns (or its id alone). */
const CORE_FIELDS = new Set([
  "__typename",
  "id",
  "author",
  "text",
  "topics",
  "createdAt",
  "likes",
  "views",
  "commentCount",
  "comments",
  "shares",
  "boughtViews",
  "campaigns",
  "amplified",
  "mentions",
  "parent",
  "root",
  "quoted",
  "replies",
  "replyCount",
  "thread",
  "quotes",
  "quoteCount",
  "likedBy",
  "sharedBy",
]);
/** `Post` fields that read the chain columns. */
const CHAIN_FIELDS = new Set(["contentHash", "uri", "blockNumber", "txHash", "finalized", "media"]);
/** `Community` fields a post row answers from its core columns. */
const COMMUNITY_CORE_FIELDS = new Set(["__typename", "id", "name"]);

const fieldsOf = (byType: FieldsByTypeName, type: string): ResolveTree[] => Object.values(byType[type] ?? {});

/** The column groups a `PostConnection` field (`Query.posts`, `Community.posts`) reads. */
export function postColumnsFor(info: GraphQLResolveInfo): PostColumns {
  const tree = parseResolveInfo(info) as ResolveTree | null | undefined;
  if (!tree) return ALL_POST_COLUMNS;
  const posts = fieldsOf(tree.fieldsByTypeName, "PostConnection")
    .filter((f) => f.name === "edges")
    .flatMap((edges) => fieldsOf(edges.fieldsByTypeName, "PostEdge"))
    .filter((f) => f.name === "node")
    .flatMap((node) => fieldsOf(node.fieldsByTypeName, "Post"));
  const columns: PostColumns = { chain: false, community: false };
  for (const field of posts) {
    if (field.name === "community") {
      const asked = fieldsOf(field.fieldsByTypeName, "Community");
      if (asked.some((f) => !COMMUNITY_CORE_FIELDS.has(f.name))) columns.community = true;
    } else if (CHAIN_FIELDS.has(field.name)) columns.chain = true;
    else if (!CORE_FIELDS.has(field.name)) return ALL_POST_COLUMNS;
  }
  return columns;
}
