/** Public factories of the indexer. */

export { canonicalMessage, decodeMessage } from "#protocol";
export { createChainClock } from "./api/clock.ts";
export { ApiError } from "./api/errors.ts";
export { createHttpHandler } from "./api/http.ts";
export { type Api, createApi, typeDefs } from "./api/yoga.ts";
export * from "./attention/interface.ts";
export { createStoreAttentionService } from "./attention/store-service.ts";
export * from "./chain/errors.ts";
export { createFollower, type Follower, type FollowerEvent } from "./chain/follower.ts";
export { createChainReader, createRpcClient } from "./chain/rpc.ts";
export { ConfigError, type Deployment, type IndexerConfig, loadConfig, readDeployment } from "./config.ts";
export { EngagementError, type EngagementErrorCode } from "./engagement/errors.ts";
export { exportLog, type LogExport, parseLogExport } from "./engagement/export.ts";
export { createEngagementService, type EngagementService } from "./engagement/submit.ts";
export { type AttentionDeps, createIndexer, type Indexer, type IndexerOptions } from "./main.ts";
export { SETTLEMENT_ERROR_CODES, SettlementError, type SettlementErrorCode } from "./settlement/errors.ts";
export { type Db, openDb } from "./store/db.ts";
export { type AsyncChainStore, createKyselyChainStore } from "./store/engine/chain-store.ts";
export {
  type AsyncEngagementStore,
  createKyselyEngagementStore,
  type LogEntry,
  type NewLogEntry,
} from "./store/engine/engagement-store.ts";
export { type StoreEngine, sqliteEngine } from "./store/engine/engine.ts";
export type { ChainBatch, ChainEvent, ChainEventKind, Checkpoint } from "./store/events.ts";
export { createQueries, type Queries } from "./store/queries.ts";
