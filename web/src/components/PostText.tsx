import type { Post } from "../lib/graphql/types.ts";
import { href } from "../lib/router.ts";

type Mention = NonNullable<Post["mentions"]>[number];

/** Splits `text` at its mentions (offsets from the indexer, in UTF-16 code units), in order. */
export function splitMentions(text: string, mentions: readonly Mention[]) {
  const parts: Array<{ text: string; account?: string }> = [];
  let at = 0;
  for (const m of [...mentions].sort((a, b) => a.start - b.start)) {
    if (m.start < at || m.start + m.length > text.length) continue;
    if (m.start > at) parts.push({ text: text.slice(at, m.start) });
    parts.push({ text: text.slice(m.start, m.start + m.length), account: m.account });
    at = m.start + m.length;
  }
  if (at < text.length) parts.push({ text: text.slice(at) });
  return parts;
}

/** A post's text with each mention (`@Name` or `@0x…`) a link to the mentioned account's profile. */
export function PostText({ post }: { post: Pick<Post, "text" | "mentions"> }) {
  const parts = splitMentions(post.text, post.mentions ?? []);
  return (
    <p className="post-text">
      {parts.map((p, i) =>
        p.account ? (
          <a
            // biome-ignore lint/suspicious/noArrayIndexKey: parts are fixed for a given text
            key={i}
            className="mention"
            href={href({ name: "profile", address: p.account })}
            title={p.account}
            data-testid="mention"
            data-address={p.account}
          >
            {p.text}
          </a>
        ) : (
          // biome-ignore lint/suspicious/noArrayIndexKey: parts are fixed for a given text
          <span key={i}>{p.text}</span>
        ),
      )}
    </p>
  );
}
