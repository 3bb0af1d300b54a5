/**
 * The writers tests and benchmarks seed through: the Kysely chain store and engagement log (the
 * ones the follower and intake write with) on the engine of the handle under test. A SQLite
 * file's engine is `sqliteEngine(db)`, the one every writer on that handle shares, so seeding
 * waits for any open transaction on the handle instead of joining it.
 */
import type { Db } from "#indexer/store/db.ts";
import { type AsyncChainStore, createKyselyChainStore } from "#indexer/store/engine/chain-store.ts";
import {
  type AsyncEngagementStore,
  createKyselyEngagementStore,
} from "#indexer/store/engine/engagement-store.ts";
import { type StoreEngine, sqliteEngine } from "#indexer/store/engine/engine.ts";

const engineOf = (target: Db | StoreEngine): StoreEngine =>
  "kind" in target && "db" in target ? target : sqliteEngine(target);

/** The chain store on a SQLite file (its shared engine) or on a given engine. */
export function chainStore(target: Db | StoreEngine): AsyncChainStore {
  return createKyselyChainStore(engineOf(target));
}

/** The engagement log on a SQLite file (its shared engine) or on a given engine. */
export function engagementStore(target: Db | StoreEngine): AsyncEngagementStore {
  return createKyselyEngagementStore(engineOf(target).db);
}
