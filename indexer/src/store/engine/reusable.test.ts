import { sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openDb } from "../db.ts";
import { type StoreEngine, sqliteEngine } from "./engine.ts";
import { reusable } from "./reusable.ts";

describe("a query built once and run with new values", () => {
  let engine: StoreEngine;
  beforeEach(() => {
    engine = sqliteEngine(openDb(":memory:"));
  });
  afterEach(() => engine.close());

  it("runs with each call's values, constants kept, inside a transaction too", async () => {
    const insert = reusable(engine.db, 2, (d, follower: string, target: string) =>
      d
        .insertInto("follows")
        .values({ follower, target, seq: 7 })
        .onConflict((oc) => oc.doNothing()),
    );
    const byFollower = reusable(engine.db, 1, (d, follower: string) =>
      d.selectFrom("follows").select(["target", "seq"]).where("follower", "=", follower).orderBy("target"),
    );
    expect((await insert.run(engine.db, "a", "x")).numAffectedRows).toBe(1n);
    await engine.db.transaction().execute(async (trx) => {
      expect((await insert.run(trx, "a", "y")).numAffectedRows).toBe(1n);
      expect((await insert.run(trx, "b", "x")).numAffectedRows).toBe(1n);
    });
    // The same row again is skipped, as the builder's ON CONFLICT DO NOTHING says.
    expect((await insert.run(engine.db, "a", "x")).numAffectedRows).toBe(0n);
    expect((await byFollower.run(engine.db, "a")).rows).toEqual([
      { target: "x", seq: 7 },
      { target: "y", seq: 7 },
    ]);
    expect((await byFollower.run(engine.db, "b")).rows).toEqual([{ target: "x", seq: 7 }]);
    expect((await byFollower.run(engine.db, "c")).rows).toEqual([]);
  });

  it("refuses a placeholder the query does not pass as a parameter", () => {
    expect(() =>
      reusable(engine.db, 1, (d, target: string) =>
        d.selectFrom("follows").select("seq").where("target", "=", sql.lit(target)),
      ),
    ).toThrow(/argument 0 of a reusable query/);
  });
});
