/** Profiles (the Profile message in force per account) and media records. */
import type { Reader } from "./reader.ts";

export interface ProfileRow {
  account: string;
  name: string;
  bio: string;
  /** 0x and 64 hex digits; all zero for none. */
  avatar: string;
  seq: number;
  updatedAt: number;
}

export interface MediaRow {
  hash: string;
  mimeType: string;
  size: number;
  width: number;
  height: number;
}

const MEDIA_COLUMNS = "hash, mime_type AS mimeType, size, width, height";

export function profileQueries({ all, get }: Reader) {
  return {
    profile: (account: string) =>
      get<ProfileRow>(
        "SELECT account, name, bio, avatar, seq, updated_at AS updatedAt FROM profiles WHERE account = ?",
        account,
      ) ?? null,
    /** The profiles of these accounts (lowercase addresses); accounts without one are left out. */
    profilesOf: (accounts: readonly string[]): ProfileRow[] =>
      accounts.length === 0
        ? []
        : all<ProfileRow>(
            "SELECT account, name, bio, avatar, seq, updated_at AS updatedAt FROM profiles WHERE account IN (SELECT value FROM json_each(?))",
            JSON.stringify(accounts),
          ),
    media: (hash: string) => get<MediaRow>(`SELECT ${MEDIA_COLUMNS} FROM media WHERE hash = ?`, hash) ?? null,
    /** Media records by hash, in the order asked (missing ones left out). */
    mediaByHashes: (hashes: readonly string[]): MediaRow[] => {
      if (hashes.length === 0) return [];
      const rows = all<MediaRow>(
        `SELECT ${MEDIA_COLUMNS} FROM media WHERE hash IN (SELECT value FROM json_each(?))`,
        JSON.stringify(hashes),
      );
      const byHash = new Map(rows.map((r) => [r.hash, r]));
      return hashes.flatMap((h) => byHash.get(h) ?? []);
    },
  };
}
