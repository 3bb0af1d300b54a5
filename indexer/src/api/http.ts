/**
 * HTTP entry of the API. Successful JSON queries take a short path straight
 * into yoga's envelop (same schema, plugins, caches and limits) without the
 * Fetch-API emulation; everything else — GET, preflight, GraphiQL, mutations,
 * and any query whose answer carries errors (so yoga formats and masks them) —
 * goes through yoga itself. Queries have no side effects, so re-running one
 * on the full path is safe.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import type { DocumentNode, ExecutionResult } from "graphql";
import type { Api } from "./yoga.ts";

const MAX_BODY = 64 * 1024;

export interface HttpHandlerOptions {
  corsOrigins: string[];
}

export function createHttpHandler(yoga: Api, options: HttpHandlerOptions): RequestListener {
  const origins = new Set(options.corsOrigins);

  async function viaYoga(req: IncomingMessage, res: ServerResponse, body: Buffer | null): Promise<void> {
    const url = `http://${req.headers.host ?? "localhost"}${req.url ?? "/"}`;
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) {
      if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(", ") : v);
    }
    const response = await yoga.fetch(url, {
      method: req.method ?? "GET",
      headers,
      body: body && req.method !== "GET" && req.method !== "HEAD" ? body : undefined,
    });
    const out: Record<string, string> = {};
    response.headers.forEach((v, k) => {
      out[k.toLowerCase()] = v;
    });
    // Answers are small (JSON, GraphiQL's page): buffer them rather than bridge yoga's stream type.
    const payload = Buffer.from(await response.arrayBuffer());
    delete out["transfer-encoding"];
    out["content-length"] = String(payload.length);
    res.writeHead(response.status, out).end(payload);
  }

  async function fast(req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<boolean> {
    let params: { query?: unknown; variables?: unknown; operationName?: unknown };
    try {
      params = JSON.parse(body.toString("utf8"));
    } catch {
      return false;
    }
    if (!params || typeof params.query !== "string" || Array.isArray(params)) return false;
    const { parse, validate, contextFactory, execute, schema } = yoga.getEnveloped({ req });
    let document: DocumentNode;
    try {
      document = parse(params.query);
    } catch {
      return false;
    }
    const operations = document.definitions.filter((d) => d.kind === "OperationDefinition");
    if (operations.length !== 1 || (operations[0] as { operation: string }).operation !== "query")
      return false;
    if (validate(schema, document).length > 0) return false;
    const result = (await execute({
      schema,
      document,
      variableValues: (params.variables as Record<string, unknown> | null) ?? undefined,
      operationName: typeof params.operationName === "string" ? params.operationName : undefined,
      contextValue: await contextFactory(),
    })) as ExecutionResult;
    if (result.errors?.length || !("data" in result)) return false;
    const headers: Record<string, string> = { "content-type": "application/json; charset=utf-8" };
    const origin = req.headers.origin;
    if (origin && origins.has(origin)) {
      headers["access-control-allow-origin"] = origin;
      headers.vary = "Origin";
    }
    const payload = Buffer.from(JSON.stringify({ data: result.data }));
    headers["content-length"] = String(payload.length);
    res.writeHead(200, headers).end(payload);
    return true;
  }

  return (req, res) => {
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
          res.writeHead(413, { "content-type": "text/plain" }).end("request body too large");
          return;
        }
        if (isJsonPost && (await fast(req, res, body))) return;
        await viaYoga(req, res, body);
      };
      run().catch(() => {
        if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
        res.end("internal error");
      });
    });
  };
}
