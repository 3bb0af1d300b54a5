/**
 * What the tests of writers sharing one SQLite handle stand on: a gate (a promise and the
 * function that opens it) and a Kysely transaction held open on the engine until a gate opens,
 * then rolled back (the follower's batch or an intake commit that fails while others write).
 */
import type { StoreEngine } from "#indexer/store/engine/engine.ts";

/** A promise and the function that settles it. */
export function gate(): { opened: Promise<void>; open: () => void } {
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open: () => open() };
}

/** Opens a transaction on `engine` that writes a checkpoint, waits for `release`, then rolls back. */
export function rolledBackTransaction(engine: StoreEngine, release: Promise<void>): Promise<unknown> {
  return engine.db
    .transaction()
    .execute(async (trx) => {
      await trx
        .insertInto("checkpoint")
        .values({ id: 1, block_number: 7, block_hash: null, finalized_block: 7, head_block: 7 })
        .execute();
      await release;
      throw new Error("rolled back");
    })
    .catch((e: unknown) => e);
}
