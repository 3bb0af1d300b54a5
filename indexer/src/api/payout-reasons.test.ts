import { describe, expect, it } from "vitest";
import { seededApiEachTest } from "#test-kit/api.ts";
import { wallets } from "#test-kit/helpers.ts";
import { DEFAULT_PARAMS } from "../attention/params.ts";
import { createStoreAttentionService } from "../attention/store-service.ts";
import { createQueries } from "../store/queries.ts";

const [alice, bob] = wallets() as [ReturnType<typeof wallets>[number], ReturnType<typeof wallets>[number]];
const APPOINTED = 1_700_000_100;

describe("GraphQL payout reasons and reputation seeds", () => {
  const { gql } = seededApiEachTest(alice.address, 3, (db) => {
    db.prepare("INSERT INTO blocks (number, hash, parent_hash, timestamp) VALUES (2, ?, ?, ?)").run(
      `0x${"02".repeat(32)}`,
      `0x${"01".repeat(32)}`,
      APPOINTED,
    );
    db.prepare(
      "INSERT INTO moderators (community_id, account, block_number, log_index) VALUES (1, ?, 2, 0)",
    ).run(bob.address.toLowerCase());
    // The rows settlement writes with an epoch (settlement/store.ts).
    const reason = db.prepare(
      "INSERT INTO epoch_view_reasons (epoch, campaign_id, account, reason, amount) VALUES (?, 1, ?, ?, ?)",
    );
    reason.run(1, bob.address.toLowerCase(), "policy", "0");
    reason.run(2, bob.address.toLowerCase(), "paid", "123");
    reason.run(2, alice.address.toLowerCase(), "authorOrPromoter", "0");
    const queries = createQueries(db);
    return {
      queries,
      now: () => APPOINTED + 3600,
      attention: createStoreAttentionService({ queries, db }),
      corsOrigins: ["http://127.0.0.1:5173"],
      limits: { maxDepth: 8, maxCost: 3000 },
    };
  });

  it("says per epoch why a viewer's view of a campaign was or was not paid", async () => {
    const q = `query($a: String!) { campaign(id: "1") { viewPayouts(account: $a) { epoch campaign account reason amount } } }`;
    const r = await gql(q, { a: bob.address });
    expect(r.errors).toBeUndefined();
    expect(r.data.campaign.viewPayouts).toEqual([
      { epoch: 1, campaign: "1", account: bob.address.toLowerCase(), reason: "POLICY", amount: "0" },
      { epoch: 2, campaign: "1", account: bob.address.toLowerCase(), reason: "PAID", amount: "123" },
    ]);
    const own = await gql(q, { a: alice.address });
    expect(own.data.campaign.viewPayouts[0].reason).toBe("AUTHOR_OR_PROMOTER");
    const bad = await gql(q, { a: "nope" });
    expect(bad.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });

  it("shows the seed delay and when a new moderator becomes a seed", async () => {
    const r = await gql(
      `{ community(id: "1") { seedDelaySeconds seeds { account founder appointedAt since active } } }`,
    );
    expect(r.errors).toBeUndefined();
    expect(r.data.community.seedDelaySeconds).toBe(DEFAULT_PARAMS.seedDelaySeconds);
    expect(r.data.community.seeds).toEqual([
      { account: alice.address.toLowerCase(), founder: true, appointedAt: 0, since: 0, active: true },
      {
        account: bob.address.toLowerCase(),
        founder: false,
        appointedAt: APPOINTED,
        since: APPOINTED + DEFAULT_PARAMS.seedDelaySeconds,
        active: false,
      },
    ]);
  });
});
