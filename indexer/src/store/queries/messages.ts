/** The engagement log's messages. */
import { conditions, type Reader } from "./reader.ts";

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

export function messageQueries({ page }: Reader) {
  return {
    messages: (filter: { account?: string; kind?: string }, first: number, after: number | null) => {
      const { where, params } = conditions([
        ["seq > ?", after ?? 0],
        ["account = ?", filter.account],
        ["kind = ?", filter.kind],
      ]);
      return page<MessageRow>(
        `SELECT seq, kind, account, signer, json, signature, timestamp, received_at AS receivedAt FROM engagement_log WHERE ${where.join(" AND ")} ORDER BY seq`,
        params,
        first,
      );
    },
  };
}
