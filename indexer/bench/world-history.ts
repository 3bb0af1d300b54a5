/**
 * The history every large bench world starts with, drawn in one fixed order from the world's
 * random generator: every account's policy chosen when joining (everyone two in five, their home
 * community, a topic, or friends only), follows towards the active accounts, and each
 * community's founder and moderator attending 200 of its posts.
 */
import { account } from "../src/attention/fixtures.ts";
import type { LogEntry, PostInfo } from "../src/attention/log.ts";

export interface JoiningWorld {
  accounts: number;
  communities: number;
  /** Start of the world's history and the length of a day (seconds). */
  t0: number;
  day: number;
  pick(n: number): number;
  skewed(n: number): number;
  home(who: number): bigint;
  postsIn: ReadonlyMap<bigint, PostInfo[]>;
  add(entry: Omit<LogEntry, "seq">): unknown;
  nextNonce(): bigint;
}

export function addJoiningHistory(w: JoiningWorld): void {
  const { accounts, communities, t0, day, pick, skewed, add } = w;
  const modes = [4, 4, 2, 3, 1] as const;
  for (let i = 0; i < accounts; i++) {
    const mode = modes[pick(modes.length)] as 0 | 1 | 2 | 3 | 4;
    add({
      kind: "Policy",
      message: {
        account: account(i),
        mode,
        communities: mode === 2 ? [w.home(i)] : [],
        topics: mode === 3 ? [`t${pick(40)}`] : [],
        blockedPromoters: [],
        timestamp: BigInt(t0),
        nonce: w.nextNonce(),
      },
    });
  }
  for (let i = 0; i < accounts / 2; i++) {
    add({
      kind: "Follow",
      message: {
        account: account(pick(accounts)),
        target: account(skewed(accounts)),
        follow: true,
        timestamp: BigInt(t0),
        nonce: w.nextNonce(),
      },
    });
  }
  for (let c = 0; c < communities; c++) {
    for (const seed of [account(c), account(communities + c)]) {
      for (let k = 0; k < 200; k++) {
        const list = w.postsIn.get(BigInt(c + 1)) as PostInfo[];
        const p = list[pick(list.length)] as PostInfo;
        add({
          kind: "Like",
          message: {
            account: seed,
            postId: p.id,
            timestamp: BigInt(t0 + pick(60 * day)),
            nonce: w.nextNonce(),
          },
        });
      }
    }
  }
}
