/**
 * Opens the SQLite store: WAL journal, foreign keys off (rows are derived, the
 * follower keeps them consistent), and every pending migration applied in one
 * transaction. Message intake makes its own commits durable before it
 * acknowledges them (`engagement/group-commit.ts` syncs the WAL file).
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { migrations as defaultMigrations, type Migration } from "./migrations.ts";

export type Db = Database.Database;

export interface OpenDbOptions {
  readonly?: boolean;
  migrations?: Migration[];
}

export function openDb(path: string, options: OpenDbOptions = {}): Db {
  if (path !== ":memory:" && !options.readonly) mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path, { readonly: options.readonly ?? false });
  if (!options.readonly) {
    db.pragma("journal_mode = WAL");
    // NORMAL in WAL mode survives a killed process; checkpoints (the fsyncs) run every ~40 MB of WAL.
    // Chain data is re-read from the chain after a power loss; acknowledged messages are synced.
    db.pragma("synchronous = NORMAL");
    db.pragma("wal_autocheckpoint = 10000");
  }
  db.pragma("busy_timeout = 5000");
  db.pragma("cache_size = -65536");
  if (!options.readonly) migrate(db, options.migrations ?? defaultMigrations);
  return db;
}

export function migrate(db: Db, list: Migration[]): number[] {
  db.exec(
    "CREATE TABLE IF NOT EXISTS migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)",
  );
  const insert = db.prepare("INSERT INTO migrations (version, name, applied_at) VALUES (?, ?, ?)");
  const applied = db.prepare("SELECT version FROM migrations");
  // IMMEDIATE: another process opening the same file waits instead of racing to apply the same migration.
  return db
    .transaction(() => {
      const done = new Set((applied.all() as { version: number }[]).map((r) => r.version));
      const pending = list.filter((m) => !done.has(m.version)).sort((a, b) => a.version - b.version);
      for (const m of pending) {
        db.exec(m.sql);
        insert.run(m.version, m.name, Math.floor(Date.now() / 1000));
      }
      return pending.map((m) => m.version);
    })
    .immediate();
}
