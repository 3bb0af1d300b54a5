/**
 * An upload on the indexer's SQLite handle beside an open Kysely transaction (the follower's
 * batch, an intake commit): the raw store's row joins that transaction and is undone with it;
 * `createSqliteMediaStore` waits for it to end, so the row stays whatever that transaction does.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { tempDir } from "#test-kit/helpers.ts";
import { png } from "#test-kit/images.ts";
import { gate, rolledBackTransaction } from "#test-kit/open-transaction.ts";
import { type Db, openDb } from "../db.ts";
import { type StoreEngine, sqliteEngine } from "../engine/engine.ts";
import { createMediaStore, createSqliteMediaStore } from "./content-store.ts";

describe("an upload beside an open Kysely transaction on SQLite", () => {
  let dir: ReturnType<typeof tempDir>;
  let db: Db;
  let engine: StoreEngine;
  beforeEach(() => {
    dir = tempDir("amp-sqlite-upload-");
    db = openDb(`${dir.dir}/store.sqlite`);
    engine = sqliteEngine(db);
  });
  afterEach(async () => {
    await engine.close();
    dir.cleanup();
  });

  const rows = () => db.prepare("SELECT COUNT(*) AS n FROM media").get() as { n: number };

  it("shows the hazard: the raw store's row is undone with the transaction", async () => {
    const g = gate();
    const tx = rolledBackTransaction(engine, g.opened);
    await new Promise((r) => setImmediate(r));
    const store = createMediaStore(db, { dir: `${dir.dir}/media` });
    expect(store.put(png(2, 2)).created).toBe(true);
    g.open();
    expect(await tx).toBeInstanceOf(Error);
    expect(rows()).toEqual({ n: 0 });
  });

  it("holds the upload until the transaction has ended, and keeps its row when that one rolls back", async () => {
    const g = gate();
    const tx = rolledBackTransaction(engine, g.opened);
    await new Promise((r) => setImmediate(r));
    const store = createSqliteMediaStore(engine, { dir: `${dir.dir}/media` });
    const image = png(2, 2);
    let stored: string | null = null;
    const upload = store.put(image).then(({ record }) => {
      stored = record.hash;
      return record;
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(stored).toBe(null);
    expect(rows()).toEqual({ n: 0 });
    g.open();
    expect(await tx).toBeInstanceOf(Error);
    const record = await upload;
    expect(rows()).toEqual({ n: 1 });
    expect(store.get(record.hash)).toEqual(record);
    expect(store.totalBytes()).toBe(record.size);
    // The same image again is found, not stored twice.
    expect((await store.put(image)).created).toBe(false);
  });
});
