/**
 * The GraphQL server: schema from `schema.graphql`, resolvers, depth and cost
 * limits, CORS for the dApp's origins and GraphiQL only when enabled.
 */
import { readFileSync } from "node:fs";
import { createGraphQLError, createSchema, createYoga, maskError, type Plugin } from "graphql-yoga";
import { AmpError } from "#protocol";
import type { AttentionService } from "../attention/interface.ts";
import type { Deployment } from "../config.ts";
import type { LogExport } from "../engagement/export.ts";
import type { EngagementService } from "../engagement/submit.ts";
import type { Queries } from "../store/queries.ts";
import type { ApiContext } from "./context.ts";
import { type QueryLimits, queryLimitsRule } from "./limits.ts";
import { resolvers } from "./resolvers/index.ts";

export const typeDefs = readFileSync(new URL("./schema.graphql", import.meta.url), "utf8");

export interface ApiOptions {
  queries: Queries;
  /** NDJSON export of a seq range of the engagement log. */
  exportLog: (fromSeq: number, toSeq: number) => LogExport;
  engagement: EngagementService;
  attention: AttentionService;
  chainId: number;
  deployment: Deployment;
  now: () => number;
  corsOrigins: string[];
  graphiql: boolean;
  limits: QueryLimits;
}

export function createApi(options: ApiOptions) {
  const context: ApiContext = {
    queries: options.queries,
    engagement: options.engagement,
    attention: options.attention,
    chainId: options.chainId,
    deployment: options.deployment,
    now: options.now,
    exportLog: options.exportLog,
  };
  const limits: Plugin = {
    onValidate({ addValidationRule }) {
      addValidationRule(queryLimitsRule(options.limits));
    },
  };
  return createYoga({
    schema: createSchema({ typeDefs, resolvers }),
    context: () => context,
    graphiql: options.graphiql,
    landingPage: false,
    cors: { origin: options.corsOrigins, methods: ["GET", "POST", "OPTIONS"], credentials: false },
    plugins: [limits],
    maskedErrors: {
      // A project error thrown below the API keeps its message and reports its code.
      maskError(error, message, isDev) {
        const original = (error as { originalError?: unknown }).originalError ?? error;
        if (original instanceof AmpError) {
          return createGraphQLError(original.shortMessage, { extensions: { code: original.code } });
        }
        return maskError(error, message, isDev);
      },
    },
    logging: false,
  });
}

export type Api = ReturnType<typeof createApi>;
