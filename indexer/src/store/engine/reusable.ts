/**
 * A Kysely query built and compiled once, then run with new values. Kysely builds and compiles a
 * query each time it runs, which on SQLite costs about as much as running a small statement; the
 * statements intake runs for every message are built once per engine instead. The query is
 * built with a placeholder for each argument; the compiled parameters that are placeholders take
 * the arguments, in whatever order the dialect's SQL names them.
 */
import type { Compilable, CompiledQuery, Kysely, QueryResult } from "kysely";
import { StoreEngineError } from "./engine.ts";

const SLOT = "\u0000slot:";

export interface Reusable<DB, A extends unknown[], R> {
  /** Runs the query with `args` on `db` (the handle it was compiled for, or a transaction of it). */
  run(db: Kysely<DB>, ...args: A): Promise<QueryResult<R>>;
}

/**
 * `build` receives the handle and one placeholder per argument (typed as the argument), and
 * must pass each placeholder as a value of the query (never to `sql.lit` or as an identifier).
 */
export function reusable<DB, A extends unknown[], R>(
  db: Kysely<DB>,
  arity: A["length"],
  build: (db: Kysely<DB>, ...slots: A) => Compilable<R>,
): Reusable<DB, A, R> {
  const slots = Array.from({ length: arity }, (_, i) => `${SLOT}${i}`) as unknown as A;
  const query: CompiledQuery<R> = build(db, ...slots).compile();
  const positions = query.parameters.map((p) =>
    typeof p === "string" && p.startsWith(SLOT) ? Number(p.slice(SLOT.length)) : -1,
  );
  for (let i = 0; i < arity; i++)
    if (!positions.includes(i))
      throw new StoreEngineError(
        "STORE_QUERY_INVALID",
        `argument ${i} of a reusable query is not a parameter`,
      );
  return {
    run(target, ...args) {
      const parameters = query.parameters.map((p, i) => {
        const at = positions[i] as number;
        return at < 0 ? p : args[at];
      });
      return target.executeQuery<R>({ ...query, parameters });
    },
  };
}
