/**
 * Structured logs (node only; the dApp never imports this file): a pino
 * logger per process, one child per component (`{ service: "follower" }`),
 * JSON lines in production and pretty lines in development or on a terminal.
 *
 * No secret reaches a log line: every line is scrubbed just before it is
 * written (after serialisation, so messages, fields, bindings and serialised
 * errors are all covered) of private keys (fields named like `*_KEY`,
 * `privateKey`, `secret`, `password`, and the values of every `AMP_*_KEY`
 * variable) and of credentials in URLs (`user:pass@`, query string values,
 * API-key-like path segments as in `/v3/<key>`).
 */
import { type DestinationStream, type Level, type Logger, pino } from "pino";
import pretty from "pino-pretty";
import { AmpError } from "./errors.ts";

export type { Logger };
export type LogLevel = Level | "silent";
export type LogMode = "json" | "pretty";

export const LOG_LEVELS: readonly LogLevel[] = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];

export interface LoggerOptions {
  /** Default "info". */
  level?: LogLevel;
  /** "json" (one object per line) or "pretty" (pino-pretty); default "json". */
  mode?: LogMode;
  /** Where lines go; default stderr. */
  destination?: DestinationStream;
  /** Exact values never to print (private keys, tokens), wherever they appear. */
  secrets?: readonly string[];
}

const REDACTED = "[redacted]";

/** Field names whose values are secret, whatever they hold. */
const SECRET_FIELD =
  /"([A-Za-z0-9_$]*(?:_KEY|privateKey|PrivateKey|secret|Secret|SECRET|password|Password|PASSWORD|mnemonic|Mnemonic|apiKey|ApiKey|API_KEY))":("(?:[^"\\]|\\.)*"|[^,}\]]+)/g;
/** URLs inside a line (http, https, ws, wss). */
const URL_IN_TEXT = /\b(?:https?|wss?):\/\/[^\s"'<>\\]+/g;
/** Path segments that look like API keys: long runs of key characters with a digit. */
const KEY_LIKE_SEGMENT = /^(?=[A-Za-z0-9_-]*\d)[A-Za-z0-9_-]{20,}$/;

/**
 * A URL without its credentials: user and password, every query value and
 * key-like path segments become `[redacted]`. Not a URL: returned unchanged.
 */
export function redactUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return text;
  }
  const hadUser = url.username !== "" || url.password !== "";
  const path = url.pathname
    .split("/")
    .map((segment) => (KEY_LIKE_SEGMENT.test(segment) ? REDACTED : segment))
    .join("/");
  const query = [...url.searchParams.keys()].map((k) => `${k}=${REDACTED}`).join("&");
  const auth = hadUser ? `${REDACTED}@` : "";
  return `${url.protocol}//${auth}${url.host}${path}${query ? `?${query}` : ""}${url.hash ? "#" : ""}`;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Removes secrets from one serialised log line (or any text). */
export function redactSecrets(line: string, secrets: readonly string[] = []): string {
  let out = line;
  for (const secret of secrets) {
    if (secret.length >= 8) out = out.replace(new RegExp(escapeRegExp(secret), "gi"), REDACTED);
  }
  out = out.replace(SECRET_FIELD, (_m, field: string) => `"${field}":"${REDACTED}"`);
  return out.replace(URL_IN_TEXT, (url) => redactUrl(url));
}

/** Values of the `AMP_*_KEY` variables (private keys), to redact wherever they appear. */
export function secretsFromEnv(env: Record<string, string | undefined>): string[] {
  return Object.entries(env)
    .filter(([name, value]) => /^AMP_\w*_KEY$/.test(name) && value && value.length >= 8)
    .map(([, value]) => value as string);
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const secrets = [...(options.secrets ?? [])];
  // Synchronous writes: a line logged just before process.exit is not lost.
  const stream =
    options.mode === "pretty"
      ? pretty({
          destination: options.destination ?? 2,
          sync: true,
          colorize: !options.destination && process.stderr.isTTY === true,
          singleLine: true,
          ignore: "pid,hostname",
          translateTime: "SYS:HH:MM:ss.l",
        })
      : (options.destination ?? pino.destination({ dest: 2, sync: true }));
  return pino(
    {
      level: options.level ?? "info",
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      hooks: { streamWrite: (line) => redactSecrets(line, secrets) },
    },
    stream,
  );
}

/**
 * The process logger from the environment: AMP_LOG_LEVEL (default info),
 * AMP_LOG_FORMAT ("json" or "pretty"; default JSON when NODE_ENV is
 * production or stderr is not a terminal, pretty otherwise).
 */
export function loggerFromEnv(
  env: Record<string, string | undefined> = process.env,
  destination?: DestinationStream,
): Logger {
  const level = (env.AMP_LOG_LEVEL ?? "info") as LogLevel;
  if (!LOG_LEVELS.includes(level)) {
    throw new AmpError("LOG_CONFIG_INVALID", `AMP_LOG_LEVEL must be one of ${LOG_LEVELS.join(", ")}`);
  }
  const format = env.AMP_LOG_FORMAT;
  if (format !== undefined && format !== "json" && format !== "pretty") {
    throw new AmpError("LOG_CONFIG_INVALID", 'AMP_LOG_FORMAT must be "json" or "pretty"');
  }
  const mode: LogMode =
    format ?? (env.NODE_ENV === "production" || process.stderr.isTTY !== true ? "json" : "pretty");
  return createLogger({
    level,
    mode,
    secrets: secretsFromEnv(env),
    ...(destination ? { destination } : {}),
  });
}

/** A logger that writes nothing (tests, library callers that pass none). */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
