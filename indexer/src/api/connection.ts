/** Builds Relay-style connections from a page of rows. */
import { encodeCursor } from "../store/cursor.ts";

export interface Connection<T> {
  edges: Array<{ cursor: string; node: T }>;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

type PageOf<R> = { rows: R[]; hasNextPage: boolean };

export function connection<R, T = R>(
  page: PageOf<R>,
  key: (row: R) => Array<number | string>,
  node?: (row: R) => T,
): Connection<T>;
export function connection<R, T = R>(
  page: Promise<PageOf<R>>,
  key: (row: R) => Array<number | string>,
  node?: (row: R) => T,
): Promise<Connection<T>>;
/** A page read from the store (or a promise of one: the connection follows it). */
export function connection<R, T = R>(
  page: PageOf<R> | Promise<PageOf<R>>,
  key: (row: R) => Array<number | string>,
  node: (row: R) => T = (r) => r as unknown as T,
): Connection<T> | Promise<Connection<T>> {
  if (page instanceof Promise) return page.then((p) => connection(p, key, node));
  const edges = page.rows.map((row) => ({ cursor: encodeCursor(key(row)), node: node(row) }));
  return { edges, pageInfo: { hasNextPage: page.hasNextPage, endCursor: edges.at(-1)?.cursor ?? null } };
}
