/**
 * The indexer's one typed configuration, parsed once at start. Values come
 * from an object (tests, scripts) layered over `AMP_*` environment variables;
 * contract addresses and the start block come from the deployment output
 * `deployments/<chainId>.json` unless given inline.
 */
import { dirname, join, resolve } from "node:path";
import { z } from "zod";
import { AmpError, type Deployment, deploymentPath, deploymentSchema } from "#protocol";
import { DeploymentFileError, readDeployment as readDeploymentFile } from "#protocol/deployment-file.ts";

export { type Deployment, deploymentSchema };

const int = (min: number) => z.coerce.number().int().min(min);
const bool = z.union([
  z.boolean(),
  z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1"),
]);
const list = z.union([
  z.array(z.string()),
  z.string().transform((s) =>
    s
      .split(",")
      .map((x) => x.trim())
      .filter(Boolean),
  ),
]);

/** The roles a process can take (`--role`, AMP_ROLE). */
export const ROLES = ["writer", "api", "all"] as const;
export type Role = (typeof ROLES)[number];

const configSchema = z.object({
  rpcUrl: z.url({ protocol: /^(https?|wss?)$/ }).default("http://127.0.0.1:8545"),
  chainId: int(1).default(31337),
  /** Path of the deployment output; defaults to deployments/<chainId>.json. */
  deploymentFile: z.string().optional(),
  /** Inline deployment (tests); wins over the file. */
  deployment: deploymentSchema.optional(),
  dbPath: z.string().optional(),
  host: z.string().default("127.0.0.1"),
  port: int(0).max(65535).default(4000),
  /** Blocks behind the head the follower waits before indexing. */
  confirmations: int(0).default(0),
  /** Blocks behind the head after which data is final; reorgs deeper than this are fatal. */
  finalityDepth: int(1).default(64),
  /** Largest block range per eth_getLogs request during backfill. */
  batchBlocks: int(1).default(2000),
  pollIntervalMs: int(10).default(1000),
  rpcRetries: int(0).default(8),
  rpcRetryBaseMs: int(1).default(200),
  rpcTimeoutMs: int(100).default(10_000),
  /** Block headers per JSON-RPC batch request (0: one HTTP request per header). */
  rpcBatchSize: int(0).max(1000).default(50),
  corsOrigins: list.default(["http://127.0.0.1:5173", "http://localhost:5173"]),
  /** GraphiQL at the endpoint only when asked for (AMP_GRAPHIQL=1). */
  graphiql: bool.default(false),
  maxQueryDepth: int(1).default(10),
  maxQueryCost: int(1).default(5000),
  /**
   * Message intake quotas (token buckets): per account and per client address, messages per
   * second and burst. A person engaging by hand stays far below; a script flooding does not.
   */
  intakeAccountRate: z.coerce.number().positive().default(5),
  intakeAccountBurst: int(1).default(100),
  intakeClientRate: z.coerce.number().positive().default(50),
  intakeClientBurst: int(1).default(500),
  /** Oldest accepted message timestamp, in seconds before now. */
  intakeMaxAgeSeconds: int(1).default(2 * 86_400),
  /** Accept timestamps before their post and past the window (importing a simulated history). */
  intakeAllowBackdating: bool.default(false),
  /** What answers stream/reputation/quote: the attention model, or only the store (no ranking). */
  attention: z.enum(["model", "store"]).default("model"),
  epoch: z
    .object({
      /** Seconds per settlement epoch (used by the settler). */
      lengthSeconds: int(1).default(3600),
    })
    .default({ lengthSeconds: 3600 }),
  /** Settle every epoch, even one that pays nobody new (a root per epoch as a heartbeat). */
  settleEmpty: bool.default(false),
  /**
   * Run a watcher in the writer, beside the settler: it recomputes every settled epoch from the
   * public data this process serves and, with `AMP_WATCHER_KEY`, disputes a root it cannot
   * reproduce. `npm run watch` runs the same watcher on its own, with no trust in this process.
   */
  watch: bool.default(false),
  /** How often that watcher looks for settled epochs (ms). */
  watchIntervalMs: int(100).default(2000),
  /** Folder of the image content store (default: `media/` beside the database; in memory for `:memory:`). */
  mediaDir: z.string().optional(),
  /** Total bytes the image store accepts before refusing uploads. */
  mediaMaxBytes: int(1).default(1024 ** 3),
  /** Image uploads per client address: per second and burst. */
  mediaUploadRate: z.coerce.number().positive().default(2),
  mediaUploadBurst: int(1).default(30),
  /**
   * What this process does: `writer` (holds the writer lease, follows the chain, appends signed
   * messages, settles, watches), `api` (serves GraphQL from the database, forwards signed messages
   * and uploads to the writer) or `all` (both, one process: the only role on SQLite).
   */
  role: z.enum(ROLES).default("all"),
  /** PostgreSQL database (`postgres://…`); unset: the SQLite file at dbPath. */
  databaseUrl: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL (unset: the SQLite file at AMP_DB_PATH)")
    .optional(),
  /**
   * Base URL of the writer (`http://host:port`) an API replica forwards to. Unset: the URL the
   * current lease holder advertised in the database (`writer_endpoint`), looked up per forward.
   */
  writerUrl: z.url({ protocol: /^https?$/ }).optional(),
  /** The base URL a writer advertises to replicas (default: http://host:port it listens on). */
  advertiseUrl: z.url({ protocol: /^https?$/ }).optional(),
  /** How often a standby writer tries the lease (ms). */
  leasePollMs: int(10).default(500),
  /** Time a forward to the writer may take before it is refused as retryable (ms). */
  forwardTimeoutMs: int(100).default(10_000),
  /**
   * Addresses whose `x-amp-forwarded-client` header the writer believes (its API replicas), so
   * each client keeps its own intake quota behind a replica. Others' header is ignored.
   */
  trustedForwarders: list.default([]),
});

