/**
 * An API replica in front of a writer, both real HTTP servers: signed messages and media go to the
 * writer and come back with the writer's answer and codes; a writer that is down, slow or not
 * there is a retryable WRITER_UNAVAILABLE and nothing is acknowledged or stored; the writer
 * charges quotas to the client behind a trusted replica, and to nobody else's claim.
 */
import { createServer, type IncomingMessage, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { mediaHash } from "#protocol";
import { seededStore, storeApi } from "#test-kit/api.ts";
import { SOCIAL, sign, tempDir, wallets } from "#test-kit/helpers.ts";
import { png } from "#test-kit/images.ts";
import { createEngagementService } from "../engagement/submit.ts";
import { createKyselyEngagementStore } from "../store/engine/engagement-store.ts";
import { sqliteEngine } from "../store/engine/engine.ts";
import { createSqliteMediaStore, type ExclusiveMediaStore } from "../store/media/content-store.ts";
import { clientAddressResolver, FORWARDED_CLIENT_HEADER } from "./client-address.ts";
import { createForwardingEngagement, createMediaForwarder, type WriterLocator } from "./forward.ts";
import { createHttpHandler } from "./http.ts";
import { createMediaHandler } from "./media-http.ts";

const [alice, bob] = wallets() as [ReturnType<typeof wallets>[number], ReturnType<typeof wallets>[number]];
const SUBMIT = `mutation($kind: MessageKind!, $message: String!, $signature: String!) {
  submitMessage(kind: $kind, message: $message, signature: $signature) { seq account signer } }`;

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
const close = (server: Server) =>
  new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });

