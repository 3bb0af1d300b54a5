/**
 * Social state that gates amplification: follows (mutual follows are
 * friends) and each viewer's attention policy. Later messages win by
 * (timestamp, nonce), never by arrival order, so replaying a log in any order
 * gives the same state.
 */
import { type FollowMessage, type PolicyMessage, PolicyMode } from "#protocol";
import { addr, type LogEntry } from "./log.ts";

export interface ViewerPolicy {
  mode: PolicyMode;
  communities: ReadonlySet<bigint>;
  topics: ReadonlySet<string>;
  blockedPromoters: ReadonlySet<string>;
}

export const DEFAULT_POLICY: ViewerPolicy = {
  mode: PolicyMode.Friends,
  communities: new Set(),
  topics: new Set(),
  blockedPromoters: new Set(),
};

interface Stamp {
  timestamp: bigint;
  nonce: bigint;
}

function newer(a: Stamp, b: Stamp | undefined): boolean {
  if (!b) return true;
  return a.timestamp !== b.timestamp ? a.timestamp > b.timestamp : a.nonce > b.nonce;
}

const NOBODY: ReadonlySet<string> = new Set();

export class SocialState {
  readonly #follows = new Map<string, { follow: boolean; stamp: Stamp }>();
  readonly #following = new Map<string, Set<string>>();
  readonly #policies = new Map<string, { policy: ViewerPolicy; stamp: Stamp }>();

  /** Applies a Follow or Policy entry; other kinds are ignored. */
  apply(entry: LogEntry): void {
    if (entry.kind === "Follow") this.#applyFollow(entry.message);
    else if (entry.kind === "Policy") this.#applyPolicy(entry.message);
  }

  #applyFollow(m: FollowMessage): void {
    const from = addr(m.account);
    const to = addr(m.target);
    if (from === to) return;
    const key = `${from}>${to}`;
    const stamp = { timestamp: m.timestamp, nonce: m.nonce };
    if (!newer(stamp, this.#follows.get(key)?.stamp)) return;
    this.#follows.set(key, { follow: m.follow, stamp });
    let set = this.#following.get(from);
    if (!set) {
      set = new Set();
      this.#following.set(from, set);
    }
    if (m.follow) set.add(to);
    else set.delete(to);
  }

  #applyPolicy(m: PolicyMessage): void {
    const account = addr(m.account);
    const stamp = { timestamp: m.timestamp, nonce: m.nonce };
    if (!newer(stamp, this.#policies.get(account)?.stamp)) return;
    this.#policies.set(account, {
      stamp,
      policy: {
        mode: m.mode,
        communities: new Set(m.communities),
        topics: new Set(m.topics.map((t) => t.toLowerCase())),
        blockedPromoters: new Set(m.blockedPromoters.map(addr)),
      },
    });
  }

  follows(a: string, b: string): boolean {
    return this.#following.get(addr(a))?.has(addr(b)) ?? false;
  }

  /** Accounts `account` follows. */
  following(account: string): ReadonlySet<string> {
    return this.#following.get(addr(account)) ?? NOBODY;
  }

  isFriend(a: string, b: string): boolean {
    return this.follows(a, b) && this.follows(b, a);
  }

  policyOf(account: string): ViewerPolicy {
    return this.#policies.get(addr(account))?.policy ?? DEFAULT_POLICY;
  }

  /** Whether `viewer` accepts amplified content from `promoter` in this community and these topics. */
  allows(viewer: string, promoter: string, communityId: bigint, topics: readonly string[]): boolean {
    return this.allowsFor(viewer)(promoter, communityId, topics);
  }

  /** `allows` for one viewer, with the viewer's policy and follows looked up once. */
  allowsFor(viewer: string): (promoter: string, communityId: bigint, topics: readonly string[]) => boolean {
    const v = addr(viewer);
    const policy = this.policyOf(v);
    const following = this.following(v);
    const isFriend = (p: string) => following.has(p) && this.follows(p, v);
    return (promoter, communityId, topics) => policyAllows(policy, isFriend, promoter, communityId, topics);
  }
}

/** The policy rule itself, given a friendship test. */
export function policyAllows(
  policy: ViewerPolicy,
  isFriend: (promoter: string) => boolean,
  promoter: string,
  communityId: bigint,
  topics: readonly string[],
): boolean {
  const p = addr(promoter);
  if (policy.blockedPromoters.has(p)) return false;
  switch (policy.mode) {
    case PolicyMode.None:
      return false;
    case PolicyMode.Friends:
      return isFriend(p);
    case PolicyMode.Communities:
      return policy.communities.has(communityId);
    case PolicyMode.Topics:
      return topics.some((t) => policy.topics.has(t.toLowerCase()));
    case PolicyMode.Everyone:
      return true;
    default:
      return false;
  }
}
