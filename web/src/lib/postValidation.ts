import { byteLength, MAX_TEXT_BYTES, MAX_TOPIC_BYTES, MAX_TOPICS, parseTopics } from "./format.ts";

export interface PostDraft {
  communityId: string;
  topicsText: string;
  text: string;
  /** Images attached: the text may then be empty. */
  hasMedia?: boolean;
}

export interface PostDraftErrors {
  community?: string;
  topics?: string;
  text?: string;
}

/** The contract's rules for a post, checked before asking the wallet. */
export function validatePost(draft: PostDraft): { errors: PostDraftErrors; topics: string[]; bytes: number } {
  const errors: PostDraftErrors = {};
  const topics = parseTopics(draft.topicsText);
  const bytes = byteLength(draft.text);
  if (!draft.communityId) errors.community = "Choose a community.";
  if (topics.length > MAX_TOPICS) errors.topics = `At most ${MAX_TOPICS} topics.`;
  else if (topics.some((t) => byteLength(t) > MAX_TOPIC_BYTES))
    errors.topics = `Each topic is at most ${MAX_TOPIC_BYTES} bytes.`;
  if (!draft.text.trim() && !draft.hasMedia) errors.text = "Write something.";
  else if (bytes > MAX_TEXT_BYTES) errors.text = `Too long: ${bytes} of ${MAX_TEXT_BYTES} bytes.`;
  return { errors, topics, bytes };
}
