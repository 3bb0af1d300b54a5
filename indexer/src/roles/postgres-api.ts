/**
 * The GraphQL API of a process on PostgreSQL, for its role: the writer (and
 * `all`) takes signed messages into the log itself (group commit,
 * acknowledged after COMMIT); an API replica forwards them, and media, to
 * the writer holding the lease. Both read the same database: queries, the
 * attention model (kept current from the log and the chain tables by
 * sequence number), epoch documents, the pending-epoch preview. Impressions
 * are appended by the writer alone: a replica signs them and forwards them.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Address } from "viem";
import type { Logger } from "#protocol/logger.ts";
import { clientAddressResolver } from "../api/client-address.ts";
import { createChainClock } from "../api/clock.ts";
import { createEpochDocuments } from "../api/epoch-documents.ts";
import { createForwardingEngagement, createMediaForwarder, type WriterLocator } from "../api/forward.ts";
import { createHttpHandler } from "../api/http.ts";
import { createMediaHandler } from "../api/media-http.ts";
import { type Api, createApi } from "../api/yoga.ts";
import type { AttentionService } from "../attention/interface.ts";
import { createAttentionService } from "../attention/service.ts";
import { createStoreAttentionService } from "../attention/store-service.ts";
import type { IndexerConfig } from "../config.ts";
import { createIntakeWriter, type IntakeWriter } from "../engagement/group-commit.ts";
import { createImpressionIssuer, createImpressionSigner, impressionKey } from "../engagement/impressions.ts";
import { createEngagementService, type EngagementService } from "../engagement/submit.ts";
import type { NewLogEntry } from "../store/engine/engagement-store.ts";
import type { StoreEngine } from "../store/engine/engine.ts";
import { writerLocator } from "../store/engine/writer-endpoint.ts";
import { createKyselyMediaStore } from "../store/media/content-store.ts";
import { createQueries, type Queries } from "../store/queries.ts";
import { apiOptionsFromConfig, intakeLimitsFromConfig } from "./api-options.ts";

export interface PostgresApiOptions {
  config: IndexerConfig;
  engine: StoreEngine;
  logger: Logger;
  /** Where signed messages go: appended here (`local`, the writer) or forwarded to the writer. */
  intake: "local" | "forward";
  /** AMP_IMPRESSION_KEY: the writer signs and logs the impressions of the amplified items it serves. */
  impressionKey?: string;
}

export interface PostgresApi {
  yoga: Api;
  queries: Queries;
  attention: AttentionService;
  /** Serves HTTP on config.host:config.port; resolves with the base URL (`http://host:port`). */
  listen(): Promise<string>;
  close(): Promise<void>;
}

export function createPostgresApi(options: PostgresApiOptions): PostgresApi {
  const { config, engine, logger } = options;
  const apiLog = logger.child({ service: "api" });
  const { contracts } = config.deployment;
  const queries = createQueries(engine);
  const now = createChainClock(queries);
  // The writer takes signed messages and its own impressions into the log through one group commit.
  const writer: IntakeWriter | null = options.intake === "local" ? createIntakeWriter(engine) : null;
  const key = impressionKey(options.impressionKey, config.chainId);
  const signer = key
    ? createImpressionSigner({
        key,
        chainId: config.chainId,
        verifyingContract: contracts.AMPSocial as Address,
      })
    : null;
  let engagement: EngagementService;
  let locate: WriterLocator | null = null;
  const clientAddress = clientAddressResolver(config.trustedForwarders);
  if (writer) {
    engagement = createEngagementService({
      store: writer.store,
      chainId: config.chainId,
      verifyingContract: contracts.AMPSocial as Address,
      append: writer.append,
      // What replicas sign with the same key and forward.
      impressionIssuer: signer?.address,
      intake: intakeLimitsFromConfig(config),
    });
  } else {
    const fixed = config.writerUrl;
    locate = fixed ? async () => fixed : writerLocator(engine.pool as NonNullable<StoreEngine["pool"]>);
    engagement = createForwardingEngagement({ writer: locate, timeoutMs: config.forwardTimeoutMs });
  }
  // Each process keeps its own model current from the log and the chain tables by sequence number;
  // stream rankings are shared through the database, so a cursor works on every replica. One process
  // appends to the log: the writer appends its impressions through its group commit, a replica signs
  // them with the same key and forwards them to the writer (its answer, after COMMIT, is the append).
  const impressions =
    config.attention === "model" && key
      ? createImpressionIssuer({
          store: writer
            ? { append: writer.append }
            : {
                append: (entry: NewLogEntry) =>
                  engagement.submit(entry.kind, entry.json, entry.signature).then((r) => r.seq),
              },
          key,
          chainId: config.chainId,
          verifyingContract: contracts.AMPSocial as Address,
        })
      : null;
  const attention: AttentionService =
    config.attention === "model"
      ? createAttentionService({ engine, queries, now, impressions })
      : createStoreAttentionService({ queries, db: engine });
  if (impressions)
    apiLog.info(
      { impressionIssuer: impressions.address, intake: options.intake },
      "impressions: issuer ready",
    );
  else if (config.attention === "model")
    apiLog.warn("no AMP_IMPRESSION_KEY: streams carry no amplified items");
  const yoga = createApi({
    ...apiOptionsFromConfig(config, engine, apiLog),
    queries,
    engagement,
    attention,
    now,
  });
  let server: Server | null = null;
  return {
    yoga,
    queries,
    attention,
    async listen() {
      const documents = createEpochDocuments({ db: engine, queries, corsOrigins: config.corsOrigins });
      // The writer's images live in its content store; a replica pipes /media to the writer.
      const media = locate
        ? createMediaForwarder({
            writer: locate,
            corsOrigins: config.corsOrigins,
            clientAddress,
            timeoutMs: config.forwardTimeoutMs,
          })
        : createMediaHandler({
            store: await createKyselyMediaStore(engine.db, {
              dir: config.mediaDir,
              maxTotalBytes: config.mediaMaxBytes,
            }),
            corsOrigins: config.corsOrigins,
            clientAddress,
            uploads: { ratePerSec: config.mediaUploadRate, burst: config.mediaUploadBurst },
          });
      const s = createServer(
        createHttpHandler(yoga, { corsOrigins: config.corsOrigins, documents, clientAddress, media }),
      );
      server = s;
      await new Promise<void>((res, rej) => {
        s.once("error", rej);
        s.listen(config.port, config.host, () => res());
      });
      const { address, port } = s.address() as AddressInfo;
      const base = `http://${address}:${port}`;
      apiLog.info(
        { url: `${base}${yoga.graphqlEndpoint}`, intake: options.intake },
        `api: GraphQL on ${base}${yoga.graphqlEndpoint}`,
      );
      return base;
    },
    async close() {
      if (server) {
        const s = server;
        s.closeAllConnections();
        await new Promise<void>((res) => s.close(() => res()));
      }
      try {
        await attention.close?.();
      } finally {
        writer?.close();
      }
    },
  };
}
