import { type Address, getAddress, isAddress } from "viem";
import { MESSAGE_LIMITS, PolicyMode } from "#protocol";
import { byteLength, parseTopics } from "./format.ts";
import type { Policy } from "./graphql/types.ts";

export { PolicyMode };

export const POLICY_MODES: { mode: PolicyMode; label: string; hint: string }[] = [
  { mode: PolicyMode.None, label: "None", hint: "Never show me amplified posts." },
  {
    mode: PolicyMode.Friends,
    label: "Friends",
    hint: "Only posts amplified by people I follow who follow me back.",
  },
  {
    mode: PolicyMode.Communities,
    label: "Chosen communities",
    hint: "Amplified posts in the communities I pick.",
  },
  { mode: PolicyMode.Topics, label: "Chosen topics", hint: "Amplified posts on the topics I pick." },
  {
    mode: PolicyMode.Everyone,
    label: "Everyone",
    hint: "Any amplified post (you can still block promoters).",
  },
];

export interface PolicyForm {
  mode: PolicyMode;
  communities: string[];
  topicsText: string;
  blockedText: string;
}

export interface PolicyFields {
  mode: PolicyMode;
  communities: bigint[];
  topics: string[];
  blockedPromoters: Address[];
}

export function policyFormFrom(policy: Policy | null | undefined): PolicyForm {
  if (!policy) return { mode: PolicyMode.Friends, communities: [], topicsText: "", blockedText: "" };
  return {
    mode: policy.mode as PolicyMode,
    communities: policy.communities.map(String),
    topicsText: policy.topics.join(", "),
    blockedText: policy.blockedPromoters.join("\n"),
  };
}

/** Turns the editor's state into Policy message fields, or says what is wrong. */
export function policyFieldsFrom(form: PolicyForm): { fields: PolicyFields | null; error: string | null } {
  const max = MESSAGE_LIMITS.policyListItems;
  const topics = form.mode === PolicyMode.Topics ? parseTopics(form.topicsText) : [];
  const communities = form.mode === PolicyMode.Communities ? form.communities.map((c) => BigInt(c)) : [];
  const blockedRaw = form.blockedText.split(/[\s,]+/).filter(Boolean);
  const bad = blockedRaw.find((a) => !isAddress(a));
  if (bad) return { fields: null, error: `"${bad}" is not an address.` };
  const blockedPromoters = [...new Set(blockedRaw.map((a) => getAddress(a)))];
  if (form.mode === PolicyMode.Communities && communities.length === 0) {
    return { fields: null, error: "Pick at least one community." };
  }
  if (form.mode === PolicyMode.Topics && topics.length === 0)
    return { fields: null, error: "Name at least one topic." };
  if (topics.some((t) => byteLength(t) > MESSAGE_LIMITS.topicBytes)) {
    return { fields: null, error: `Topics are at most ${MESSAGE_LIMITS.topicBytes} bytes.` };
  }
  if (topics.length > max || communities.length > max || blockedPromoters.length > max) {
    return { fields: null, error: `At most ${max} items per list.` };
  }
  return { fields: { mode: form.mode, communities, topics, blockedPromoters }, error: null };
}
