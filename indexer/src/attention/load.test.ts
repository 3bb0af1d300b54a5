import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { canonicalMessage, PolicyMode } from "#protocol";
import { tempDir } from "#test-kit/helpers.ts";
import { engagementStore } from "#test-kit/stores.ts";
import { exportLog } from "../engagement/export.ts";
import { openDb } from "../store/db.ts";
import { account, LogBuilder } from "./fixtures.ts";
import { loadLogExport } from "./load.ts";

describe("log export loading", () => {
  it("reads the indexer's NDJSON export back into the same entries", async () => {
    const tmp = tempDir("amp-load-");
    const db = openDb(join(tmp.dir, "db.sqlite"));
    try {
      const log = new LogBuilder();
      log.engage("View", account(1), 3n, 100, { campaignId: 2n, dwellMs: 4200 });
      log.engage("Like", account(2), 3n, 101);
      log.engage("Comment", account(2), 4n, 102);
      log.engage("Share", account(3), 4n, 103);
      log.follow(account(1), account(2), 104);
      log.policy(account(1), PolicyMode.Topics, 105, {
        topics: ["art"],
        communities: [1n],
        blockedPromoters: [account(9)],
      });
      const store = engagementStore(db);
      for (const e of log.entries) {
        const json = canonicalMessage(e.kind, e.message as never);
        await store.append({
          kind: e.kind,
          signer: e.message.account,
          message: JSON.parse(json),
          json,
          signature: "0x",
          receivedAt: 0,
        });
      }
      // A delegation is part of the log but not of the model.
      const delegation = {
        account: account(1),
        sessionKey: account(8),
        expiresAt: 999n,
        timestamp: 106n,
        nonce: 99n,
      };
      const json = canonicalMessage("Delegation", delegation);
      await store.append({
        kind: "Delegation",
        signer: account(1),
        message: JSON.parse(json),
        json,
        signature: "0x",
        receivedAt: 0,
      });

      const loaded = loadLogExport(exportLog(db, 1, 100).ndjson);
      expect(loaded).toEqual(log.entries);
    } finally {
      db.close();
      tmp.cleanup();
    }
  });
});
