/**
 * HTTP entry of the API. JSON queries and mutations (POST) that parse and
 * validate take a short path straight into yoga's envelop (same schema,
 * plugins, caches and limits) without the Fetch-API emulation, and are
 * executed once there: errors are masked as yoga masks them. Everything else
 * (GET, preflight, GraphiQL, subscriptions, documents that fail to parse or
 * validate) goes through yoga itself. Every refusal answers JSON with an `extensions.code`, including
 * 413 (body too large), 415 (content type) and answers past `maxAnswerBytes`.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import type { DocumentNode, ExecutionResult, GraphQLError } from "graphql";
import { maskError } from "graphql-yoga";
import type { ClientAddressOf } from "./client-address.ts";
import type { MediaHandler } from "./media-http.ts";
import { type Api, CLIENT_ADDRESS, CLIENT_ADDRESS_HEADER } from "./yoga.ts";

const MAX_BODY = 64 * 1024;
/** Default cap on one answer's bytes (the largest log export is about 4 MB). */
export const MAX_ANSWER_BYTES = 8 * 1024 * 1024;

export interface HttpHandlerOptions {
  corsOrigins: string[];
  maxAnswerBytes?: number;
  /** Serves /media (uploads and images) before anything else reads the request. */
  media?: MediaHandler;
  /** Paths answered beside the GraphQL endpoint (the epoch documents); true when it answered. */
  documents?: (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;
  /** The address intake quotas charge (default: the socket's peer); see `client-address.ts`. */
  clientAddress?: ClientAddressOf;
}

const STATUS_CODES: Record<number, string> = {
  400: "BAD_REQUEST",
  404: "NOT_FOUND",
  405: "METHOD_NOT_ALLOWED",
  406: "NOT_ACCEPTABLE",
  413: "PAYLOAD_TOO_LARGE",
  415: "UNSUPPORTED_MEDIA_TYPE",
  500: "INTERNAL_SERVER_ERROR",
};

function errorBody(code: string, message: string): Buffer<ArrayBufferLike> {
  return Buffer.from(JSON.stringify({ errors: [{ message, extensions: { code } }] }));
}

export function createHttpHandler(yoga: Api, options: HttpHandlerOptions): RequestListener {
  const origins = new Set(options.corsOrigins);
  const maxAnswerBytes = options.maxAnswerBytes ?? MAX_ANSWER_BYTES;
  const clientAddress = options.clientAddress ?? ((req: IncomingMessage) => req.socket.remoteAddress);

  async function viaYoga(req: IncomingMessage, res: ServerResponse, body: Buffer | null): Promise<void> {
    const url = `http://${req.headers.host ?? "localhost"}${req.url ?? "/"}`;
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) {
      if (v !== undefined && k !== CLIENT_ADDRESS_HEADER) headers.set(k, Array.isArray(v) ? v.join(", ") : v);
    }
    const client = clientAddress(req);
    if (client) headers.set(CLIENT_ADDRESS_HEADER, client);
    const response = await yoga.fetch(url, {
      method: req.method ?? "GET",
      headers,
      body: body && req.method !== "GET" && req.method !== "HEAD" ? body : undefined,
    });
    const out: Record<string, string> = {};
    response.headers.forEach((v, k) => {
      out[k.toLowerCase()] = v;
    });
    // Answers are bounded (JSON, GraphiQL's page): buffer them rather than bridge yoga's stream type.
    let payload: Buffer<ArrayBufferLike> = Buffer.from(await response.arrayBuffer());
    delete out["transfer-encoding"];
    let status = response.status;
    if (status >= 400 && !(out["content-type"] ?? "").includes("json")) {
      const code = STATUS_CODES[status] ?? "BAD_REQUEST";
      const text = payload.toString("utf8").trim();
      payload = errorBody(code, text || `HTTP ${status}: ${code.toLowerCase().replaceAll("_", " ")}`);
      out["content-type"] = "application/json; charset=utf-8";
    } else if (payload.length > maxAnswerBytes) {
      payload = tooLarge();
      status = 200;
      out["content-type"] = "application/json; charset=utf-8";
    }
    out["content-length"] = String(payload.length);
    res.writeHead(status, out).end(payload);
  }

  const tooLarge = () =>
    errorBody("ANSWER_TOO_LARGE", `the answer exceeds ${maxAnswerBytes} bytes; ask for less per request`);

  async function fast(req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<boolean> {
    let params: { query?: unknown; variables?: unknown; operationName?: unknown };
    try {
      params = JSON.parse(body.toString("utf8"));
    } catch {
      return false;
    }
    if (!params || typeof params.query !== "string" || Array.isArray(params)) return false;
    // The socket's address, for intake quotas (the yoga path carries it in a header it sets itself).
    const { parse, validate, contextFactory, execute, schema } = yoga.getEnveloped({
      req,
      [CLIENT_ADDRESS]: clientAddress(req),
    });
    let document: DocumentNode;
    try {
      document = parse(params.query);
    } catch {
      return false;
    }
    const operations = document.definitions.filter((d) => d.kind === "OperationDefinition");
    const operation = operations.length === 1 ? (operations[0] as { operation: string }).operation : null;
    if (operation !== "query" && operation !== "mutation") return false;
    if (validate(schema, document).length > 0) return false;
    const result = (await execute({
      schema,
      document,
      variableValues: (params.variables as Record<string, unknown> | null) ?? undefined,
      operationName: typeof params.operationName === "string" ? params.operationName : undefined,
      contextValue: await contextFactory(),
    })) as ExecutionResult;
    // No `data`: variables that do not coerce; yoga answers those with its status and headers.
    if (!("data" in result)) return false;
    const headers: Record<string, string> = { "content-type": "application/json; charset=utf-8" };
    const origin = req.headers.origin;
    if (origin && origins.has(origin)) {
      headers["access-control-allow-origin"] = origin;
      headers.vary = "Origin";
    }
    const answer: { errors?: unknown[]; data: unknown } = { data: result.data };
    if (result.errors?.length) {
      answer.errors = result.errors.map((e) =>
        (maskError(e, "Unexpected error.", false) as GraphQLError).toJSON(),
      );
    }
    let payload: Buffer<ArrayBufferLike> = Buffer.from(
      JSON.stringify(answer.errors ? { errors: answer.errors, data: answer.data } : answer),
    );
    if (payload.length > maxAnswerBytes) payload = tooLarge();
    headers["content-length"] = String(payload.length);
    res.writeHead(200, headers).end(payload);
    return true;
  }

  return (req, res) => {
    if (options.media?.(req, res)) return;
    const isJsonPost =
      req.method === "POST" &&
      (req.url ?? "").split("?")[0] === yoga.graphqlEndpoint &&
      (req.headers["content-type"] ?? "").startsWith("application/json");
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const run = async () => {
        if (size > MAX_BODY) {
          const payload = errorBody("PAYLOAD_TOO_LARGE", `request body exceeds ${MAX_BODY} bytes`);
          res.writeHead(413, { "content-type": "application/json; charset=utf-8" }).end(payload);
          return;
        }
        if (!isJsonPost && options.documents && (await options.documents(req, res))) return;
        if (isJsonPost && (await fast(req, res, body))) return;
        await viaYoga(req, res, body);
      };
      run().catch(() => {
        if (res.headersSent) {
          res.end();
          return;
        }
        const payload = errorBody("INTERNAL_SERVER_ERROR", "internal error");
        res.writeHead(500, { "content-type": "application/json; charset=utf-8" }).end(payload);
      });
    });
  };
}