export type ConfigInput = z.input<typeof configSchema>;

export interface IndexerConfig
  extends Omit<
    z.output<typeof configSchema>,
    "deployment" | "deploymentFile" | "dbPath" | "mediaDir" | "databaseUrl" | "writerUrl" | "advertiseUrl"
  > {
  deploymentFile: string;
  deployment: Deployment;
  dbPath: string;
  /** Where image bytes are kept; null: in memory. */
  mediaDir: string | null;
  /** The PostgreSQL database; null: the SQLite file at dbPath. */
  databaseUrl: string | null;
  /** The writer an API replica forwards to; null: discovered from the database. */
  writerUrl: string | null;
  /** The base URL a writer advertises; null: the address it listens on. */
  advertiseUrl: string | null;
}

const ENV: Record<string, keyof ConfigInput> = {
  AMP_RPC_URL: "rpcUrl",
  AMP_CHAIN_ID: "chainId",
  AMP_DEPLOYMENT_FILE: "deploymentFile",
  AMP_DB_PATH: "dbPath",
  AMP_HOST: "host",
  AMP_PORT: "port",
  AMP_CONFIRMATIONS: "confirmations",
  AMP_FINALITY_DEPTH: "finalityDepth",
  AMP_BATCH_BLOCKS: "batchBlocks",
  AMP_POLL_INTERVAL_MS: "pollIntervalMs",
  AMP_RPC_RETRIES: "rpcRetries",
  AMP_RPC_RETRY_BASE_MS: "rpcRetryBaseMs",
  AMP_RPC_TIMEOUT_MS: "rpcTimeoutMs",
  AMP_RPC_BATCH_SIZE: "rpcBatchSize",
  AMP_CORS_ORIGINS: "corsOrigins",
  AMP_GRAPHIQL: "graphiql",
  AMP_MAX_QUERY_DEPTH: "maxQueryDepth",
  AMP_MAX_QUERY_COST: "maxQueryCost",
  AMP_ATTENTION: "attention",
  AMP_INTAKE_ACCOUNT_RATE: "intakeAccountRate",
  AMP_INTAKE_ACCOUNT_BURST: "intakeAccountBurst",
  AMP_INTAKE_CLIENT_RATE: "intakeClientRate",
  AMP_INTAKE_CLIENT_BURST: "intakeClientBurst",
  AMP_INTAKE_MAX_AGE_SECONDS: "intakeMaxAgeSeconds",
  AMP_INTAKE_ALLOW_BACKDATING: "intakeAllowBackdating",
  AMP_MEDIA_DIR: "mediaDir",
  AMP_MEDIA_MAX_BYTES: "mediaMaxBytes",
  AMP_MEDIA_UPLOAD_RATE: "mediaUploadRate",
  AMP_MEDIA_UPLOAD_BURST: "mediaUploadBurst",
  AMP_SETTLE_EMPTY: "settleEmpty",
  AMP_WATCH: "watch",
  AMP_WATCH_INTERVAL_MS: "watchIntervalMs",
  AMP_ROLE: "role",
  AMP_DATABASE_URL: "databaseUrl",
  AMP_WRITER_URL: "writerUrl",
  AMP_ADVERTISE_URL: "advertiseUrl",
  AMP_LEASE_POLL_MS: "leasePollMs",
  AMP_FORWARD_TIMEOUT_MS: "forwardTimeoutMs",
  AMP_TRUSTED_FORWARDERS: "trustedForwarders",
};

