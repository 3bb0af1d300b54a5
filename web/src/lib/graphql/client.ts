import { AmpError } from "#protocol";

/**
 * A GraphQL error as the indexer reports it: its `extensions.code` as `code`
 * (GRAPHQL_REQUEST_FAILED when the answer carried none) and the HTTP status.
 */
export class GraphQLRequestError extends AmpError {
  override name = "GraphQLRequestError";
  readonly status: number | undefined;
  constructor(message: string, options: { code?: string; status?: number; cause?: unknown } = {}) {
    super(options.code ?? "GRAPHQL_REQUEST_FAILED", message, {
      cause: options.cause,
      retryable: options.code === "NETWORK" || (options.status !== undefined && options.status >= 500),
    });
    this.status = options.status;
  }
}

export interface GraphQLClient {
  request<T>(query: string, variables?: Record<string, unknown>): Promise<T>;
}

interface GraphQLResponse<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/** A minimal fetch-based client; the endpoint and fetch come in, nothing is global. */
export function createGraphQLClient(
  endpoint: string,
  fetchFn: typeof fetch = (...a) => fetch(...a),
): GraphQLClient {
  return {
    async request<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
      let res: Response;
      try {
        res = await fetchFn(endpoint, {
          method: "POST",
          headers: { "content-type": "application/json", accept: "application/json" },
          body: JSON.stringify({ query, variables }),
        });
      } catch (cause) {
        throw new GraphQLRequestError("The indexer cannot be reached.", { code: "NETWORK", cause });
      }
      let body: GraphQLResponse<T>;
      let text = "";
      try {
        text = await res.text();
        body = JSON.parse(text) as GraphQLResponse<T>;
      } catch (cause) {
        const snippet = text.trim().slice(0, 120);
        throw new GraphQLRequestError(
          `The indexer answered HTTP ${res.status}${snippet ? `: ${snippet}` : " without a readable body"}.`,
          { status: res.status, cause },
        );
      }
      const first = body.errors?.[0];
      if (first) {
        throw new GraphQLRequestError(first.message, { code: first.extensions?.code, status: res.status });
      }
      if (!body.data) throw new GraphQLRequestError("The indexer returned no data.", { status: res.status });
      return body.data;
    },
  };
}
