/**
 * The GraphQL server: schema from `schema.graphql`, resolvers, depth and cost
 * limits, CORS for the dApp's origins and GraphiQL only when enabled. Errors
 * reach clients through `maskedErrors` (an AmpError's code as `extensions.code`).
 */
import { readFileSync } from "node:fs";
import { createSchema, createYoga, type Plugin } from "graphql-yoga";
import { type Logger, silentLogger } from "#protocol/logger.ts";
import type { AttentionService } from "../attention/interface.ts";
import type { Deployment } from "../config.ts";
import type { LogExport } from "../engagement/export.ts";
import type { EngagementService } from "../engagement/submit.ts";
import type { Queries } from "../store/queries.ts";
import type { ApiContext } from "./context.ts";
import { maskedErrors } from "./errors.ts";
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
  /** Where unexpected (masked) errors are logged; default: nowhere. */
  logger?: Logger;
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
    logging: false,
    maskedErrors: maskedErrors(options.logger ?? silentLogger()),
  });
}

export type Api = ReturnType<typeof createApi>;
