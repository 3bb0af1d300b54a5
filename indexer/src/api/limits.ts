/**
 * What one request may cost, checked before graphql's own validation runs (so
 * a hostile document never reaches its rules, some of which are quadratic in
 * the number of fields):
 *
 * - before parsing, the nesting of brackets in the source (a 2,000-level
 *   document would overflow the parser's stack) and, while parsing, graphql's
 *   token limit;
 * - aliases in the document and root fields of each operation;
 * - depth and cost of each operation. Every fragment is measured once
 *   (memoised), and counting stops as soon as a limit is passed, so the check
 *   is linear in the document's size whatever its fragments spread.
 *
 * Cost: a field costs one, plus its selection's cost multiplied by how many
 * items it returns: the `first` page of a paginated field (a variable counts as
 * the largest page), a default page for other lists of objects, the range of a
 * `logExport`. Introspection (`__schema`, `__type`) costs a fixed amount per
 * field and does not count toward depth. Every refusal carries an
 * `extensions.code`.
 */
import type {
  DocumentNode,
  FieldNode,
  FragmentDefinitionNode,
  GraphQLError,
  GraphQLField,
  GraphQLNamedType,
  GraphQLSchema,
  GraphQLType,
  OperationDefinitionNode,
  SelectionSetNode,
} from "graphql";
import { Kind } from "graphql";
import { createGraphQLError } from "graphql-yoga";
import { MEDIA_LIMITS } from "#protocol";
import { MAX_MENTIONS } from "../store/mentions.ts";
import { DEFAULT_PAGE, MAX_PAGE } from "./args.ts";

/** Lists whose length has a known bound smaller than a default page, by `Type.field`. */
const BOUNDED_LISTS: Record<string, number> = {
  "Post.media": MEDIA_LIMITS.maxPerPost,
  "Post.mentions": MAX_MENTIONS,
};

export interface QueryLimits {
  maxDepth: number;
  maxCost: number;
  /** Aliased fields in one document. */
  maxAliases?: number;
  /** Root fields of one operation (fragments expanded). */
  maxRootFields?: number;
  /** graphql's parser stops after this many tokens. */
  maxTokens?: number;
  /** Deepest nesting of `{`, `(` and `[` in the source, checked before parsing. */
  maxNesting?: number;
}

export const QUERY_LIMIT_DEFAULTS = {
  maxAliases: 30,
  maxRootFields: 20,
  maxTokens: 5000,
  maxNesting: 40,
} as const;

/** The largest `logExport` range; entries per unit of cost. */
export const MAX_EXPORT = 10_000;
const EXPORT_ENTRIES_PER_COST = 4;
/** What one introspection root field costs: about what answering it takes. */
export const INTROSPECTION_COST = 1000;

/** A refusal found while measuring; thrown to stop the walk at once. */
class Refusal {
  constructor(readonly error: GraphQLError) {}
}

const refuse = (code: string, message: string): never => {
  throw new Refusal(createGraphQLError(message, { extensions: { code } }));
};

/**
 * Refuses a source nested deeper than `maxNesting` brackets, before any parser
 * recursion; strings, block strings and comments are skipped. Linear in the source.
 */
export function checkNesting(source: string, maxNesting: number): GraphQLError | null {
  let level = 0;
  const n = source.length;
  for (let i = 0; i < n; i++) {
    const c = source.charCodeAt(i);
    if (c === 0x23 /* # */) {
      while (i < n && source.charCodeAt(i) !== 0x0a && source.charCodeAt(i) !== 0x0d) i++;
    } else if (c === 0x22 /* " */) {
      if (source.startsWith('"""', i)) {
        const end = source.indexOf('"""', i + 3);
        // A block string's escaped quotes (\""") never end it.
        let e = end;
        while (e > 0 && source.charCodeAt(e - 1) === 0x5c) e = source.indexOf('"""', e + 3);
        i = e < 0 ? n : e + 2;
      } else {
        for (i++; i < n; i++) {
          const d = source.charCodeAt(i);
          if (d === 0x5c) i++;
          else if (d === 0x22 || d === 0x0a) break;
        }
      }
    } else if (c === 0x7b || c === 0x28 || c === 0x5b) {
      if (++level > maxNesting) {
        return createGraphQLError(`query nests deeper than ${maxNesting} brackets`, {
          extensions: { code: "QUERY_TOO_DEEP" },
        });
      }
    } else if (c === 0x7d || c === 0x29 || c === 0x5d) {
      level--;
    }
  }
  return null;
}

