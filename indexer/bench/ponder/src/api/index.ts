/** Row counts of every table, for the benchmark to compare with the AMP indexer's. */
import { db } from "ponder:api";
import schema from "ponder:schema";
import { Hono } from "hono";
import { count } from "ponder";

const app = new Hono();

app.get("/counts", async (c) => {
  const out: Record<string, number> = {};
  for (const [name, table] of Object.entries(schema)) {
    const [row] = await db.select({ n: count() }).from(table as typeof schema.posts);
    out[name] = Number(row?.n ?? 0);
  }
  return c.json(out);
});

export default app;
