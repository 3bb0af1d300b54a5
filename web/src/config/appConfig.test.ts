import { describe, expect, it } from "vitest";
import { ConfigError, DEFAULT_GRAPHQL_URL, loadAppConfig, parseAppConfig } from "./appConfig.ts";

const deployment = {
  chainId: 31337,
  startBlock: 1,
  contracts: {
    AMPToken: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
    AMPSocial: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512",
    AMPEscrow: "0x9fe46736679d2d9a65f0992f2272de9f3c7fa6e8",
  },
  roles: {},
  challengeWindow: 60,
};

describe("app config", () => {
  it("reads the deployment output with default endpoints", () => {
    const config = parseAppConfig(deployment);
    expect(config.chainId).toBe(31337);
    expect(config.contracts.social).toBe(deployment.contracts.AMPSocial);
    expect(config.graphqlUrl).toBe(DEFAULT_GRAPHQL_URL);
    expect(config.dwellMs).toBe(3000);
  });

  it("takes endpoints and dwell time from the file when given", () => {
    const config = parseAppConfig({
      ...deployment,
      graphqlUrl: "http://x/graphql",
      rpcUrl: "http://y",
      dwellMs: 500,
    });
    expect([config.graphqlUrl, config.rpcUrl, config.dwellMs]).toEqual(["http://x/graphql", "http://y", 500]);
  });

  it("rejects a file without addresses", () => {
    expect(() => parseAppConfig({ chainId: 1, contracts: { AMPToken: "nope" } })).toThrow(ConfigError);
  });

  it("reports a missing deployment.json", async () => {
    const fetch404 = (async () => new Response("not found", { status: 404 })) as typeof fetch;
    await expect(loadAppConfig(fetch404)).rejects.toThrow(/HTTP 404/);
  });
});
