/**
 * The worlds behind the golden vectors (docs/vectors/*.json): one community
 * with a founder, two moderators (one appointed too recently to be a seed),
 * members who engage with each other's posts over ten days, and per vector the
 * campaigns, policies, impressions and View receipts that exercise one group of
 * payout rules. Every message is signed for real (keys derived from fixed
 * names), so a vector's log verifies like any exported epoch.
 */
import { type Address, keccak256, type LocalAccount, stringToBytes } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { detExp, detLog, detLog1p } from "#indexer/attention/det-math.ts";
import { rng } from "#indexer/attention/fixtures.ts";
import {
  ALGORITHM_VERSION,
  type AttentionParams,
  canonicalJson,
  paramsHash,
} from "#indexer/attention/params.ts";
import { exportLine } from "#indexer/engagement/export.ts";
import { computeEpoch } from "#indexer/settlement/epoch.ts";
import {
  type DetMathVector,
  doubleBits,
  exportOf,
  type GoldenVector,
  type VectorCampaign,
  type VectorCommunity,
  type VectorPost,
  vectorInputs,
  vectorOutput,
} from "#indexer/settlement/vectors.ts";
import {
  canonicalMessage,
  engagementDomain,
  engagementTypes,
  type MessageByKind,
  type MessageKind,
  PolicyMode,
} from "#protocol";

const DAY = 86_400;
/** Midnight UTC: engagement days start here. */
const T0 = 1_699_920_000;
/** The facts block's timestamp: noon of day 10. */
const AS_OF = T0 + 10 * DAY + 12 * 3600;
/** When the epoch's receipts are sent (day 10, morning). */
const T_EPOCH = T0 + 10 * DAY + 3600;
const AMP = 10n ** 18n;
const DOMAIN = { chainId: 31337, verifyingContract: "0x5fbdb2315678afecb367f032d93f642f64180aa3" as Address };

/** A fixed signing key per name. */
function who(name: string): LocalAccount {
  return privateKeyToAccount(keccak256(stringToBytes(`amp golden vector ${name}`)));
}

const issuer = who("impression issuer");
const founder = who("founder");
const modOld = who("moderator appointed long ago");
const modNew = who("moderator appointed yesterday");
const alice = who("alice");
const bob = who("bob");
const carol = who("carol");
const dave = who("dave");
const erin = who("erin");
const stranger = who("stranger");
const newcomer = who("newcomer promoter");
const members = [founder, modOld, modNew, alice, bob, carol, dave, erin];
const a = (x: LocalAccount) => x.address.toLowerCase() as Address;

type Fields<K extends MessageKind> = Omit<MessageByKind[K], "account" | "nonce" | "timestamp">;

/** An engagement log signed message by message, in seq order. */
class SignedLog {
  readonly lines: string[] = [];
  seq = 0;
  readonly #nonces = new Map<string, bigint>();
  readonly #policySeq = new Map<string, number>();
  readonly #domain = engagementDomain(DOMAIN.chainId, DOMAIN.verifyingContract);