type Fields = Record<string, GraphQLField<unknown, unknown>>;

// Duck-typed rather than `instanceof`: the schema may come from another copy of graphql.
function fieldsOf(type: GraphQLNamedType | undefined): Fields {
  const t = type as { getFields?: () => Fields } | undefined;
  return typeof t?.getFields === "function" && !("getValues" in (t as object)) ? t.getFields() : {};
}

function unwrap(type: GraphQLType): { named: GraphQLNamedType; list: boolean } {
  let t = type as GraphQLType & { ofType?: GraphQLType };
  while (t.ofType) t = t.ofType as GraphQLType & { ofType?: GraphQLType };
  // "[Post!]!" prints a list; the printed form is the same whichever copy of graphql built it.
  return { named: t as GraphQLNamedType, list: String(type).startsWith("[") };
}

function intArg(node: FieldNode, name: string): number | "variable" | undefined {
  const arg = node.arguments?.find((a) => a.name.value === name);
  if (!arg) return undefined;
  if (arg.value.kind === Kind.INT) return Number(arg.value.value);
  return "variable";
}

/**
 * How many items a field returns, at most, for the cost of its selection. A
 * connection's `edges` are already counted by the `first` of the field that
 * returned the connection.
 */
function multiplier(
  node: FieldNode,
  def: GraphQLField<unknown, unknown> | undefined,
  parent: GraphQLNamedType | undefined,
): number {
  if (!def || parent?.name.endsWith("Connection")) return 1;
  const bound = BOUNDED_LISTS[`${parent?.name}.${def.name}`];
  if (bound !== undefined) return bound;
  if (def.args.some((a) => a.name === "first")) {
    const first = intArg(node, "first");
    if (first === undefined) return DEFAULT_PAGE;
    if (first === "variable") return MAX_PAGE;
    return Math.max(1, Math.min(MAX_PAGE, first));
  }
  const { named, list } = unwrap(def.type);
  return list && Object.keys(fieldsOf(named)).length > 0 ? DEFAULT_PAGE : 1;
}

/** What a field costs by itself, before its selection. */
function ownCost(node: FieldNode): number {
  if (node.name.value !== "logExport") return 1;
  const from = intArg(node, "fromSeq");
  const to = intArg(node, "toSeq");
  const range =
    typeof from === "number" && typeof to === "number"
      ? Math.max(1, Math.min(MAX_EXPORT, to - from + 1))
      : MAX_EXPORT;
  return 1 + Math.ceil(range / EXPORT_ENTRIES_PER_COST);
}

interface Measure {
  depth: number;
  cost: number;
}

