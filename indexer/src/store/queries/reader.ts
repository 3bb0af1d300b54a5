/** The statement cache and page helper every entity's queries read through. */
import type { Statement } from "better-sqlite3";
import type { Db } from "../db.ts";

export interface Rows<T> {
  rows: T[];
  hasNextPage: boolean;
}

/** Keyset position: the sort value(s) of the last row of the previous page. */
export type Keyset = number[];

export type Reader = ReturnType<typeof createReader>;

/** Statements are prepared once per distinct SQL text; a page fetches `first + 1` rows to know if another follows. */
export function createReader(db: Db) {
  const cache = new Map<string, Statement<unknown[]>>();
  const stmt = (sql: string) => {
    let s = cache.get(sql);
    if (!s) {
      s = db.prepare<unknown[]>(sql);
      cache.set(sql, s);
    }
    return s;
  };
  const all = <T>(sql: string, ...params: unknown[]) => stmt(sql).all(...params) as T[];
  const get = <T>(sql: string, ...params: unknown[]) => stmt(sql).get(...params) as T | undefined;
  const page = <T>(sql: string, params: unknown[], first: number): Rows<T> => {
    const rows = all<T>(`${sql} LIMIT ?`, ...params, first + 1);
    const hasNextPage = rows.length > first;
    if (hasNextPage) rows.pop();
    return { rows, hasNextPage };
  };
  return { all, get, page };
}

/**
 * The conditions of a WHERE clause and their parameters, one `?` each: a condition whose value
 * is undefined (a filter not given) is left out.
 */
export function conditions(list: [condition: string, value: unknown][]): {
  where: string[];
  params: unknown[];
} {
  const where: string[] = [];
  const params: unknown[] = [];
  for (const [condition, value] of list) {
    if (value === undefined) continue;
    where.push(condition);
    params.push(value);
  }
  return { where, params };
}
