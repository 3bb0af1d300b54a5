/**
 * The GraphQL server: schema from `schema.graphql`, resolvers, depth and cost
 * limits, CORS for the dApp's origins and GraphiQL only when enabled. Errors
 * reach clients through `maskedErrors` (an AmpError's code as `extensions.code`).
 */
import { readFileSync } from "node:fs";
import { type DocumentNode, GraphQLError, parse } from "graphql";
import { createGraphQLError, createSchema, createYoga, type Plugin } from "graphql-yoga";
import { type Logger, silentLogger } from "#protocol/logger.ts";
import type { AttentionService } from "../attention/interface.ts";
import type { Deployment } from "../config.ts";
import type { LogExport } from "../engagement/export.ts";
import type { EngagementService } from "../engagement/submit.ts";
import type { EpochPreviewer } from "../settlement/preview.ts";
import { chainTimeSource, projectedChainTime } from "../store/chain-time.ts";
import type { Queries } from "../store/queries.ts";
import type { ApiContext } from "./context.ts";
import { maskedErrors } from "./errors.ts";
import { checkDocument, checkNesting, type QueryLimits, withDefaults } from "./limits.ts";
import { resolvers } from "./resolvers/index.ts";

export const typeDefs = readFileSync(new URL("./schema.graphql", import.meta.url), "utf8");

export interface ApiOptions {
  queries: Queries;
  /** NDJSON export of a seq range of the engagement log. */
  exportLog: (fromSeq: number, toSeq: number) => LogExport | Promise<LogExport>;
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
  /** The unsettled epoch as the settler would compute it now (for `pendingEarnings`). */
  pending?: EpochPreviewer;
  /** Seconds between settlements; default: the deployment's epoch length. */
  epochSeconds?: number;
  /** Chain time as the next transaction will see it; default: the store's projected chain time. */
  chainTime?: () => number;
}

export function createApi(options: ApiOptions) {
  const context: ApiContext = {
    queries: options.queries,
    engagement: options.engagement,
    attention: options.attention,
    chainId: options.chainId,
    deployment: options.deployment,
    now: options.now,
    chainTime: options.chainTime ?? projectedChainTime(options.queries),
    exportLog: options.exportLog,
    ...(options.pending ? { pending: options.pending } : {}),
    ...(options.epochSeconds ? { epochSeconds: options.epochSeconds } : {}),
  };
  const limits = requestLimits(options.limits);
  // The clocks read the latest block synchronously: it is read from the store (at most every
  // ~200 ms on PostgreSQL) before a request's resolvers run, so a replica sees the writer's blocks.
  const latestBlock = chainTimeSource(options.queries);
  const allowed = new Set(options.corsOrigins);
  return createYoga({
    schema: createSchema({ typeDefs, resolvers }),
    // The client address comes only from the HTTP entry (which drops any such header a client sent).
    context: async (initial) => {
      await latestBlock.refresh();
      // No request on the HTTP entry's short path, which hands the address over in the initial context.
      const clientAddress =
        initial.request?.headers.get(CLIENT_ADDRESS_HEADER) ??
        (initial as { [CLIENT_ADDRESS]?: string })[CLIENT_ADDRESS] ??
        undefined;
      return clientAddress ? { ...context, clientAddress } : context;
    },
    graphiql: options.graphiql,
    landingPage: false,
    // Only the listed origins, each answered with itself; any other (including "null", which
    // sandboxed frames and files send) gets no CORS headers rather than yoga's `Allow-Origin: null`.
    cors: (request) => {
      const origin = request.headers.get("origin");
      if (origin === null || !allowed.has(origin)) return false;
      return { origin: [origin], methods: ["GET", "POST", "OPTIONS"], credentials: false };
    },
    plugins: [limits],
    logging: false,
    maskedErrors: maskedErrors(options.logger ?? silentLogger()),
  });
}

export type Api = ReturnType<typeof createApi>;

/** Carries the socket's remote address from the HTTP entry to the resolvers. */
export const CLIENT_ADDRESS_HEADER = "x-amp-client-address";
/** The same on the HTTP entry's short path: a key of the initial context no request can set. */
export const CLIENT_ADDRESS: unique symbol = Symbol("amp.clientAddress");

/**
 * The request limits as an envelop plugin: the nesting guard before parsing,
 * graphql's token limit while parsing, and `checkDocument` in place of
 * validation when it refuses (graphql's own rules then never see the
 * document). Parse errors carry GRAPHQL_PARSE_FAILED (QUERY_TOO_LARGE past the
 * token limit) on every path, including `getEnveloped` outside a yoga request.
 */
export function requestLimits(queryLimits: QueryLimits): Plugin {
  const all = withDefaults(queryLimits);
  const coded = (error: unknown): Error => {
    if (!(error instanceof GraphQLError)) return error as Error;
    const tooLarge = /contains more th(?:an|at) \d+ tokens/.test(error.message);
    if (!tooLarge && error.extensions?.code) return error;
    return createGraphQLError(error.message, {
      source: error.source,
      positions: error.positions,
      extensions: { code: tooLarge ? "QUERY_TOO_LARGE" : "GRAPHQL_PARSE_FAILED", http: { status: 400 } },
    });
  };
  return {
    onParse({ setParseFn }) {
      setParseFn((source, parseOptions) => {
        const text = typeof source === "string" ? source : source.body;
        const tooDeep = checkNesting(text, all.maxNesting);
        if (tooDeep) throw tooDeep;
        return parse(source, { ...parseOptions, maxTokens: all.maxTokens });
      });
      return ({ result, replaceParseResult }) => {
        if (result instanceof Error) replaceParseResult(coded(result) as unknown as DocumentNode);
      };
    },
    onValidate({ params, setResult }) {
      const refusal = checkDocument(params.schema, params.documentAST, all);
      if (refusal) setResult([refusal]);
    },
    onExecute() {
      return {
        // No `data` at all: the request failed before execution (variables that do not coerce).
        onExecuteDone({ result, setResult }) {
          if (!("errors" in result) || !result.errors?.length || "data" in result) return;
          setResult({
            ...result,
            errors: result.errors.map((e) =>
              e.extensions?.code
                ? e
                : createGraphQLError(e.message, {
                    nodes: e.nodes,
                    source: e.source,
                    positions: e.positions,
                    extensions: { ...e.extensions, code: "BAD_USER_INPUT", http: { status: 400 } },
                  }),
            ),
          });
        },
      };
    },
  };
}
