/**
 * `graphql()` typed by the indexer's schema (`indexer/src/api/schema.graphql`)
 * through gql.tada: every operation's result and variables are checked against
 * it by `npx tsc`. `graphql-env.d.ts` is generated from the schema
 * (`npx gql-tada generate-output`, run by the typecheck step).
 */
import { initGraphQLTada } from "gql.tada";
import type { introspection } from "./graphql-env.d.ts";

export const graphql = initGraphQLTada<{
  introspection: introspection;
  scalars: { BigInt: string };
  disableMasking: true;
}>();

export type { ResultOf, TadaDocumentNode, VariablesOf } from "gql.tada";
