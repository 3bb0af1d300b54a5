/**
 * The column groups a posts page must read for the fields a request selects
 * (see `PostColumns` in the store). The selection is read with
 * graphql-parse-resolve-info, which resolves aliases, fragments and
 * `@skip`/`@include`. Fields are matched against allow-lists: a `Post` field
 * not named here (one added later, say) reads every group, so leaving a
 * column out can only follow from a field known not to need it.
 *
 * The answer depends only on the request's document and the variables its
 * `@skip`/`@include` read, and the server's parser cache hands every request
 * with the same query text the same document, so it is kept per field node
 * (and per value of those variables) instead of being worked out on every
 * request.
 */
import { type FieldNode, type GraphQLResolveInfo, Kind, type SelectionSetNode } from "graphql";
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

/** Most variable combinations kept per field node; past it the answer is worked out each time. */
const MAX_KEYS_PER_FIELD = 16;

interface FieldMemo {
  /** The variables the field's `@skip`/`@include` directives read, sorted. */
  variables: string[];
  answers: Map<string, PostColumns>;
}

const memo = new WeakMap<FieldNode, FieldMemo>();

/** The variables read by directives anywhere under these selections, following fragment spreads. */
function directiveVariables(info: GraphQLResolveInfo): string[] {
  const names = new Set<string>();
  const seenFragments = new Set<string>();
  const visitDirectives = (node: {
    directives?: readonly { arguments?: readonly { value: unknown }[] }[];
  }) => {
    for (const directive of node.directives ?? [])
      for (const arg of directive.arguments ?? []) {
        const value = arg.value as { kind: string; name?: { value: string } };
        if (value.kind === Kind.VARIABLE && value.name) names.add(value.name.value);
      }
  };
  const walk = (set: SelectionSetNode | undefined) => {
    for (const selection of set?.selections ?? []) {
      visitDirectives(selection);
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const name = selection.name.value;
        if (seenFragments.has(name)) continue;
        seenFragments.add(name);
        walk(info.fragments[name]?.selectionSet);
      } else walk(selection.selectionSet);
    }
  };
  for (const node of info.fieldNodes) {
    visitDirectives(node);
    walk(node.selectionSet);
  }
  return [...names].sort();
}

/** The column groups a `PostConnection` field (`Query.posts`, `Community.posts`) reads. */
export function postColumnsFor(info: GraphQLResolveInfo): PostColumns {
  // A field merged from several nodes (the same response key written twice) is worked out each
  // time: the same first node can be merged with different others elsewhere in a document.
  const node = info.fieldNodes.length === 1 ? info.fieldNodes[0] : undefined;
  if (!node) return columnsOf(info);
  let field = memo.get(node);
  if (!field) {
    field = { variables: directiveVariables(info), answers: new Map() };
    memo.set(node, field);
  }
  const key = field.variables.length
    ? JSON.stringify(field.variables.map((name) => info.variableValues[name] ?? null))
    : "";
  const known = field.answers.get(key);
  if (known) return known;
  const columns = columnsOf(info);
  if (field.answers.size < MAX_KEYS_PER_FIELD) field.answers.set(key, columns);
  return columns;
}

function columnsOf(info: GraphQLResolveInfo): PostColumns {
  const tree = parseResolveInfo(info) as ResolveTree | null | undefined;
  if (!tree) return ALL_POST_COLUMNS;
  const posts = fieldsOf(tree.fieldsByTypeName, "PostConnection")
    .filter((f) => f.name === "edges")
    .flatMap((edges) => fieldsOf(edges.fieldsByTypeName, "PostEdge"))
    .filter((f) => f.name === "node")
    .flatMap((node) => fieldsOf(node.fieldsByTypeName, "Post"));
  let chain = false;
  let community = false;
  for (const field of posts) {
    if (field.name === "community") {
      const asked = fieldsOf(field.fieldsByTypeName, "Community");
      if (asked.some((f) => !COMMUNITY_CORE_FIELDS.has(f.name))) community = true;
    } else if (CHAIN_FIELDS.has(field.name)) chain = true;
    else if (!CORE_FIELDS.has(field.name)) return ALL_POST_COLUMNS;
  }
  return { chain, community };
}