function measureOperation(
  schema: GraphQLSchema,
  fragments: Map<string, FragmentDefinitionNode>,
  operation: OperationDefinitionNode,
  limits: Required<QueryLimits>,
): void {
  const memo = new Map<string, Measure | null>();

  const fragment = (name: string): Measure => {
    const known = memo.get(name);
    if (known) return known;
    // null: being measured (a cycle, which graphql's own rules refuse); unknown: likewise.
    const frag = fragments.get(name);
    if (known === null || !frag) return { depth: 0, cost: 0 };
    memo.set(name, null);
    const m = measure(frag.selectionSet, schema.getType(frag.typeCondition.name.value) ?? undefined, 0);
    memo.set(name, m);
    return m;
  };

  const checkCost = (cost: number) => {
    if (cost > limits.maxCost)
      refuse("QUERY_TOO_COSTLY", `query cost exceeds the limit of ${limits.maxCost}`);
  };
  const checkDepth = (depth: number) => {
    if (depth > limits.maxDepth)
      refuse("QUERY_TOO_DEEP", `query depth exceeds the limit of ${limits.maxDepth}`);
  };

  function measure(set: SelectionSetNode, type: GraphQLNamedType | undefined, level: number): Measure {
    let depth = 0;
    let cost = 0;
    for (const sel of set.selections) {
      let inner: Measure;
      if (sel.kind === Kind.FIELD) {
        const name = sel.name.value;
        if (name.startsWith("__")) {
          if (name === "__typename") continue;
          inner = { depth: 1, cost: INTROSPECTION_COST };
        } else {
          checkDepth(level + 1);
          const def = fieldsOf(type)[name];
          const child = sel.selectionSet
            ? measure(sel.selectionSet, def ? unwrap(def.type).named : undefined, level + 1)
            : { depth: 0, cost: 0 };
          inner = { depth: child.depth + 1, cost: ownCost(sel) + multiplier(sel, def, type) * child.cost };
        }
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        const t = sel.typeCondition ? schema.getType(sel.typeCondition.name.value) : type;
        inner = measure(sel.selectionSet, t ?? undefined, level);
      } else {
        inner = fragment(sel.name.value);
        checkDepth(level + inner.depth);
      }
      depth = Math.max(depth, inner.depth);
      cost += inner.cost;
      checkCost(cost);
    }
    return { depth, cost };
  }

  const root =
    operation.operation === "mutation"
      ? schema.getMutationType()
      : operation.operation === "subscription"
        ? schema.getSubscriptionType()
        : schema.getQueryType();
  measure(operation.selectionSet, root ?? undefined, 0);
}

/** Root fields of a selection, through inline fragments and fragment spreads (each spread once). */
function rootFields(set: SelectionSetNode, fragments: Map<string, FragmentDefinitionNode>): number {
  let n = 0;
  const seen = new Set<string>();
  const walk = (s: SelectionSetNode) => {
    for (const sel of s.selections) {
      if (sel.kind === Kind.FIELD) n++;
      else if (sel.kind === Kind.INLINE_FRAGMENT) walk(sel.selectionSet);
      else if (!seen.has(sel.name.value)) {
        seen.add(sel.name.value);
        const frag = fragments.get(sel.name.value);
        if (frag) walk(frag.selectionSet);
      }
    }
  };
  walk(set);
  return n;
}

function countAliases(set: SelectionSetNode | undefined): number {
  if (!set) return 0;
  let n = 0;
  for (const sel of set.selections) {
    if (sel.kind === Kind.FIELD && sel.alias && sel.alias.value !== sel.name.value) n++;
    if (sel.kind !== Kind.FRAGMENT_SPREAD) n += countAliases(sel.selectionSet);
  }
  return n;
}

export function withDefaults(limits: QueryLimits): Required<QueryLimits> {
  return { ...QUERY_LIMIT_DEFAULTS, ...limits };
}

/** The first limit a parsed document passes, as a coded GraphQL error; null when within every limit. */
export function checkDocument(
  schema: GraphQLSchema,
  document: DocumentNode,
  limits: QueryLimits,
): GraphQLError | null {
  const all = withDefaults(limits);
  const fragments = new Map<string, FragmentDefinitionNode>();
  let aliases = 0;
  for (const d of document.definitions) {
    if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
    if (d.kind === Kind.FRAGMENT_DEFINITION || d.kind === Kind.OPERATION_DEFINITION)
      aliases += countAliases(d.selectionSet);
  }
  if (aliases > all.maxAliases) {
    return createGraphQLError(`query has ${aliases} aliases, more than the limit of ${all.maxAliases}`, {
      extensions: { code: "QUERY_TOO_MANY_ALIASES" },
    });
  }
  try {
    for (const d of document.definitions) {
      if (d.kind !== Kind.OPERATION_DEFINITION) continue;
      const roots = rootFields(d.selectionSet, fragments);
      if (roots > all.maxRootFields) {
        refuse(
          "QUERY_TOO_MANY_FIELDS",
          `operation has ${roots} root fields, more than the limit of ${all.maxRootFields}`,
        );
      }
      measureOperation(schema, fragments, d, all);
    }
  } catch (error) {
    if (error instanceof Refusal) return error.error;
    throw error;
  }
  return null;
}
