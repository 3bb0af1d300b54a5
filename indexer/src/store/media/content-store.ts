/**
 * The content store for images: bytes under the sha256 of their content (on disk under
 * `dir/<first two hex digits>/<hash>`, or in memory for an in-memory database) and a `media`
 * row per image with what was read from it. An upload is checked in full before anything is
 * written; the file is written beside its final name and renamed into place, so a failed or
 * interrupted upload leaves neither a file nor a row.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, renameSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { isMediaHash, type MediaType, mediaHash } from "#protocol";
import type { Db } from "../db.ts";
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

export function createMediaStore(db: Db, options: MediaStoreOptions): MediaStore {
  const { dir } = options;
  const maxTotal = options.maxTotalBytes ?? DEFAULT_MEDIA_STORE_BYTES;
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const memory = new Map<string, Uint8Array>();
  const s = {
    get: db.prepare(`SELECT ${COLUMNS} FROM media WHERE hash = ?`),
    many: db.prepare(`SELECT ${COLUMNS} FROM media WHERE hash IN (SELECT value FROM json_each(?))`),
    insert: db.prepare(
      "INSERT OR IGNORE INTO media (hash, mime_type, size, width, height, created_at) VALUES (?, ?, ?, ?, ?, ?)",
    ),
    total: db.prepare("SELECT COALESCE(SUM(size), 0) FROM media").pluck(),
  };
  let total = s.total.get() as number;
  if (dir) mkdirSync(dir, { recursive: true });
  const filePath = (hash: string) => join(dir as string, hash.slice(0, 2), hash);

  const get = (hash: string) =>
    isMediaHash(hash) ? ((s.get.get(hash) as MediaRecord | undefined) ?? null) : null;

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
    put(bytes, expectedHash) {
      if (expectedHash !== undefined && !isMediaHash(expectedHash)) {
        throw new MediaError("BAD_REQUEST", "the expected sha256 must be 64 lowercase hex digits");
      }
      const info = inspectImage(bytes);
      const hash = mediaHash(bytes);
      if (expectedHash !== undefined && expectedHash !== hash) {
        throw new MediaError("HASH_MISMATCH", `the bytes hash to ${hash}, not ${expectedHash}`);
      }
      const existing = get(hash);
      if (existing) return { record: existing, created: false };
      if (total + bytes.length > maxTotal) {
        throw new MediaError("MEDIA_STORE_FULL", "the media store is full", { retryable: true });
      }
      let fileCreated = true;
      if (dir) fileCreated = writeFile(hash, bytes);
      else memory.set(hash, Uint8Array.from(bytes));
      const record: MediaRecord = { hash, ...info, size: bytes.length, createdAt: now() };
      try {
        s.insert.run(hash, info.mimeType, bytes.length, info.width, info.height, record.createdAt);
      } catch (error) {
        if (fileCreated && dir) unlinkSync(filePath(hash));
        memory.delete(hash);
        throw error;
      }
      total += bytes.length;
      return { record, created: true };
    },
    get,
    getMany: (hashes) =>
      hashes.length === 0 ? [] : (s.many.all(JSON.stringify(hashes.filter(isMediaHash))) as MediaRecord[]),
    has: (hash) => get(hash) !== null,
    locate(hash) {
      if (!get(hash)) return null;
      if (!dir) {
        const bytes = memory.get(hash);
        return bytes ? { bytes } : null;
      }
      return { path: filePath(hash) };
    },
    totalBytes: () => total,
  };
}
