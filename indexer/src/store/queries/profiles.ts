/** Profiles (the Profile message in force per account) and media records. */
import { type Reader, sql } from "./sql-reader.ts";

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

const PROFILE_COLUMNS = sql.raw('account, name, bio, avatar, seq, updated_at AS "updatedAt"');
const MEDIA_COLUMNS = sql.raw('hash, mime_type AS "mimeType", size, width, height');

export function profileQueries(r: Reader) {
  return {
    profile: async (account: string) =>
      (await r.get<ProfileRow>(sql`SELECT ${PROFILE_COLUMNS} FROM profiles WHERE account = ${account}`)) ??
      null,
    /** The profiles of these accounts (lowercase addresses); accounts without one are left out. */
    profilesOf: async (accounts: readonly string[]): Promise<ProfileRow[]> =>
      accounts.length === 0
        ? []
        : r.all<ProfileRow>(
            sql`SELECT ${PROFILE_COLUMNS} FROM profiles WHERE account IN (${r.valuesIn(accounts)})`,
          ),
    media: async (hash: string) =>
      (await r.get<MediaRow>(sql`SELECT ${MEDIA_COLUMNS} FROM media WHERE hash = ${hash}`)) ?? null,
    /** Media records by hash, in the order asked (missing ones left out). */
    mediaByHashes: async (hashes: readonly string[]): Promise<MediaRow[]> => {
      if (hashes.length === 0) return [];
      const rows = await r.all<MediaRow>(
        sql`SELECT ${MEDIA_COLUMNS} FROM media WHERE hash IN (${r.valuesIn(hashes)})`,
      );
      const byHash = new Map(rows.map((row) => [row.hash, row]));
      return hashes.flatMap((h) => byHash.get(h) ?? []);
    },
  };
}
