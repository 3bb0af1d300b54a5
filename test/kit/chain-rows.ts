/**
 * A store seeded with what the chain follower and settlement write, for the
 * read side's tests on both engines (`engine-pair.ts`): communities and posts
 * from chain events (`seedChain`), then rows of every chain-derived table the
 * API reads, enough of each to page through, with amounts up to 2^256 - 1.
 */
import type { Address } from "viem";
import type { Db } from "#indexer/store/db.ts";
import type { NewLogEntry } from "#indexer/store/engine/engagement-store.ts";
import { seedChain } from "./helpers.ts";
import { chainStore, engagementStore } from "./stores.ts";

/** The largest uint256: amounts must come back exact on both engines. */
export const MAX_UINT256 = (2n ** 256n - 1n).toString();

/** A lowercase address numbered `i` (0x…000i). */
export const addr = (i: number) => `0x${i.toString(16).padStart(40, "0")}`;
export const hash = (i: number) => `0x${i.toString(16).padStart(64, "0")}`;

export const FOUNDER = addr(1);
export const ESCROW = addr(0xe5c);
export const BLOCKS = 30;
export const T0 = 1_700_000_000;
export const blockTime = (n: number) => T0 + n * 12;

const ROLE_A = hash(0xa);
const ROLE_B = hash(0xb);

