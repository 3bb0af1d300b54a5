import { useComments } from "../hooks/indexer.ts";
import { timeAgo } from "../lib/format.ts";
import { AddressLink } from "./ui/Address.tsx";

/** The latest comments of a post, from the engagement log. */
export function Comments({ postId }: { postId: string }) {
  const comments = useComments(postId);
  if (comments.isPending) return <span className="muted small">Loading comments…</span>;
  if (comments.isError) return <span className="hint-error">Comments could not be loaded.</span>;
  if (comments.data.length === 0) return <span className="muted small">No comments yet.</span>;
  return (
    <ul className="list" data-testid="comments">
      {comments.data.map((c) => (
        <li key={c.seq} className="small">
          <AddressLink address={c.author} /> <span className="muted">{timeAgo(c.timestamp)}</span>
          <div style={{ overflowWrap: "anywhere" }}>{c.text}</div>
        </li>
      ))}
    </ul>
  );
}