describe("an API replica forwarding to the writer", () => {
  let seeded: Awaited<ReturnType<typeof seededStore>>;
  let mediaDir: ReturnType<typeof tempDir>;
  let media: ExclusiveMediaStore;
  let writer: Server;
  let writerUrl: string | null;
  let replica: Server;
  let replicaUrl: string;
  const locate: WriterLocator = async () => writerUrl;

  beforeEach(async () => {
    seeded = await seededStore(alice.address, 8);
    mediaDir = tempDir("amp-forward-media-");
    media = createSqliteMediaStore(sqliteEngine(seeded.db), { dir: mediaDir.dir });
    // The writer trusts its replica (same host here) to name the client it forwards for.
    const clientAddress = clientAddressResolver(["127.0.0.1"]);
    writer = createServer(
      createHttpHandler(
        storeApi(seeded.db, {
          engagement: createEngagementService({
            store: createKyselyEngagementStore(sqliteEngine(seeded.db).db),
            chainId: 31337,
            verifyingContract: SOCIAL,
            intake: { perClient: { ratePerSec: 0.001, burst: 3 } },
          }),
        }),
        {
          corsOrigins: [],
          clientAddress,
          media: createMediaHandler({ store: media, corsOrigins: [], clientAddress }),
        },
      ),
    );
    writerUrl = await listen(writer);
    // The replica has a store of its own only to satisfy the API's queries; intake never touches it.
    const engagement = createForwardingEngagement({ writer: locate, timeoutMs: 1500 });
    replica = createServer(
      createHttpHandler(storeApi(seeded.db, { engagement }), {
        corsOrigins: [],
        media: createMediaForwarder({ writer: locate, corsOrigins: [], timeoutMs: 1500 }),
      }),
    );
    replicaUrl = await listen(replica);
  });
  afterEach(async () => {
    await close(replica);
    if (writer.listening) await close(writer);
    seeded.close();
    mediaDir.cleanup();
  });

  /** POSTs to the replica from the loopback address `from` (each client its own address). */
  const submit = (message: { json: string; signature: string }, kind = "Like", from = "127.0.0.9") =>
    // biome-ignore lint/suspicious/noExplicitAny: answers are asserted by value
    new Promise<{ data?: any; errors?: { extensions?: Record<string, unknown> }[] }>((resolve, reject) => {
      const body = JSON.stringify({
        query: SUBMIT,
        variables: { kind, message: message.json, signature: message.signature },
      });
      const req = request(
        `${replicaUrl}/graphql`,
        {
          method: "POST",
          localAddress: from,
          // A client cannot name another address: the replica trusts no forwarder in front of it.
          headers: { "content-type": "application/json", [FORWARDED_CLIENT_HEADER]: "1.2.3.4" },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => resolve(JSON.parse(Buffer.concat(chunks).toString("utf8"))));
        },
      );
      req.on("error", reject);
      req.end(body);
    });
  const like = (nonce: bigint, w = bob) =>
    sign(w, "Like", {
      account: w.address,
      postId: nonce,
      timestamp: BigInt(Math.floor(Date.now() / 1000)),
      nonce,
    });
  const logSize = () =>
    (seeded.db.prepare("SELECT COUNT(*) AS n FROM engagement_log").get() as { n: number }).n;

  it("appends on the writer and answers with the writer's acknowledgement", async () => {
    const ok = await submit(await like(1n));
    expect(ok.errors).toBeUndefined();
    expect(ok.data.submitMessage).toEqual({
      seq: 1,
      account: bob.address.toLowerCase(),
      signer: bob.address.toLowerCase(),
    });
    expect(logSize()).toBe(1);
  });

  it("passes the writer's refusals through with their codes, storing nothing", async () => {
    const first = await like(1n);
    await submit(first);
    expect((await submit(first)).errors?.[0]?.extensions?.code).toBe("DUPLICATE");
    const forged = { ...(await like(2n)), signature: (await like(3n, alice)).signature };
    expect((await submit(forged)).errors?.[0]?.extensions?.code).toBe("UNKNOWN_DELEGATION");
    expect((await submit(await like(4n), "Bogus")).errors?.[0]?.extensions?.code).toBeDefined();
    expect(logSize()).toBe(1);
  });

  it("refuses with a retryable WRITER_UNAVAILABLE when the writer is down, and acknowledges nothing", async () => {
    await close(writer);
    const answer = await submit(await like(1n));
    expect(answer.data).toBeNull();
    expect(answer.errors?.[0]?.extensions).toMatchObject({ code: "WRITER_UNAVAILABLE", retryable: true });
    expect(answer.errors?.[0]?.extensions?.retryAfter).toBeGreaterThan(0);
    expect(logSize()).toBe(0);
  });

  it("refuses the same way when no writer holds the lease (a failover under way)", async () => {
    writerUrl = null;
    const answer = await submit(await like(1n));
    expect(answer.errors?.[0]?.extensions?.code).toBe("WRITER_UNAVAILABLE");
    expect(logSize()).toBe(0);
  });

  it("refuses within its timeout when the writer takes the connection and never answers", async () => {
    const silent = createServer(() => undefined);
    writerUrl = await listen(silent);
    const started = Date.now();
    const answer = await submit(await like(1n));
    expect(answer.errors?.[0]?.extensions?.code).toBe("WRITER_UNAVAILABLE");
    expect(Date.now() - started).toBeLessThan(5000);
    await close(silent);
  });

  it("charges the writer's per-client quota to the client behind the replica", async () => {
    // burst 3 per client: a fourth from the same client is refused, another client is not.
    for (const n of [1n, 2n, 3n])
      expect((await submit(await like(n), "Like", "127.0.0.2")).errors).toBeUndefined();
    expect((await submit(await like(4n), "Like", "127.0.0.2")).errors?.[0]?.extensions?.code).toBe(
      "RATE_LIMITED",
    );
    expect((await submit(await like(5n), "Like", "127.0.0.3")).errors).toBeUndefined();
    expect(logSize()).toBe(4);
  });

  it("uploads and serves media through the writer, and refuses uploads while it is down", async () => {
    const bytes = png(4, 3);
    const hash = mediaHash(bytes);
    const up = await fetch(`${replicaUrl}/media`, {
      method: "POST",
      headers: { "content-type": "application/octet-stream", "x-amp-sha256": hash },
      body: new Uint8Array(bytes),
    });
    expect(up.status).toBe(201);
    expect(await up.json()).toMatchObject({ hash, width: 4, height: 3 });
    expect(media.get(hash)).not.toBeNull();
    const got = await fetch(`${replicaUrl}/media/${hash}`);
    expect(got.status).toBe(200);
    expect(Buffer.from(await got.arrayBuffer()).equals(Buffer.from(bytes))).toBe(true);
    await close(writer);
    const refused = await fetch(`${replicaUrl}/media`, { method: "POST", body: new Uint8Array(png(2, 2)) });
    expect(refused.status).toBe(503);
    expect(refused.headers.get("retry-after")).toBe("2");
    expect(
      ((await refused.json()) as { errors: { extensions: { code: string } }[] }).errors[0]?.extensions.code,
    ).toBe("WRITER_UNAVAILABLE");
  });
});

describe("the client address a request is charged to", () => {
  const req = (peer: string, forwarded?: string) =>
    ({
      socket: { remoteAddress: peer },
      headers: forwarded ? { [FORWARDED_CLIENT_HEADER]: forwarded } : {},
    }) as unknown as IncomingMessage;
  const resolve = clientAddressResolver(["10.0.0.5"]);

  it.each([
    ["a trusted replica's forwarded client", req("10.0.0.5", "1.2.3.4"), "1.2.3.4"],
    ["a trusted replica over IPv4-mapped IPv6", req("::ffff:10.0.0.5", "1.2.3.4"), "1.2.3.4"],
    ["a trusted replica sending no client", req("10.0.0.5"), "10.0.0.5"],
    ["anyone else naming an address", req("6.6.6.6", "1.2.3.4"), "6.6.6.6"],
  ])("is %s", (_, request, expected) => {
    expect(resolve(request)).toBe(expected);
  });

  it("ignores the header when no forwarder is trusted", () => {
    expect(clientAddressResolver()(req("10.0.0.5", "1.2.3.4"))).toBe("10.0.0.5");
  });
});
