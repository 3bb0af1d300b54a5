import { describe, expect, it } from "vitest";
import { PolicyMode } from "#protocol";
import { account, LogBuilder } from "./fixtures.ts";
import { SocialState } from "./policy.ts";

const V = account(0);
const P = account(1);
const Q = account(2);

function state(log: LogBuilder, order: "forward" | "reverse" = "forward") {
  const s = new SocialState();
  const entries = order === "forward" ? log.entries : [...log.entries].reverse();
  for (const e of entries) s.apply(e);
  return s;
}

describe("attention policy", () => {
  it("defaults to friends: mutual follows only", () => {
    const log = new LogBuilder();
    log.follow(V, P, 10);
    expect(state(log).allows(V, P, 1n, [])).toBe(false);
    log.follow(P, V, 11);
    expect(state(log).allows(V, P, 1n, [])).toBe(true);
    log.follow(V, P, 12, false);
    expect(state(log).allows(V, P, 1n, [])).toBe(false);
    // the latest by timestamp wins whatever the arrival order
    expect(state(log, "reverse").allows(V, P, 1n, [])).toBe(false);
  });

  it("applies none, communities, topics, everyone and blocked promoters", () => {
    const log = new LogBuilder();
    log.policy(V, PolicyMode.None, 1);
    expect(state(log).allows(V, P, 1n, [])).toBe(false);
    log.policy(V, PolicyMode.Communities, 2, { communities: [2n] });
    expect(state(log).allows(V, P, 1n, [])).toBe(false);
    expect(state(log).allows(V, P, 2n, [])).toBe(true);
    log.policy(V, PolicyMode.Topics, 3, { topics: ["Music"] });
    expect(state(log).allows(V, P, 1n, ["music"])).toBe(true);
    expect(state(log).allows(V, P, 1n, ["art"])).toBe(false);
    log.policy(V, PolicyMode.Everyone, 4, { blockedPromoters: [Q] });
    expect(state(log).allows(V, P, 1n, [])).toBe(true);
    expect(state(log).allows(V, Q, 1n, [])).toBe(false);
    expect(state(log, "reverse").policyOf(V).mode).toBe(PolicyMode.Everyone);
  });
});
