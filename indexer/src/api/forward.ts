/**
 * An API replica's intake: it verifies nothing and stores nothing itself;
 * every signed message and every media upload goes to the writer, and the
 * writer's answer is the replica's answer. Refusals keep the writer's code
 * (BAD_SIGNATURE, DUPLICATE, RATE_LIMITED …). When the writer cannot be
 * reached, or does not answer in time, the replica refuses with
 * `WRITER_UNAVAILABLE` (retryable): the client was acknowledged nothing and
 * sends the same signed message again (a message the writer did append before
 * its answer was lost comes back as DUPLICATE, never as a second entry).
 */
import { request as httpRequest, type IncomingMessage, type ServerResponse } from "node:http";
import { request as httpsRequest } from "node:https";
import { AmpError, type MessageKind } from "#protocol";
import { ENGAGEMENT_ERROR_CODES, EngagementError, type EngagementErrorCode } from "../engagement/errors.ts";
import type { EngagementService, SubmitResult } from "../engagement/submit.ts";
import { type ClientAddressOf, FORWARDED_CLIENT_HEADER } from "./client-address.ts";
import type { MediaHandler } from "./media-http.ts";
import { MEDIA_PATH } from "./resolvers/profile.ts";

/** The writer could not take the request now; nothing was acknowledged, a retry can succeed. */
export class WriterUnavailableError extends AmpError {
  override name = "WriterUnavailableError";
  constructor(shortMessage: string, options: { details?: string; cause?: unknown } = {}) {
    super("WRITER_UNAVAILABLE", shortMessage, { ...options, retryable: true });
  }
}

/** Seconds a client waits before sending again after WRITER_UNAVAILABLE (a failover takes a few). */
export const WRITER_RETRY_AFTER_SECONDS = 2;

/** The writer's base URL (`http://host:port`), or null when no writer holds the lease now. */
export interface WriterLocator {
  (): Promise<string | null>;
  /** A forward failed: look again next time. */
  forget?(): void;
}

export interface ForwardOptions {
  writer: WriterLocator;
  /** The writer's GraphQL path (default /graphql). */
  graphqlPath?: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

const SUBMIT = `mutation Forward($kind: MessageKind!, $message: String!, $signature: String!) {
  submitMessage(kind: $kind, message: $message, signature: $signature) { seq kind account signer }
}`;

interface GraphQLAnswer {
  data?: { submitMessage?: SubmitResult } | null;
  errors?: { message?: string; extensions?: { code?: string; retryAfter?: number } }[];
}

const isEngagementCode = (code: string | undefined): code is EngagementErrorCode =>
  (ENGAGEMENT_ERROR_CODES as readonly string[]).includes(code ?? "");

export function createForwardingEngagement(options: ForwardOptions): EngagementService {
  const doFetch = options.fetch ?? fetch;
  const path = options.graphqlPath ?? "/graphql";
  const timeoutMs = options.timeoutMs ?? 10_000;
  return {
    async submit(kind, messageJson, signature, meta = {}) {
      const base = await options.writer().catch((cause: unknown) => {
        throw new WriterUnavailableError("the writer cannot be located now; send the message again", {
          cause,
        });
      });
      if (!base)
        throw new WriterUnavailableError(
          "no writer holds the lease now (a failover is under way); send again",
        );
      let answer: GraphQLAnswer;
      try {
        const response = await doFetch(`${base}${path}`, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            ...(meta.client ? { [FORWARDED_CLIENT_HEADER]: meta.client } : {}),
          },
          body: JSON.stringify({ query: SUBMIT, variables: { kind, message: messageJson, signature } }),
          signal: AbortSignal.timeout(timeoutMs),
        });
        answer = (await response.json()) as GraphQLAnswer;
        if (!answer || typeof answer !== "object")
          throw new WriterUnavailableError("the writer answered no JSON", {
            details: `HTTP ${response.status}`,
          });
      } catch (cause) {
        options.writer.forget?.();
        throw new WriterUnavailableError("the writer did not answer; nothing was acknowledged, send again", {
          details: `${base}${path}`,
          cause,
        });
      }
      const result = answer.data?.submitMessage;
      if (result) return { ...result, kind: result.kind as MessageKind };
      const error = answer.errors?.[0];
      const code = error?.extensions?.code;
      const message = error?.message ?? "the writer refused the message";
      if (isEngagementCode(code)) throw new EngagementError(code, message, error?.extensions?.retryAfter);
      if (code === "WRITER_UNAVAILABLE") {
        options.writer.forget?.();
        throw new WriterUnavailableError(message);
      }
      // Anything else (the writer failing internally, a schema the replica does not share) is the
      // writer's to fix; the client may retry.
      throw new WriterUnavailableError("the writer could not take the message; send again", {
        details: `${code ?? "no code"}: ${message}`,
      });
    },
  };
}

export interface MediaForwardOptions {
  writer: WriterLocator;
  corsOrigins: string[];
  clientAddress?: ClientAddressOf;
  timeoutMs?: number;
}

/**
 * `/media` on an API replica: the image bytes live in the writer's content store, so uploads and
 * reads are piped to the writer unchanged (the writer answers every refusal itself). A writer that
 * cannot be reached is a 503 WRITER_UNAVAILABLE with Retry-After; nothing was stored.
 */
export function createMediaForwarder(options: MediaForwardOptions): MediaHandler {
  const origins = new Set(options.corsOrigins);
  const clientOf = options.clientAddress ?? ((req: IncomingMessage) => req.socket.remoteAddress);
  const unavailable = (req: IncomingMessage, res: ServerResponse, message: string) => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const origin = req.headers.origin;
    const body = Buffer.from(
      JSON.stringify({ errors: [{ message, extensions: { code: "WRITER_UNAVAILABLE" } }] }),
    );
    res
      .writeHead(503, {
        "content-type": "application/json; charset=utf-8",
        "content-length": String(body.length),
        "retry-after": String(WRITER_RETRY_AFTER_SECONDS),
        ...(origin && origins.has(origin) ? { "access-control-allow-origin": origin, vary: "Origin" } : {}),
      })
      .end(body);
  };

  return (req, res) => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    if (path !== "/media" && !path.startsWith(MEDIA_PATH)) return false;
    req.pause();
    void (async () => {
      let base: string | null;
      try {
        base = await options.writer();
      } catch {
        base = null;
      }
      if (!base) {
        req.resume();
        unavailable(req, res, "no writer holds the lease now; send the upload again");
        return;
      }
      const target = new URL(req.url ?? "/", base);
      const headers: Record<string, string | string[] | undefined> = { ...req.headers, host: target.host };
      delete headers[FORWARDED_CLIENT_HEADER];
      const client = clientOf(req);
      if (client) headers[FORWARDED_CLIENT_HEADER] = client;
      const send = target.protocol === "https:" ? httpsRequest : httpRequest;
      const upstream = send(target, { method: req.method, headers, timeout: options.timeoutMs ?? 10_000 });
      upstream.on("response", (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      upstream.on("timeout", () =>
        upstream.destroy(new WriterUnavailableError("the writer did not answer in time")),
      );
      upstream.on("error", () => {
        options.writer.forget?.();
        req.resume();
        unavailable(req, res, "the writer did not answer; nothing was stored, send the upload again");
      });
      req.pipe(upstream);
    })();
    return true;
  };
}
