/** The engagement log's messages. */
import { type Reader, sql, when, whereClause } from "./sql-reader.ts";

export interface MessageRow {
  seq: number;
  kind: string;
  account: string;
  signer: string;
  json: string;
  signature: string;
  timestamp: number;
  receivedAt: number;
}

export function messageQueries(r: Reader) {
  return {
    messages: (filter: { account?: string; kind?: string }, first: number, after: number | null) =>
      r.page<MessageRow>(
        sql`SELECT seq, kind, account, signer, json, signature, timestamp, received_at AS "receivedAt" FROM engagement_log${whereClause(
          [
            sql`seq > ${after ?? 0}`,
            when(filter.account, (account) => sql`account = ${account}`),
            when(filter.kind, (kind) => sql`kind = ${kind}`),
          ],
        )} ORDER BY seq`,
        first,
      ),
  };
}
