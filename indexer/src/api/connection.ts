/** Builds Relay-style connections from a page of rows. */
import { encodeCursor } from "../store/cursor.ts";

export interface Connection<T> {
  edges: Array<{ cursor: string; node: T }>;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

export function connection<R, T = R>(
  page: { rows: R[]; hasNextPage: boolean },
  key: (row: R) => Array<number | string>,
  node: (row: R) => T = (r) => r as unknown as T,
): Connection<T> {
  const edges = page.rows.map((row) => ({ cursor: encodeCursor(key(row)), node: node(row) }));
  return { edges, pageInfo: { hasNextPage: page.hasNextPage, endCursor: edges.at(-1)?.cursor ?? null } };
}
