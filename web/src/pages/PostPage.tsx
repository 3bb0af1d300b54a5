/** A post's own page (`#/p/<id>`): permalink and copy-link, what it replies to, its thread of replies. */
import { useState } from "react";
import { ReplyComposer } from "../components/Conversation.tsx";
import { PostCard } from "../components/PostCard.tsx";
import { Button } from "../components/ui/Button.tsx";
import { Empty, ErrorState, Loading } from "../components/ui/States.tsx";
import { usePostThread } from "../hooks/social.ts";
import type { ThreadPost } from "../lib/graphql/social.ts";
import { href } from "../lib/router.ts";

function CopyLink({ id }: { id: string }) {
  const [copied, setCopied] = useState<"yes" | "failed" | null>(null);
  const url = `${window.location.origin}${window.location.pathname}${href({ name: "post", id })}`;
  return (
    <span className="row small">
      <a href={href({ name: "post", id })} className="mono" data-testid="permalink">
        {url}
      </a>
      <Button
        size="sm"
        data-testid="copy-link"
        onClick={() =>
          navigator.clipboard
            .writeText(url)
            .then(() => setCopied("yes"))
            .catch(() => setCopied("failed"))
        }
      >
        Copy link
      </Button>
      {copied && (
        <span role="status" data-testid="copy-link-status">
          {copied === "yes" ? "Link copied" : "Copy failed: select the link above"}
        </span>
      )}
    </span>
  );
}

/** Replies below `parentId`, each followed by its own replies, indented. */
function Replies({
  parentId,
  byParent,
  depth,
}: {
  parentId: string;
  byParent: Map<string, ThreadPost[]>;
  depth: number;
}) {
  const [replying, setReplying] = useState<string | null>(null);
  const children = byParent.get(parentId) ?? [];
  if (children.length === 0) return null;
  return (
    <ul
      className="list thread"
      data-testid={`replies-${parentId}`}
      style={{ paddingLeft: depth > 0 ? 20 : 0 }}
    >
      {children.map((reply) => (
        <li key={reply.id} className="stack" data-testid="thread-reply" data-depth={depth}>
          <PostCard post={reply} />
          <div className="row">
            <Button
              size="sm"
              variant="ghost"
              aria-expanded={replying === reply.id}
              onClick={() => setReplying((r) => (r === reply.id ? null : reply.id))}
              data-testid="reply-to-reply"
            >
              Reply to this
            </Button>
          </div>
          {replying === reply.id && <ReplyComposer parentId={reply.id} onDone={() => setReplying(null)} />}
          <Replies parentId={reply.id} byParent={byParent} depth={depth + 1} />
        </li>
      ))}
    </ul>
  );
}

export function PostPage({ id }: { id: string }) {
  const thread = usePostThread(id);
  if (thread.isPending) return <Loading />;
  if (thread.isError) return <ErrorState error={thread.error} onRetry={() => thread.refetch()} />;
  const { post, thread: replies } = thread.data;
  if (!post) {
    return (
      <Empty title={`No post #${id}`}>
        <p className="muted">It does not exist, or its author deleted it.</p>
        <a href={href({ name: "stream", community: null })}>Back to the stream</a>
      </Empty>
    );
  }
  const byParent = new Map<string, ThreadPost[]>();
  for (const r of replies) {
    const parent = r.parent?.id ?? post.id;
    byParent.set(parent, [...(byParent.get(parent) ?? []), r]);
  }
  return (
    <div className="stack-lg" data-testid="post-page">
      <div className="row-between">
        <h1>Post #{post.id}</h1>
        <CopyLink id={post.id} />
      </div>
      {post.parent && (
        <a href={href({ name: "post", id: post.parent.id })} data-testid="parent-link">
          ↑ In reply to post #{post.parent.id}
        </a>
      )}
      <PostCard post={post} />
      <section className="card stack">
        <h2>Reply</h2>
        <ReplyComposer parentId={post.id} />
      </section>
      <section className="stack" aria-label="Replies">
        <h2>{replies.length === 1 ? "1 reply" : `${replies.length} replies`}</h2>
        <Replies parentId={post.id} byParent={byParent} depth={0} />
      </section>
    </div>
  );
}
