/**
 * Query depth and cost limits as GraphQL validation rules. Cost counts one per
 * field, multiplied by the page size of every enclosing field that takes
 * `first` (a variable counts as the maximum page). Introspection is exempt.
 */
import type {
  FieldNode,
  FragmentDefinitionNode,
  GraphQLField,
  GraphQLNamedType,
  GraphQLType,
  SelectionSetNode,
  ValidationContext,
  ValidationRule,
} from "graphql";
import { Kind } from "graphql";
import { createGraphQLError } from "graphql-yoga";
import { DEFAULT_PAGE, MAX_PAGE } from "./args.ts";

export interface QueryLimits {
  maxDepth: number;
  maxCost: number;
}

interface Measure {
  depth: number;
  cost: number;
}

// Duck-typed rather than `instanceof`: the schema may come from another copy of graphql.
function fieldsOf(type: GraphQLNamedType | undefined): Record<string, GraphQLField<unknown, unknown>> {
  const t = type as { getFields?: () => Record<string, GraphQLField<unknown, unknown>> } | undefined;
  return typeof t?.getFields === "function" && !("getValues" in (t as object)) ? t.getFields() : {};
}

function getNamedType(type: GraphQLType): GraphQLNamedType {
  let t = type as GraphQLType & { ofType?: GraphQLType };
  while (t.ofType) t = t.ofType as GraphQLType & { ofType?: GraphQLType };
  return t as GraphQLNamedType;
}

function pageOf(node: FieldNode, def: GraphQLField<unknown, unknown> | undefined): number {
  if (!def?.args.some((a) => a.name === "first")) return 1;
  const arg = node.arguments?.find((a) => a.name.value === "first");
  if (!arg) return DEFAULT_PAGE;
  if (arg.value.kind === Kind.INT) return Math.max(1, Math.min(MAX_PAGE, Number(arg.value.value)));
  return MAX_PAGE;
}

function measure(
  ctx: ValidationContext,
  selectionSet: SelectionSetNode,
  type: GraphQLNamedType | undefined,
  seen: Set<string>,
): Measure {
  let depth = 0;
  let cost = 0;
  for (const sel of selectionSet.selections) {
    let inner: Measure = { depth: 0, cost: 0 };
    if (sel.kind === Kind.FIELD) {
      if (sel.name.value.startsWith("__")) continue;
      const def = fieldsOf(type)[sel.name.value];
      const child = sel.selectionSet
        ? measure(ctx, sel.selectionSet, def ? getNamedType(def.type) : undefined, seen)
        : { depth: 0, cost: 0 };
      inner = { depth: child.depth + 1, cost: 1 + pageOf(sel, def) * child.cost };
    } else if (sel.kind === Kind.INLINE_FRAGMENT) {
      const t = sel.typeCondition ? ctx.getSchema().getType(sel.typeCondition.name.value) : type;
      inner = measure(ctx, sel.selectionSet, t ?? undefined, seen);
    } else {
      const name = sel.name.value;
      const frag: FragmentDefinitionNode | null | undefined = ctx.getFragment(name);
      if (!frag || seen.has(name)) continue;
      seen.add(name);
      inner = measure(
        ctx,
        frag.selectionSet,
        ctx.getSchema().getType(frag.typeCondition.name.value) ?? undefined,
        seen,
      );
      seen.delete(name);
    }
    depth = Math.max(depth, inner.depth);
    cost += inner.cost;
  }
  return { depth, cost };
}

export function queryLimitsRule(limits: QueryLimits): ValidationRule {
  return (ctx: ValidationContext) => ({
    OperationDefinition(node) {
      const root =
        node.operation === "mutation" ? ctx.getSchema().getMutationType() : ctx.getSchema().getQueryType();
      const m = measure(ctx, node.selectionSet, root ?? undefined, new Set());
      if (m.depth > limits.maxDepth) {
        ctx.reportError(
          createGraphQLError(`query depth ${m.depth} exceeds the limit of ${limits.maxDepth}`, {
            nodes: [node],
            extensions: { code: "QUERY_TOO_DEEP" },
          }),
        );
      }
      if (m.cost > limits.maxCost) {
        ctx.reportError(
          createGraphQLError(`query cost ${m.cost} exceeds the limit of ${limits.maxCost}`, {
            nodes: [node],
            extensions: { code: "QUERY_TOO_COSTLY" },
          }),
        );
      }
    },
  });
}
