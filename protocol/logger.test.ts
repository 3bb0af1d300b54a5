import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { AmpError } from "./errors.ts";
import { createLogger, loggerFromEnv, redactSecrets, redactUrl } from "./logger.ts";

function sink() {
  let text = "";
  const destination = new Writable({
    write(chunk, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  return { destination, text: () => text };
}

const KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";

describe("logger", () => {
  it("writes one JSON object per line with level, time, service and fields", () => {
    const out = sink();
    const log = createLogger({ destination: out.destination }).child({ service: "follower" });
    log.info({ block: 12 }, "hello");
    log.debug("hidden at info");
    const lines = out.text().trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] as string)).toMatchObject({
      level: "info",
      service: "follower",
      block: 12,
      msg: "hello",
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
  });

  it("writes pretty lines in pretty mode", () => {
    const out = sink();
    createLogger({ destination: out.destination, mode: "pretty" }).child({ service: "api" }).warn("slow");
    expect(out.text()).toMatch(/WARN.*slow/);
    expect(() => JSON.parse(out.text())).toThrow();
  });

  it("reads level and format from the environment and refuses bad values", () => {
    const out = sink();
    const log = loggerFromEnv({ AMP_LOG_LEVEL: "warn", AMP_LOG_FORMAT: "json" }, out.destination);
    log.info("quiet");
    log.warn("loud");
    expect(out.text().trim().split("\n")).toHaveLength(1);
    expect(() => loggerFromEnv({ AMP_LOG_LEVEL: "loud" })).toThrow(AmpError);
    expect(() => loggerFromEnv({ AMP_LOG_FORMAT: "xml" })).toThrow(AmpError);
  });

  describe("never logs a secret", () => {
    const cases: Array<{ name: string; log: (l: ReturnType<typeof createLogger>) => void; secret: string }> =
      [
        {
          name: "the value of an AMP_*_KEY variable, anywhere in a message",
          log: (l) => l.info(`using key ${KEY} now`),
          secret: KEY.slice(2),
        },
        {
          name: "a private key in a field",
          log: (l) => l.info({ config: { privateKey: "0xabc123abc123abc1" } }, "config"),
          secret: "abc123abc123abc1",
        },
        {
          name: "an AMP_*_KEY field",
          log: (l) => l.info({ env: { AMP_DEPLOYER_KEY: "deployer-secret-value" } }, "env"),
          secret: "deployer-secret-value",
        },
        {
          name: "user:pass@ in an RPC URL",
          log: (l) => l.info({ rpcUrl: "https://alice:hunter2@rpc.example.org:8545/" }, "rpc"),
          secret: "hunter2",
        },
        {
          name: "an API key in an RPC URL's path",
          log: (l) => l.info("GET https://mainnet.infura.io/v3/9aa3d95b3bc440fa88ea12eaa4456161 failed"),
          secret: "9aa3d95b3bc440fa88ea12eaa4456161",
        },
        {
          name: "an API key in an RPC URL's query string",
          log: (l) => l.info({ url: "wss://rpc.example.org/ws?apikey=sk_live_abc&x=1" }, "ws"),
          secret: "sk_live_abc",
        },
        {
          name: "credentials inside a logged error and its cause",
          log: (l) =>
            l.error(
              {
                err: new AmpError("RPC_FATAL", "RPC failed", {
                  details: "HTTP request failed. URL: https://bob:s3cr3tpass@node.example/rpc",
                  cause: new Error("fetch https://bob:s3cr3tpass@node.example/rpc"),
                }),
              },
              "boom",
            ),
          secret: "s3cr3tpass",
        },
        {
          name: "credentials in a child logger's bindings",
          log: (l) => l.child({ rpcUrl: "http://u:childpass99@127.0.0.1:8545" }).info("bound"),
          secret: "childpass99",
        },
      ];
    for (const c of cases) {
      it(c.name, () => {
        const out = sink();
        c.log(loggerFromEnv({ AMP_LOG_FORMAT: "json", AMP_SETTLER_KEY: KEY }, out.destination));
        expect(out.text()).toContain("[redacted]");
        expect(out.text().toLowerCase()).not.toContain(c.secret.toLowerCase());
      });
    }
  });

  it("keeps what is not secret: hosts, ports, paths, hashes", () => {
    expect(redactUrl("http://127.0.0.1:8545/graphql")).toBe("http://127.0.0.1:8545/graphql");
    const hash = `0x${"ab".repeat(32)}`;
    expect(redactSecrets(`{"txHash":"${hash}","root":"${hash}"}`)).toBe(
      `{"txHash":"${hash}","root":"${hash}"}`,
    );
  });
});