export async function seedChainRows(db: Db): Promise<void> {
  await seedChain(chainStore(db), FOUNDER as Address, 12);
  const run = (text: string, ...rows: unknown[][]) => {
    const stmt = db.prepare(text);
    for (const row of rows) stmt.run(...row);
  };
  const range = (n: number, from = 0) => Array.from({ length: n }, (_, i) => i + from);

  run(
    "INSERT INTO blocks (number, hash, parent_hash, timestamp) VALUES (?, ?, ?, ?)",
    ...range(BLOCKS - 1, 2).map((n) => [n, hash(n), hash(n - 1), blockTime(n)]),
  );
  db.prepare("UPDATE checkpoint SET block_number = ?, finalized_block = ?, head_block = ? WHERE id = 1").run(
    BLOCKS,
    20,
    BLOCKS + 2,
  );
  // Communities 2..24 beside the seeded one (pages of communities).
  run(
    "INSERT INTO communities (id, founder, name, description, created_at, block_number) VALUES (?, ?, ?, ?, ?, ?)",
    ...range(23, 2).map((id) => [id, addr(id), `c${id}`, `community ${id}`, blockTime(2), 2]),
  );
  run(
    "INSERT INTO moderators (community_id, account, block_number, log_index, removed_block) VALUES (?, ?, ?, ?, ?)",
    [1, addr(7), 3, 0, null],
    [1, addr(5), 4, 0, null],
    // Appointed twice: once in the list, at the later appointment.
    [1, addr(5), 9, 0, null],
    [1, addr(6), 5, 0, 8],
    // The founder appointed too: a seed once, as the founder.
    [1, FOUNDER, 6, 0, null],
    [2, addr(9), 7, 0, null],
  );
  run(
    "INSERT INTO memberships (community_id, account, member, timestamp, seq) VALUES (?, ?, ?, ?, ?)",
    ...range(25, 10).map((i) => [1, addr(i), i % 6 === 0 ? 0 : 1, T0 + i, i]),
    [2, addr(10), 1, T0, 99],
    [3, addr(10), 0, T0, 100],
  );

  run(
    "INSERT INTO balances (account, balance) VALUES (?, ?)",
    ...range(20, 2).map((i) => [addr(i), (10n ** BigInt(i)).toString()]),
    [addr(100), MAX_UINT256],
  );
  run(
    "INSERT INTO follows (follower, target, seq) VALUES (?, ?, ?)",
    ...range(23, 10).map((i) => [addr(i), FOUNDER, i]),
    ...range(17, 40).map((i) => [FOUNDER, addr(i), 100 + i]),
  );
  run(
    "INSERT INTO policies (account, mode, communities, topics, blocked_promoters, seq) VALUES (?, ?, ?, ?, ?, ?)",
    [FOUNDER, 2, '["1","2"]', "[]", `["${addr(3)}"]`, 1],
    [addr(2), 4, "[]", '["news"]', "[]", 2],
  );
  run(
    "INSERT INTO delegations (account, session_key, expires_at, revoked, seq) VALUES (?, ?, ?, ?, ?)",
    [FOUNDER, addr(0x5e1), T0 + 1000, 0, 3],
    [FOUNDER, addr(0x5e0), T0 + 2000, 1, 2],
    [FOUNDER, addr(0x5e2), T0 + 3000, 0, 7],
  );

  // Campaigns 2..24 (campaign 1 is seeded on post 1): promoters, posts, refunds, expiries, budgets.
  run(
    "INSERT INTO campaigns (id, post_id, promoter, payer, budget, spent, refunded_amount, refunded_block, expires_at, created_at, block_number) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    ...range(23, 2).map((id) => {
      const budget = id === 3 ? MAX_UINT256 : (10n ** 18n * BigInt(id)).toString();
      const spent = id % 5 === 0 ? budget : id === 3 ? (2n ** 255n).toString() : String(id * 1000);
      const refunded = id % 7 === 0;
      return [
        id,
        (id % 4) + 1,
        addr(id % 3 === 0 ? 3 : 4),
        addr(4),
        budget,
        spent,
        refunded ? String(BigInt(budget) - BigInt(spent)) : "0",
        refunded ? 12 : null,
        id % 2 === 0 ? blockTime(40) : blockTime(10),
        blockTime(3),
        3,
      ];
    }),
  );
  run(
    "INSERT INTO campaign_spends (campaign_id, epoch, amount, block_number, log_index, revoked_block) VALUES (?, ?, ?, ?, ?, ?)",
    [1, 1, "100", 11, 1, null],
    [1, 2, "200", 13, 1, null],
    [1, 3, "300", 15, 1, 17],
    [1, 3, "310", 17, 1, null],
    [3, 1, (2n ** 255n).toString(), 11, 2, null],
    // A spend in a block the store does not hold: settled at 0.
    [1, 4, "400", 99, 1, null],
  );
  run(
    "INSERT INTO refund_withdrawals (campaign_id, promoter, amount, block_number, log_index) VALUES (?, ?, ?, ?, ?)",
    [3, addr(3), (2n ** 254n).toString(), 20, 0],
    [3, addr(3), (2n ** 254n).toString(), 21, 0],
    [7, addr(4), "5", 22, 0],
  );

  // Settlements: epochs 1..12, epoch 3 settled twice (the first revoked), manifests for some.
  const epochs: unknown[][] = [];
  for (let e = 1; e <= 12; e++) {
    const block = e + 10;
    epochs.push([
      e,
      hash(0x100 + e),
      hash(0x200 + e),
      (BigInt(e) * 10n ** 20n).toString(),
      blockTime(block) + 60,
      null,
      block,
      1,
    ]);
  }
  epochs.push([3, hash(0x333), hash(0x334), MAX_UINT256, blockTime(17) + 60, null, 17, 3]);
  (epochs[2] as unknown[])[5] = 17;
  run(
    "INSERT INTO epochs (epoch, root, inputs_hash, total_spent, active_at, revoked_block, block_number, log_index) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    ...epochs,
  );
  run(
    "INSERT INTO epoch_manifests (epoch, manifest, block_number, log_index) VALUES (?, ?, ?, ?)",
    [1, "0x7b7d", 11, 0],
    [2, "0x7b2261223a317d", 12, 0],
    // Published in another transaction than the settlement: not its manifest.
    [4, "0x7b2262223a327d", 13, 0],
  );
  run(
    "INSERT INTO epoch_payouts (epoch, account, amount, cumulative, proof, root) VALUES (?, ?, ?, ?, ?, ?)",
    ...range(23, 10).map((i) => [
      5,
      addr(i),
      i === 10 ? MAX_UINT256 : String(i),
      i === 10 ? MAX_UINT256 : String(i * 3),
      JSON.stringify([hash(i)]),
      hash(0x105),
    ]),
    [6, addr(10), "1", "2", "[]", hash(0x999)],
    [7, addr(10), "1", "3", "[]", null],
  );
  run(
    "INSERT INTO epoch_campaign_payouts (epoch, campaign_id, account, amount) VALUES (?, ?, ?, ?)",
    [1, 1, addr(10), "7"],
    [1, 1, addr(11), "8"],
    [2, 1, addr(10), "9"],
    [5, 3, addr(10), MAX_UINT256],
    [5, 1, addr(10), "11"],
    // Epoch 6's local payouts are not the on-chain root's: no earnings from it.
    [6, 1, addr(10), "12"],
  );
  run(
    "INSERT INTO claims (account, epoch, amount, cumulative, block_number, log_index) VALUES (?, ?, ?, ?, ?, ?)",
    [addr(10), 5, "3", "3", 25, 0],
    [addr(10), 5, MAX_UINT256, MAX_UINT256, 26, 0],
    [addr(11), 5, "33", "33", 26, 1],
  );
  run(
    "INSERT INTO disputes (epoch, disputer, bond, deadline, status, paid, settled_block, settled_log, resolved_block, block_number, log_index) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    // Epoch 9's settlement: disputed, rejected, disputed again and open.
    [9, addr(8), "1000", T0 + 5000, 3, null, 19, 1, 21, 20, 1],
    [9, addr(8), "2000", T0 + 6000, 1, null, 19, 1, null, 22, 1],
    // Epoch 4: upheld, paid more than the bond.
    [4, addr(9), "500", T0 + 4000, 2, "1600", 14, 1, 16, 15, 2],
    // A dispute of the revoked settlement of epoch 3: open but not blocking.
    [3, addr(9), "1", T0 + 4000, 1, null, 13, 1, null, 14, 2],
  );
  run(
    "INSERT INTO dispute_pool_fundings (funder, amount, block_number, log_index) VALUES (?, ?, ?, ?)",
    [FOUNDER, (10n ** 30n).toString(), 5, 1],
    [addr(2), "7", 6, 1],
  );
  run(
    "INSERT INTO escrow_pauses (paused, account, paused_for, timestamp, block_number, log_index) VALUES (?, ?, ?, ?, ?, ?)",
    [1, FOUNDER, 600, blockTime(8), 8, 2],
    [0, FOUNDER, null, blockTime(9), 9, 2],
    [1, FOUNDER, 900, blockTime(23), 23, 2],
  );
  run(
    "INSERT INTO role_events (contract, role, account, granted, block_number, log_index) VALUES (?, ?, ?, ?, ?, ?)",
    [ESCROW, ROLE_A, addr(2), 1, 2, 5],
    [ESCROW, ROLE_A, addr(3), 1, 2, 6],
    [ESCROW, ROLE_B, addr(4), 1, 2, 7],
    [ESCROW, ROLE_A, addr(2), 0, 6, 5],
    [ESCROW, ROLE_B, addr(4), 0, 6, 6],
    [ESCROW, ROLE_B, addr(4), 1, 6, 7],
    [addr(0xfff), ROLE_A, addr(9), 1, 2, 8],
  );
  run(
    'INSERT INTO role_changes (role, account, "grant", ready_at, status, closed_by, closed_block, block_number, log_index) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    [ROLE_A, addr(5), 1, T0 + 9000, "scheduled", null, null, 7, 3],
    [ROLE_B, addr(4), 0, T0 + 9100, "scheduled", null, null, 7, 4],
    [ROLE_A, addr(6), 1, T0 + 9200, "executed", "execute", 9, 8, 3],
  );
  run(
    "INSERT INTO epoch_view_reasons (epoch, campaign_id, account, reason, amount) VALUES (?, ?, ?, ?, ?)",
    [2, 1, addr(10), "paid", MAX_UINT256],
    [1, 1, addr(10), "policy", "0"],
    [1, 1, addr(11), "authorOrPromoter", "0"],
  );

  // Log entries: nonces (largest by value, not text) and bought views of campaign 1.
  let seq = 0;
  const entry = (
    kind: NewLogEntry["kind"],
    account: string,
    nonce: string,
    fields: Record<string, unknown>,
  ) => {
    const message = { account, ...fields, timestamp: String(T0 + ++seq), nonce };
    return {
      kind,
      signer: account,
      message,
      json: JSON.stringify(message),
      signature: "0x",
      receivedAt: T0 + seq,
    } satisfies NewLogEntry;
  };
  const entries: NewLogEntry[] = [];
  for (const nonce of ["9", "10", "123", "99"])
    entries.push(entry("Like", addr(10), nonce, { postId: nonce === "9" ? "1" : "2" }));
  for (const [i, campaignId] of ["1", "1", "1", "0", "2"].entries())
    entries.push(entry("View", addr(20 + i), "1", { postId: "1", dwellMs: "3000", campaignId }));
  await engagementStore(db).appendMany(entries);
}