  async add<K extends MessageKind>(kind: K, signer: LocalAccount, timestamp: number, fields: Fields<K>) {
    const account = a(signer);
    const nonce = (this.#nonces.get(account) ?? 0n) + 1n;
    this.#nonces.set(account, nonce);
    const message = { account, ...fields, timestamp: BigInt(timestamp), nonce } as MessageByKind[K];
    const signature = await signer.signTypedData({
      domain: this.#domain,
      types: engagementTypes,
      primaryType: kind as MessageKind,
      message: message as never,
    } as Parameters<LocalAccount["signTypedData"]>[0]);
    const seq = ++this.seq;
    if (kind === "Policy") this.#policySeq.set(account, seq);
    this.lines.push(
      exportLine({
        seq,
        kind,
        account,
        signer: account,
        nonce: nonce.toString(),
        json: canonicalMessage(kind, message),
        signature,
        timestamp,
        receivedAt: 0,
      }).trimEnd(),
    );
  }

  like(x: LocalAccount, postId: bigint, t: number) {
    return this.add("Like", x, t, { postId });
  }

  policy(
    x: LocalAccount,
    mode: PolicyMode,
    t: number,
    extra: { communities?: bigint[]; topics?: string[]; blockedPromoters?: Address[] } = {},
  ) {
    return this.add("Policy", x, t, {
      mode,
      communities: extra.communities ?? [],
      topics: extra.topics ?? [],
      blockedPromoters: extra.blockedPromoters ?? [],
    });
  }

  /** An impression of a campaign served to `viewer`, recording the viewer's policy in effect. */
  impression(viewer: LocalAccount, campaignId: bigint, postId: bigint, t: number, ttl = 3600) {
    return this.add("Impression", issuer, t, {
      viewer: a(viewer),
      campaignId,
      postId,
      price: AMP / 10n,
      policySeq: BigInt(this.#policySeq.get(a(viewer)) ?? 0),
      expiresAt: BigInt(t + ttl),
    });
  }

  view(x: LocalAccount, postId: bigint, t: number, campaignId = 0n, dwellMs = 5000) {
    return this.add("View", x, t, { postId, dwellMs, campaignId });
  }
}

/** Post ids: one per member in `members` order (1..8), and a second post by alice (9). */
const POSTS: VectorPost[] = [
  ...members.map((m, i) => ({
    id: String(i + 1),
    author: a(m),
    communityId: "1",
    topics: i % 2 === 0 ? ["news"] : ["art"],
    createdAt: T0,
  })),
  { id: "9", author: a(alice), communityId: "1", topics: ["art"], createdAt: T0 + DAY },
];
const postOf = (x: LocalAccount) => BigInt(members.indexOf(x) + 1);
const postIndex = (x: LocalAccount) => members.indexOf(x);

const COMMUNITY: VectorCommunity = {
  id: "1",
  founder: a(founder),
  moderators: [a(modOld), a(modNew)].sort() as Address[],
  // The old moderator became a seed a day before the facts block (7-day delay), the new one is not yet.
  appointedAt: { [a(modOld)]: AS_OF - 8 * DAY, [a(modNew)]: AS_OF - DAY },
};

/**
 * Ten days of organic engagement: members like, comment on, view and share each other's posts
 * in a fixed pattern (the founder's and the old moderator's posts draw the most), one pair likes
 * ten times in one day (the daily cap), and the stranger likes without being liked back.
 */
async function history(log: SignedLog): Promise<void> {
  for (const m of members) await log.policy(m, PolicyMode.Everyone, T0);
  for (let day = 0; day < 10; day++) {
    const t = T0 + day * DAY + 7200;
    for (let i = 0; i < members.length; i++) {
      const from = members[i] as LocalAccount;
      const to = members[(i + 1 + (day % 3)) % members.length] as LocalAccount;
      if (to === modNew && day < 8) continue;
      await log.like(from, postOf(to), t + i * 60);
      if ((day + i) % 4 === 0)
        await log.add("Comment", from, t + i * 60 + 30, { postId: postOf(to), text: "+1" });
      if ((day + i) % 5 === 0) await log.add("Share", from, t + i * 60 + 40, { postId: postOf(founder) });
      if (from !== modOld) await log.view(from, postOf(modOld), t + i * 60 + 50);
    }
    // The founder attends every member's posts: the trust the seeded walk spreads.
    for (const m of [alice, bob, carol, dave, erin])
      if ((day + postIndex(m)) % 2 === 0) await log.like(founder, postOf(m), t + 900);
  }
  for (let k = 0; k < 10; k++) await log.like(bob, postOf(alice), T0 + 3 * DAY + 100 + k);
  await log.like(stranger, postOf(founder), T0 + 5 * DAY);
  await log.policy(stranger, PolicyMode.Everyone, T0 + 5 * DAY);
}

interface Scenario {
  name: string;
  description: string;
  covers: string[];
  params: AttentionParams;
  epoch: number;
  fromSeq: number;
  log: SignedLog;
  campaigns: VectorCampaign[];
  previousCumulative?: Record<string, string>;
  previouslyPaid?: string[];
}

function campaign(
  id: bigint,
  postId: bigint,
  promoter: LocalAccount,
  remaining: bigint,
  expiresAt = T0 + 40 * DAY,
): VectorCampaign {
  return {
    id: id.toString(),
    postId: postId.toString(),
    promoter: a(promoter),
    remaining: remaining.toString(),
    expiresAt,
    createdAt: 0,
    refunded: false,
  };
}

/** Computes a scenario's epoch with the real code and returns the complete vector. */
export function vectorOf(s: Scenario): GoldenVector {
  const toSeq = s.log.seq;
  const vector: GoldenVector = {
    name: s.name,
    description: s.description,
    covers: s.covers,
    algorithm: ALGORITHM_VERSION,
    params: canonicalJson(s.params),
    paramsHash: paramsHash(s.params),
    domain: DOMAIN,
    impressionIssuers: [a(issuer)],
    input: {
      epoch: s.epoch,
      fromSeq: s.fromSeq,
      toSeq,
      blockNumber: String(100 + s.epoch),
      asOf: AS_OF + (s.epoch - 1) * DAY,
      log: [...s.log.lines],
      exportHash: exportOf(s.log.lines, s.fromSeq, toSeq).hash,
      posts: POSTS,
      communities: [COMMUNITY],
      campaigns: s.campaigns,
      previousCumulative: s.previousCumulative ?? {},
      previouslyPaid: s.previouslyPaid ?? [],
    },
    output: undefined as unknown as GoldenVector["output"],
  };
  vector.output = vectorOutput(computeEpoch(vectorInputs(vector)));
  return vector;
}

export async function goldenVectors(defaults: AttentionParams): Promise<GoldenVector[]> {
  const out: GoldenVector[] = [];

  // 1. Who a campaign may pay.
  const log = new SignedLog();
  await history(log);
  await log.policy(dave, PolicyMode.None, T0 + 9 * DAY);
  await log.policy(erin, PolicyMode.Everyone, T0 + 9 * DAY, { blockedPromoters: [a(bob)] });
  const c1 = 1n;
  const post1 = postOf(alice);
  const t = T_EPOCH;
  for (const v of [carol, dave, erin, modOld, modNew, stranger]) await log.impression(v, c1, post1, t);
  await log.view(carol, post1, t + 10, c1, 4000);
  await log.view(dave, post1, t + 10, c1);
  await log.view(erin, post1, t + 10, c1);
  await log.view(alice, post1, t + 10, c1);
  await log.view(bob, post1, t + 10, c1);
  await log.view(modOld, post1, t + 10, c1, 1200);
  await log.view(founder, post1, t + 10, c1);
  await log.view(modNew, post1, t + 3600 + 10, c1);
  await log.view(stranger, post1, t + 10, c1);
  // Campaign 2 expired before the epoch's receipts.
  await log.impression(carol, 2n, postOf(bob), T0 + 9 * DAY);
  await log.view(carol, postOf(bob), t + 20, 2n);
  const first = vectorOf({
    name: "who-is-paid",
    description:
      "One campaign on alice's post promoted by bob: carol is paid (4 s on screen); dave opted out (policy None) and erin blocks bob (policy); alice and bob are author and promoter; the old moderator looked too briefly; the founder has no impression; the new moderator's impression had expired; the stranger has no reputation (below floor). Campaign 2 had expired before carol's receipt.",
    covers: [
      "opt-out policy",
      "blocked promoter",
      "self-pay exclusion",
      "dwell too short",
      "impression missing",
      "impression expired",
      "below floor",
      "outside campaign",
      "seed delay",
      "paid attention",
    ],
    params: defaults,
    epoch: 1,
    fromSeq: 0,
    log,
    campaigns: [
      campaign(c1, post1, bob, 20n * AMP),
      campaign(2n, postOf(bob), erin, 5n * AMP, T0 + 9 * DAY + 7200),
    ],
  });
  out.push(first);

  // 2. The next epoch of the same world: a paid viewer is not paid again, dave opts back in.
  const fromSeq = log.seq;
  const t2 = T_EPOCH + DAY;
  await log.policy(dave, PolicyMode.Everyone, t2 - 600);
  await log.impression(dave, c1, post1, t2);
  await log.impression(carol, c1, post1, t2);
  await log.view(dave, post1, t2 + 10, c1);
  await log.view(carol, post1, t2 + 10, c1);
  await log.like(carol, post1, t2 + 20);
  out.push(
    vectorOf({
      name: "next-epoch",
      description:
        "Epoch 2 of who-is-paid: carol, paid in epoch 1, is not paid again (her like of the post she was paid to see adds no reputation); dave switched to Everyone and is paid; the Merkle leaves are the cumulative amounts.",
      covers: ["already paid", "cumulative leaves", "policy change", "paid attention"],
      params: defaults,
      epoch: 2,
      fromSeq,
      log,
      campaigns: [campaign(c1, post1, bob, 20n * AMP - BigInt(first.output.spends[0]?.amount ?? "0"))],
      previousCumulative: first.output.cumulative,
      previouslyPaid: first.output.decisions
        .filter((d) => d.reason === "paid")
        .map((d) => `${d.campaignId}:${d.account}`),
    }),
  );

  // 3. Budget shortfall: prices split pro rata, rounding down.
  const short = new SignedLog();
  await history(short);
  const viewers = [carol, dave, erin, founder, modOld];
  for (const v of viewers) await short.impression(v, 1n, post1, T_EPOCH);
  for (const v of viewers) await short.view(v, post1, T_EPOCH + 30, 1n);
  out.push(
    vectorOf({
      name: "budget-shortfall",
      description:
        "Five eligible viewers whose prices add up to more than the campaign may spend (1.234567890123456789 AMP): each is paid remaining * price / total, rounded down, and the spend never exceeds the budget.",
      covers: ["budget shortfall pro rata", "rounding", "pair daily cap"],
      params: defaults,
      epoch: 1,
      fromSeq: 0,
      log: short,
      campaigns: [campaign(1n, post1, bob, 1_234_567_890_123_456_789n)],
    }),
  );

  // 4. The per-viewer cap and the author's share.
  const capped = new SignedLog();
  await history(capped);
  const capCampaigns = [
    campaign(1n, postOf(alice), dave, 10n * AMP),
    campaign(2n, postOf(bob), erin, 10n * AMP),
    campaign(3n, postOf(carol), founder, 10n * AMP),
  ];
  for (const c of capCampaigns) {
    for (const v of [modOld, carol]) await capped.impression(v, BigInt(c.id), BigInt(c.postId), T_EPOCH);
  }
  for (const c of capCampaigns) {
    for (const v of [modOld, carol]) await capped.view(v, BigInt(c.postId), T_EPOCH + 40, BigInt(c.id));
  }
  out.push(
    vectorOf({
      name: "per-viewer-cap",
      description:
        "maxPaidCampaignsPerViewer = 2 and authorShareBps = 1000: the old moderator attends three campaigns and is paid by the first two (by campaign id), capReached by the third; carol is paid by two and is the author of the third's post; each post's author receives 10% of what its viewers were paid.",
      covers: ["per-viewer cap", "author share", "campaign order"],
      params: { ...defaults, maxPaidCampaignsPerViewer: 2, authorShareBps: 1000 },
      epoch: 1,
      fromSeq: 0,
      log: capped,
      campaigns: capCampaigns,
    }),
  );

  // 5. A promoter without reputation pays more for the same views.
  const promo = new SignedLog();
  await history(promo);
  await promo.policy(newcomer, PolicyMode.Everyone, T0 + 9 * DAY);
  const same = [carol, dave, erin];
  for (const c of [1n, 2n]) for (const v of same) await promo.impression(v, c, postOf(founder), T_EPOCH);
  for (const c of [1n, 2n]) for (const v of same) await promo.view(v, postOf(founder), T_EPOCH + 50, c);
  out.push(
    vectorOf({
      name: "low-reputation-promoter",
      description:
        "The same three viewers see the founder's post through two campaigns: campaign 1 promoted by the old moderator (reputable), campaign 2 by a newcomer with no reputation, who pays up to 1 + promoterWeight times as much per view.",
      covers: ["low-reputation promoter pays more", "viewer multiplier", "base price"],
      params: defaults,
      epoch: 1,
      fromSeq: 0,
      log: promo,
      campaigns: [
        campaign(1n, postOf(founder), modOld, 10n * AMP),
        campaign(2n, postOf(founder), newcomer, 10n * AMP),
      ],
    }),
  );
  return out;
}

/** Inputs of the det-math vector: edge cases, then values spread over each function's range. */
export function detMathVector(): DetMathVector {
  const r = rng(16);
  const spread = (n: number, f: () => number) => Array.from({ length: n }, f);
  const expIn = [
    -708,
    -745,
    -700.5,
    -1,
    -1e-9,
    -0,
    0,
    1e-300,
    0.5,
    1,
    Math.LN2,
    10,
    700,
    709,
    ...spread(40, () => (r() - 0.5) * 1400),
    ...spread(20, () => -r() * 2),
  ];
  const logIn = [
    5e-324,
    2.2250738585072014e-308,
    1e-300,
    0.1,
    0.5,
    1 - 2 ** -53,
    1,
    1 + 2 ** -52,
    Math.SQRT2,
    2,
    Math.E,
    10,
    1e300,
    ...spread(40, () => detExp((r() - 0.5) * 1400)),
    ...spread(20, () => r()),
  ];
  const log1pIn = [
    0,
    1e-300,
    2 ** -60,
    1e-12,
    1e-3,
    0.2,
    1,
    5,
    1e6,
    1e300,
    ...spread(40, () => r() * 10 ** (r() * 12 - 8)),
  ];
  const pairs = (xs: number[], f: (x: number) => number): [string, string][] =>
    xs.map((x) => [doubleBits(x), doubleBits(f(x))]);
  return {
    name: "det-math",
    description:
      "The deterministic exp, log and log1p of the epoch computation (docs/protocol.md, Deterministic arithmetic): each pair is an input and its exact result, as the 16 hex digits of IEEE-754 doubles.",
    exp: pairs(expIn, detExp),
    log: pairs(logIn, detLog),
    log1p: pairs(log1pIn, detLog1p),
  };
}
