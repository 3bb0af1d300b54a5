/**
 * The indexer's one typed configuration, parsed once at start. Values come
 * from an object (tests, scripts) layered over `AMP_*` environment variables;
 * contract addresses and the start block come from the deployment output
 * `deployments/<chainId>.json` unless given inline.
 */
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { type Address, getAddress } from "viem";
import { z } from "zod";

const address = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, "expected a 0x-prefixed 20-byte address")
  .transform((a) => getAddress(a).toLowerCase() as Address);

export const deploymentSchema = z.object({
  chainId: z.coerce.number().int().positive(),
  startBlock: z.coerce.number().int().nonnegative(),
  contracts: z.object({ AMPToken: address, AMPSocial: address, AMPEscrow: address }),
  roles: z
    .object({
      admin: address,
      minter: address,
      settler: address,
      guardian: address,
      pauser: address,
    })
    .partial()
    .optional(),
  challengeWindow: z.coerce.number().int().nonnegative().optional(),
  epochLength: z.coerce.number().int().positive().optional(),
  settlementGrace: z.coerce.number().int().nonnegative().optional(),
  roleDelay: z.coerce.number().int().nonnegative().optional(),
});
export type Deployment = z.infer<typeof deploymentSchema>;

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
  corsOrigins: list.default(["http://127.0.0.1:5173", "http://localhost:5173"]),
  graphiql: bool.default(process.env.NODE_ENV !== "production"),
  maxQueryDepth: int(1).default(10),
  maxQueryCost: int(1).default(5000),
  /** What answers stream/reputation/quote: the attention model, or only the store (no ranking). */
  attention: z.enum(["model", "store"]).default("model"),
  epoch: z
    .object({
      /** Seconds per settlement epoch (used by the settler). */
      lengthSeconds: int(1).default(3600),
    })
    .default({ lengthSeconds: 3600 }),
});

export type ConfigInput = z.input<typeof configSchema>;

export interface IndexerConfig
  extends Omit<z.output<typeof configSchema>, "deployment" | "deploymentFile" | "dbPath"> {
  deploymentFile: string;
  deployment: Deployment;
  dbPath: string;
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
  AMP_CORS_ORIGINS: "corsOrigins",
  AMP_GRAPHIQL: "graphiql",
  AMP_MAX_QUERY_DEPTH: "maxQueryDepth",
  AMP_MAX_QUERY_COST: "maxQueryCost",
  AMP_ATTENTION: "attention",
};

export class ConfigError extends Error {
  override name = "ConfigError";
  constructor(readonly issues: string[]) {
    super(`invalid indexer config:\n  - ${issues.join("\n  - ")}`);
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
  const { deployment: inline, deploymentFile: file, dbPath, ...rest } = parsed.data;
  const deploymentFile = resolve(cwd, file ?? `deployments/${rest.chainId}.json`);
  const deployment = inline ?? readDeployment(deploymentFile);
  if (deployment.chainId !== rest.chainId) {
    throw new ConfigError([
      `deployment: chainId ${deployment.chainId} does not match chainId ${rest.chainId}`,
    ]);
  }
  return {
    ...rest,
    deploymentFile,
    deployment,
    dbPath: dbPath === ":memory:" ? dbPath : resolve(cwd, dbPath ?? `.data/indexer-${rest.chainId}.sqlite`),
  };
}

export function readDeployment(path: string): Deployment {
  if (!existsSync(path))
    throw new ConfigError([`deploymentFile: ${path} does not exist (deploy the contracts first)`]);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new ConfigError([`deploymentFile: ${path} is not valid JSON (${(error as Error).message})`]);
  }
  const parsed = deploymentSchema.safeParse(json);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `deployment.${i.path.join(".")}: ${i.message}`));
  }
  return parsed.data;
}
