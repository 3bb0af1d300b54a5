import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "#test-kit/helpers.ts";
import { ConfigError, configFromArgs, loadConfig } from "./config.ts";

const deployment = {
  chainId: 31337,
  startBlock: 3,
  contracts: {
    AMPToken: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
    AMPSocial: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512",
    AMPEscrow: "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0",
  },
  roles: { settler: "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266" },
  challengeWindow: 60,
};

describe("config", () => {
  it("reads AMP_* variables and the deployment file, with defaults", () => {
    const tmp = tempDir();
    writeFileSync(join(tmp.dir, "d.json"), JSON.stringify(deployment));
    const config = loadConfig(
      {},
      {
        env: {
          AMP_DEPLOYMENT_FILE: "d.json",
          AMP_PORT: "4100",
          AMP_CORS_ORIGINS: "http://a.test, http://b.test",
          AMP_GRAPHIQL: "false",
        },
        cwd: tmp.dir,
      },
    );
    expect(config.port).toBe(4100);
    expect(config.host).toBe("127.0.0.1");
    expect(config.corsOrigins).toEqual(["http://a.test", "http://b.test"]);
    expect(config.graphiql).toBe(false);
    expect(config.deployment.startBlock).toBe(3);
    expect(config.deployment.contracts.AMPSocial).toBe("0xe7f1725e7734ce288f8367e1bb143e90bb3f0512");
    expect(config.dbPath).toBe(join(tmp.dir, ".data", "indexer-31337.sqlite"));
    tmp.cleanup();
  });

  it("rejects invalid values with every problem listed", () => {
    let error: unknown;
    try {
      loadConfig({ rpcUrl: "not a url", port: 70000, deployment }, { env: { AMP_BATCH_BLOCKS: "0" } });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const issues = (error as ConfigError).issues.join("\n");
    expect(issues).toMatch(/rpcUrl/);
    expect(issues).toMatch(/port/);
    expect(issues).toMatch(/batchBlocks/);
  });

  it("explains a missing or mismatched deployment", () => {
    expect(() => loadConfig({ deploymentFile: "/nonexistent/31337.json" }, { env: {} })).toThrow(
      /does not exist/,
    );
    expect(() => loadConfig({ chainId: 1, deployment }, { env: {} })).toThrow(/does not match chainId 1/);
  });

  describe("roles and engines", () => {
    const pgUrl = "postgres://amp@127.0.0.1:5432/amp";

    it("defaults to one process doing everything on the SQLite file", () => {
      const config = loadConfig({ deployment }, { env: {} });
      expect(config.role).toBe("all");
      expect(config.databaseUrl).toBeNull();
      expect(config.writerUrl).toBeNull();
      expect(config.leasePollMs).toBe(500);
      expect(config.settleEmpty).toBe(false);
    });

    it("reads the role, database, writer and forwarders from AMP_* variables", () => {
      const config = loadConfig(
        { deployment },
        {
          env: {
            AMP_ROLE: "api",
            AMP_DATABASE_URL: pgUrl,
            AMP_WRITER_URL: "http://127.0.0.1:4001/",
            AMP_TRUSTED_FORWARDERS: "127.0.0.1, ::1",
            AMP_LEASE_POLL_MS: "100",
          },
        },
      );
      expect(config.role).toBe("api");
      expect(config.databaseUrl).toBe(pgUrl);
      expect(config.writerUrl).toBe("http://127.0.0.1:4001");
      expect(config.trustedForwarders).toEqual(["127.0.0.1", "::1"]);
      expect(config.leasePollMs).toBe(100);
    });

    it.each(["writer", "api"] as const)("refuses --role %s on SQLite with what to set", (role) => {
      expect(() => loadConfig({ deployment, role }, { env: {} })).toThrow(ConfigError);
      expect(() => loadConfig({ deployment, role }, { env: {} })).toThrow(
        /needs PostgreSQL \(set AMP_DATABASE_URL.*only --role all/,
      );
    });

    it.each([
      [
        "a sqlite path as the database URL",
        { databaseUrl: "/tmp/x.sqlite" },
        /databaseUrl: must be a postgres/,
      ],
      ["an unknown role", { role: "reader" }, /role/],
      ["a writer URL that is not http", { writerUrl: "ftp://w" }, /writerUrl/],
    ])("refuses %s", (_, input, message) => {
      expect(() => loadConfig({ deployment, ...(input as object) }, { env: {} })).toThrow(message);
    });

    it("takes --role from the command line, over AMP_ROLE", () => {
      expect(configFromArgs([])).toEqual({});
      expect(configFromArgs(["--role", "writer"])).toEqual({ role: "writer" });
      expect(configFromArgs(["--role=api"])).toEqual({ role: "api" });
      const config = loadConfig(
        { deployment, ...configFromArgs(["--role", "writer"]) },
        { env: { AMP_ROLE: "api", AMP_DATABASE_URL: pgUrl } },
      );
      expect(config.role).toBe("writer");
    });

    it.each([
      [["--role"], /--role: expected one of writer, api, all/],
      [["--role", "reader"], /got "reader"/],
      [["--port", "4000"], /unknown argument "--port"/],
    ])("refuses the arguments %j", (argv, message) => {
      expect(() => configFromArgs(argv)).toThrow(ConfigError);
      expect(() => configFromArgs(argv)).toThrow(message);
    });
  });
});