export class ConfigError extends AmpError {
  override name = "ConfigError";
  constructor(readonly issues: string[]) {
    super("CONFIG_INVALID", `invalid indexer config:\n  - ${issues.join("\n  - ")}`);
  }
}

export interface LoadConfigOptions {
  env?: Record<string, string | undefined>;
  /** Base directory for relative paths (default: process.cwd()). */
  cwd?: string;
}

/** Parses and validates the configuration; throws `ConfigError` listing every problem. */
export function loadConfig(input: ConfigInput = {}, options: LoadConfigOptions = {}): IndexerConfig {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const raw: Record<string, unknown> = {};
  for (const [name, key] of Object.entries(ENV))
    if (env[name] !== undefined && env[name] !== "") raw[key] = env[name];
  if (env.AMP_EPOCH_SECONDS) raw.epoch = { lengthSeconds: env.AMP_EPOCH_SECONDS };
  Object.assign(raw, input);

  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`));
  }
  const {
    deployment: inline,
    deploymentFile: file,
    dbPath,
    mediaDir,
    databaseUrl,
    writerUrl,
    advertiseUrl,
    ...rest
  } = parsed.data;
  if (rest.role !== "all" && !databaseUrl) {
    throw new ConfigError([
      `role: "${rest.role}" needs PostgreSQL (set AMP_DATABASE_URL=postgres://…); on SQLite only --role all runs, one process over one file`,
    ]);
  }
  const deploymentFile = resolve(cwd, file ?? deploymentPath(rest.chainId));
  const deployment = inline ?? readDeployment(deploymentFile);
  if (deployment.chainId !== rest.chainId) {
    throw new ConfigError([
      `deployment: chainId ${deployment.chainId} does not match chainId ${rest.chainId}`,
    ]);
  }
  const resolvedDb =
    dbPath === ":memory:" ? dbPath : resolve(cwd, dbPath ?? `.data/indexer-${rest.chainId}.sqlite`);
  return {
    ...rest,
    deploymentFile,
    deployment,
    dbPath: resolvedDb,
    databaseUrl: databaseUrl ?? null,
    writerUrl: writerUrl?.replace(/\/+$/, "") ?? null,
    advertiseUrl: advertiseUrl?.replace(/\/+$/, "") ?? null,
    mediaDir: mediaDir
      ? resolve(cwd, mediaDir)
      : resolvedDb === ":memory:"
        ? null
        : join(dirname(resolvedDb), "media"),
  };
}

/** Reads the deployment file; throws `ConfigError` listing every problem. */
export function readDeployment(path: string): Deployment {
  try {
    return readDeploymentFile(path);
  } catch (error) {
    if (error instanceof DeploymentFileError) throw new ConfigError(error.issues);
    throw error;
  }
}

/**
 * Command-line arguments of `npm run indexer -- …`: `--role writer|api|all` (or `--role=…`).
 * They win over AMP_ROLE; anything else is refused, so a typo does not start the wrong process.
 */
export function configFromArgs(argv: readonly string[]): ConfigInput {
  const input: ConfigInput = {};
  const issues: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const [flag, inline] = arg.startsWith("--role=") ? ["--role", arg.slice(7)] : [arg, undefined];
    if (flag !== "--role") {
      issues.push(`unknown argument ${JSON.stringify(arg)} (the indexer takes --role writer|api|all)`);
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined || !(ROLES as readonly string[]).includes(value)) {
      issues.push(`--role: expected one of ${ROLES.join(", ")}, got ${JSON.stringify(value ?? "")}`);
      continue;
    }
    input.role = value as Role;
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return input;
}
