/**
 * The content store for images: bytes under the sha256 of their content (on disk under
 * `dir/<first two hex digits>/<hash>`, or in memory for an in-memory database) and a `media`
 * row per image with what was read from it. An upload is checked in full before anything is
 * written; the file is written beside its final name and renamed into place, so a failed or
 * interrupted upload leaves neither a file nor a row.
 *
 * `createMediaStore` keeps the rows in the SQLite file (synchronously);
 * `createSqliteMediaStore` is that store on a SQLite engine's handle, its
 * uploads held back while a Kysely transaction on the handle is open (see
 * `exclusiveSqlite`); `createKyselyMediaStore` in either engine's `media` table through Kysely
 * (PostgreSQL: the same table, v2), its methods asynchronous. Two uploads of
 * the same image at once store one row and one file.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, renameSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type Kysely, sql } from "kysely";
import { isMediaHash, type MediaType, mediaHash } from "#protocol";
import type { Db } from "../db.ts";
import { exclusiveSqlite, type StoreEngine, StoreEngineError } from "../engine/engine.ts";
import type { StoreTables } from "../engine/tables.ts";
import { MediaError } from "./errors.ts";
import { inspectImage } from "./sniff.ts";

export interface MediaRecord {
  hash: string;
  mimeType: MediaType;
  size: number;
  width: number;
  height: number;
  createdAt: number;
}

export interface MediaStoreOptions {
  /** Folder of the files; null keeps bytes in memory (an in-memory database). */
  dir: string | null;
  /** The store refuses uploads past this many bytes in total (MEDIA_STORE_FULL). */
  maxTotalBytes?: number;
  now?: () => number;
}

export interface MediaStore {
  /** Checks and stores an image; `expectedHash` (when given) must be the sha256 of `bytes`. */
  put(bytes: Uint8Array, expectedHash?: string): { record: MediaRecord; created: boolean };
  get(hash: string): MediaRecord | null;
  /** Several records in one read (missing hashes are left out). */
  getMany(hashes: readonly string[]): MediaRecord[];
  has(hash: string): boolean;
  /** Where a stored image's bytes are: a file path, or the bytes themselves in memory. */
  locate(hash: string): { path: string } | { bytes: Uint8Array } | null;
  totalBytes(): number;
}

export const DEFAULT_MEDIA_STORE_BYTES = 1024 ** 3;

const COLUMNS = "hash, mime_type AS mimeType, size, width, height, created_at AS createdAt";

/** The bytes: files under `dir` (written beside their final name, then renamed), or a map in memory. */
function createBlobs(dir: string | null) {
  const memory = new Map<string, Uint8Array>();
  if (dir) mkdirSync(dir, { recursive: true });
  const filePath = (hash: string) => join(dir as string, hash.slice(0, 2), hash);

  function writeFile(hash: string, bytes: Uint8Array): boolean {
    const final = filePath(hash);
    if (existsSync(final) && statSync(final).size === bytes.length) return false;
    mkdirSync(join(dir as string, hash.slice(0, 2)), { recursive: true });
    const tmp = join(dir as string, hash.slice(0, 2), `.${hash}.${randomBytes(6).toString("hex")}.tmp`);
    try {
      writeFileSync(tmp, bytes, { flag: "wx" });
      renameSync(tmp, final);
    } catch (error) {
      try {
        unlinkSync(tmp);
      } catch {
        // Not created, or already renamed.
      }
      throw error;
    }
    return true;
  }

  return {
    /** Stores the bytes; true when this call created them (so `remove` may undo it). */
    write(hash: string, bytes: Uint8Array): boolean {
      if (dir) return writeFile(hash, bytes);
      if (memory.has(hash)) return false;
      memory.set(hash, Uint8Array.from(bytes));
      return true;
    },
    remove(hash: string): void {
      if (dir) unlinkSync(filePath(hash));
      else memory.delete(hash);
    },
    locate(hash: string): { path: string } | { bytes: Uint8Array } | null {
      if (!dir) {
        const bytes = memory.get(hash);
        return bytes ? { bytes } : null;
      }
      return { path: filePath(hash) };
    },
  };
}

/** Checks an upload in full (type, structure, dimensions, the expected hash); nothing is written. */
function inspectUpload(bytes: Uint8Array, expectedHash: string | undefined) {
  if (expectedHash !== undefined && !isMediaHash(expectedHash)) {
    throw new MediaError("BAD_REQUEST", "the expected sha256 must be 64 lowercase hex digits");
  }
  const info = inspectImage(bytes);
  const hash = mediaHash(bytes);
  if (expectedHash !== undefined && expectedHash !== hash) {
    throw new MediaError("HASH_MISMATCH", `the bytes hash to ${hash}, not ${expectedHash}`);
  }
  return { hash, info };
}

const storeFull = () => new MediaError("MEDIA_STORE_FULL", "the media store is full", { retryable: true });

