import { type Address, getAddress, isAddress } from "viem";
import { AmpError } from "#protocol";

/** Everything the app needs to know about the network it talks to. */
export interface AppConfig {
  chainId: number;
  rpcUrl: string;
  graphqlUrl: string;
  contracts: { token: Address; social: Address; escrow: Address };
  /** How long a post must stay at least half on screen before a view receipt is sent. */
  dwellMs: number;
}

export const DEFAULT_RPC_URL = "http://127.0.0.1:8545";
export const DEFAULT_GRAPHQL_URL = "http://127.0.0.1:4000/graphql";
export const DEFAULT_DWELL_MS = 3000;

export class ConfigError extends AmpError {
  override name = "ConfigError";
  constructor(message: string) {
    super("APP_CONFIG_INVALID", message);
  }
}

function address(value: unknown, label: string): Address {
  if (typeof value !== "string" || !isAddress(value, { strict: false })) {
    throw new ConfigError(`${label} is not an address`);
  }
  return getAddress(value);
}

/**
 * Parses `/deployment.json`: the deployment output (`deployments/<chainId>.json`)
 * plus optional `rpcUrl`, `graphqlUrl` and `dwellMs`.
 */
export function parseAppConfig(raw: unknown): AppConfig {
  if (typeof raw !== "object" || raw === null) throw new ConfigError("deployment.json is not an object");
  const json = raw as Record<string, unknown>;
  const chainId = Number(json.chainId);
  if (!Number.isInteger(chainId) || chainId <= 0) throw new ConfigError("chainId is missing");
  const contracts = (json.contracts ?? {}) as Record<string, unknown>;
  const dwellMs = json.dwellMs === undefined ? DEFAULT_DWELL_MS : Number(json.dwellMs);
  if (!Number.isFinite(dwellMs) || dwellMs < 0)
    throw new ConfigError("dwellMs must be a non-negative number");
  return {
    chainId,
    rpcUrl: typeof json.rpcUrl === "string" ? json.rpcUrl : DEFAULT_RPC_URL,
    graphqlUrl: typeof json.graphqlUrl === "string" ? json.graphqlUrl : DEFAULT_GRAPHQL_URL,
    contracts: {
      token: address(contracts.AMPToken, "contracts.AMPToken"),
      social: address(contracts.AMPSocial, "contracts.AMPSocial"),
      escrow: address(contracts.AMPEscrow, "contracts.AMPEscrow"),
    },
    dwellMs,
  };
}

/** Fetches the config from the app's own origin. */
export async function loadAppConfig(
  fetchFn: typeof fetch = fetch,
  url = "/deployment.json",
): Promise<AppConfig> {
  const res = await fetchFn(url, { cache: "no-store" });
  if (!res.ok) throw new ConfigError(`Could not load ${url} (HTTP ${res.status})`);
  return parseAppConfig(await res.json());
}
