import { describe, expect, it } from "vitest";
import { PolicyMode } from "#protocol";
import { account, campaign, community, LogBuilder, post, rng } from "./fixtures.ts";
import type { CampaignInfo } from "./log.ts";
import { AttentionModel } from "./model.ts";
import { DEFAULT_PARAMS } from "./params.ts";
import { rankStream } from "./ranking.ts";

const NOW = 1_700_000_000;
const DAY = 86_400;
const ACCOUNTS = 60;
const POSTS = 150;

/** A small world with every signal the stream reads: engagement, follows, policies and campaigns. */
function world(seed: number) {
  const r = rng(seed);
  const pick = (n: number) => Math.floor(r() * n);
  const model = new AttentionModel(DEFAULT_PARAMS, { rebuildMs: 0 });
  model.setCommunities([1n, 2n, 3n].map((id) => community(id, account(Number(id)), [account(10)])));
  for (let id = 1; id <= POSTS; id++) {
    const author = account(Math.floor(r() * r() * ACCOUNTS));
    model.addPost(post(BigInt(id), author, BigInt(1 + (id % 3)), NOW - (POSTS - id) * 3000, [`t${id % 4}`]));
  }
  const log = new LogBuilder();
  const modes = [
    PolicyMode.Everyone,
    PolicyMode.Friends,
    PolicyMode.Communities,
    PolicyMode.Topics,
    PolicyMode.None,
  ];
  for (let i = 0; i < ACCOUNTS; i++) {
    log.policy(account(i), modes[i % modes.length] as PolicyMode, NOW - 5 * DAY, {
      communities: [BigInt(1 + (i % 3))],
      topics: [`t${i % 4}`],
    });
  }
  for (let i = 0; i < 150; i++)
    log.follow(account(pick(ACCOUNTS)), account(pick(ACCOUNTS)), NOW - pick(5 * DAY));
  const kinds = ["View", "Like", "Comment", "Share"] as const;
  for (let i = 0; i < 3000; i++) {
    const postId = BigInt(POSTS - Math.floor(r() * r() * POSTS));
    const t = NOW - pick(6 * DAY);
    log.engage(kinds[pick(kinds.length)] ?? "View", account(pick(ACCOUNTS)), postId, t);
  }
  for (const e of log.entries) model.addEntry(e);
  const campaigns: CampaignInfo[] = Array.from({ length: 14 }, (_, i) => {
    const c = campaign(
      BigInt(i + 1),
      BigInt(i % 2 === 0 ? POSTS - pick(20) : 1 + pick(POSTS)),
      account(pick(ACCOUNTS)),
      i % 7 === 3 ? 0n : 10n ** 18n * BigInt(1 + pick(40)),
      i % 5 === 4 ? NOW - 1 : NOW + 10 * DAY,
    );
    return i % 6 === 5 ? { ...c, refunded: true } : c;
  });
  return { model, campaigns, log };
}

describe("attention model stream", () => {
  it("ranks exactly as rankStream over the same inputs, whatever the viewer, scope and page size", () => {
    const { model, campaigns } = world(11);
    const viewers = [...Array.from({ length: ACCOUNTS }, (_, i) => account(i)), account(999)];
    let amplified = 0;
    let withContacts = 0;
    for (const communityId of [null, 2n]) {
      for (const viewer of viewers) {
        const query = { viewer, communityId, now: NOW, campaigns, candidates: 40 };
        const reference = rankStream(model.streamInputs(query));
        const limit = 1 + (viewers.indexOf(viewer) % 25);
        const { items, total } = model.stream({ ...query, limit });
        expect(total).toBe(reference.length);
        expect(items).toEqual(reference.slice(0, limit));
        // Upper-case input names the same viewer.
        expect(
          model.stream({ ...query, viewer: viewer.toUpperCase().replace("0X", "0x"), limit }).items,
        ).toEqual(items);
        amplified += items.filter((i) => i.amplified).length;
        const inputs = model.streamInputs(query);
        withContacts += inputs.posts.filter((p) => inputs.contactsAttention(p.id) > 0).length;
      }
    }
    // Campaigns never enter the score: the impression allocator places amplified items.
    expect(amplified).toBe(0);
    expect(withContacts).toBeGreaterThan(0);
    expect(model.stream({ viewer: account(0), now: NOW, campaigns, candidates: 40 }).items.length).toBe(
      rankStream(model.streamInputs({ viewer: account(0), now: NOW, campaigns, candidates: 40 })).length,
    );
  });

  it("hands each caller a ranking of its own that later rankings leave untouched", () => {
    const { model, campaigns } = world(5);
    const query = { now: NOW, campaigns, candidates: 120 };
    const first = model.rank({ ...query, viewer: account(1) });
    const firstPage = model.page(first, 0, 20);
    const copy = {
      scores: first.scores.slice(),
      organic: first.organic.slice(),
      choice: first.choice.slice(),
    };
    for (let v = 2; v < 12; v++) model.rank({ ...query, viewer: account(v) });
    expect(first.scores).toEqual(copy.scores);
    expect(first.organic).toEqual(copy.organic);
    expect(first.choice).toEqual(copy.choice);
    expect(model.page(first, 0, 20)).toEqual(firstPage);
  });

  it("sees new posts, new engagement and new campaigns on the next request", () => {
    const { model, campaigns, log } = world(12);
    const viewer = account(7);
    const query = { viewer, now: NOW, campaigns, candidates: 30 };
    const before = model.stream(query);
    model.addPost(post(BigInt(POSTS + 1), account(3), 1n, NOW));
    const withPost = model.stream(query);
    // The newest post takes a candidate slot from the oldest of the recent ones.
    expect(withPost.total).toBeGreaterThanOrEqual(before.total);
    expect(withPost.items.some((i) => i.post.id === BigInt(POSTS + 1))).toBe(true);
    expect(before.items.some((i) => i.post.id === BigInt(POSTS + 1))).toBe(false);

    // The viewer starts attending to one author: the reference and the fast path move together.
    const author = account(20);
    model.addPost(post(BigInt(POSTS + 2), author, 2n, NOW - DAY));
    for (let k = 0; k < 5; k++) model.addEntry(log.engage("Like", viewer, BigInt(POSTS + 2), NOW - k));
    const after = model.stream(query);
    expect(after.items).toEqual(rankStream(model.streamInputs(query)));

    const boosted = campaign(99n, 5n, account(8), 10n ** 21n);
    const more = [...campaigns, boosted];
    model.addEntry(log.everyone(viewer, NOW));
    const withCampaign = model.stream({ ...query, campaigns: more });
    const item = withCampaign.items.find((i) => i.post.id === 5n);
    expect(item).toMatchObject({ amplified: false, campaignId: null });
    expect(withCampaign.items).toEqual(rankStream(model.streamInputs({ ...query, campaigns: more })));
  });
});