export function createMediaStore(db: Db, options: MediaStoreOptions): MediaStore {
  const maxTotal = options.maxTotalBytes ?? DEFAULT_MEDIA_STORE_BYTES;
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const blobs = createBlobs(options.dir);
  const s = {
    get: db.prepare(`SELECT ${COLUMNS} FROM media WHERE hash = ?`),
    many: db.prepare(`SELECT ${COLUMNS} FROM media WHERE hash IN (SELECT value FROM json_each(?))`),
    insert: db.prepare(
      "INSERT OR IGNORE INTO media (hash, mime_type, size, width, height, created_at) VALUES (?, ?, ?, ?, ?, ?)",
    ),
    total: db.prepare("SELECT COALESCE(SUM(size), 0) FROM media").pluck(),
  };
  let total = s.total.get() as number;

  const get = (hash: string) =>
    isMediaHash(hash) ? ((s.get.get(hash) as MediaRecord | undefined) ?? null) : null;

  return {
    put(bytes, expectedHash) {
      const { hash, info } = inspectUpload(bytes, expectedHash);
      const existing = get(hash);
      if (existing) return { record: existing, created: false };
      if (total + bytes.length > maxTotal) throw storeFull();
      const written = blobs.write(hash, bytes);
      const record: MediaRecord = { hash, ...info, size: bytes.length, createdAt: now() };
      try {
        s.insert.run(hash, info.mimeType, bytes.length, info.width, info.height, record.createdAt);
      } catch (error) {
        if (written) blobs.remove(hash);
        throw error;
      }
      total += bytes.length;
      return { record, created: true };
    },
    get,
    getMany: (hashes) =>
      hashes.length === 0 ? [] : (s.many.all(JSON.stringify(hashes.filter(isMediaHash))) as MediaRecord[]),
    has: (hash) => get(hash) !== null,
    locate: (hash) => (get(hash) ? blobs.locate(hash) : null),
    totalBytes: () => total,
  };
}

/** `MediaStore` over either engine's `media` table, asynchronous. */
export interface AsyncMediaStore {
  put(bytes: Uint8Array, expectedHash?: string): Promise<{ record: MediaRecord; created: boolean }>;
  get(hash: string): Promise<MediaRecord | null>;
  getMany(hashes: readonly string[]): Promise<MediaRecord[]>;
  has(hash: string): Promise<boolean>;
  locate(hash: string): Promise<{ path: string } | { bytes: Uint8Array } | null>;
  totalBytes(): number;
}

/** `MediaStore` whose upload is asynchronous (its reads are not). */
export interface ExclusiveMediaStore extends Omit<MediaStore, "put"> {
  put(bytes: Uint8Array, expectedHash?: string): Promise<{ record: MediaRecord; created: boolean }>;
}

/**
 * The synchronous store on a SQLite engine's handle, its upload (checks, file and row) run
 * through `exclusiveSqlite`: the row never joins a Kysely transaction left open on the handle
 * (the follower's batch, an intake commit), so that transaction's rollback cannot undo it.
 */
export function createSqliteMediaStore(engine: StoreEngine, options: MediaStoreOptions): ExclusiveMediaStore {
  if (!engine.sqlite) throw new StoreEngineError("STORE_ENGINE_INVALID", "not a SQLite engine");
  const store = createMediaStore(engine.sqlite, options);
  return {
    ...store,
    put: (bytes, expectedHash) => exclusiveSqlite(engine, () => store.put(bytes, expectedHash)),
  };
}

export async function createKyselyMediaStore(
  db: Kysely<StoreTables>,
  options: MediaStoreOptions,
): Promise<AsyncMediaStore> {
  const maxTotal = options.maxTotalBytes ?? DEFAULT_MEDIA_STORE_BYTES;
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const blobs = createBlobs(options.dir);
  const columns = [
    "hash",
    "mime_type as mimeType",
    "size",
    "width",
    "height",
    "created_at as createdAt",
  ] as const;
  // SUM of a BIGINT is NUMERIC on PostgreSQL (a string from `pg`): cast back.
  const sum = await sql<{
    total: number | string;
  }>`SELECT CAST(COALESCE(SUM(size), 0) AS BIGINT) AS total FROM media`.execute(db);
  let total = Number(sum.rows[0]?.total ?? 0);
  // Bytes of uploads between their size check and their insert, so concurrent uploads cannot overfill.
  let pending = 0;

  const get = async (hash: string) =>
    isMediaHash(hash)
      ? (((await db.selectFrom("media").select(columns).where("hash", "=", hash).executeTakeFirst()) as
          | MediaRecord
          | undefined) ?? null)
      : null;

  return {
    async put(bytes, expectedHash) {
      const { hash, info } = inspectUpload(bytes, expectedHash);
      const existing = await get(hash);
      if (existing) return { record: existing, created: false };
      if (total + pending + bytes.length > maxTotal) throw storeFull();
      pending += bytes.length;
      try {
        const written = blobs.write(hash, bytes);
        const record: MediaRecord = { hash, ...info, size: bytes.length, createdAt: now() };
        let inserted: boolean;
        try {
          inserted =
            (await db
              .insertInto("media")
              .values({
                hash,
                mime_type: info.mimeType,
                size: bytes.length,
                width: info.width,
                height: info.height,
                created_at: record.createdAt,
              })
              .onConflict((oc) => oc.column("hash").doNothing())
              .returning("hash")
              .executeTakeFirst()) !== undefined;
        } catch (error) {
          if (written) blobs.remove(hash);
          throw error;
        }
        if (!inserted) {
          // The same image, uploaded at the same time: its row (and the same bytes) are in place.
          const stored = await get(hash);
          if (stored) return { record: stored, created: false };
        }
        total += bytes.length;
        return { record, created: true };
      } finally {
        pending -= bytes.length;
      }
    },
    get,
    async getMany(hashes) {
      const valid = hashes.filter(isMediaHash);
      if (valid.length === 0) return [];
      return (await db
        .selectFrom("media")
        .select(columns)
        .where("hash", "in", valid)
        .execute()) as MediaRecord[];
    },
    has: async (hash) => (await get(hash)) !== null,
    locate: async (hash) => ((await get(hash)) ? blobs.locate(hash) : null),
    totalBytes: () => total,
  };
}
