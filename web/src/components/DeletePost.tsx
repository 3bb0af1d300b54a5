import { useState } from "react";
import { useDeletePost } from "../hooks/social.ts";
import { Button } from "./ui/Button.tsx";
import { ErrorAlert } from "./ui/States.tsx";

/**
 * The author's Delete, asked twice: the post disappears from AMP (every list, search and its
 * page), while the chain's record of it stays as it is.
 */
export function DeletePost({ postId, onDeleted }: { postId: string; onDeleted: () => void }) {
  const [asking, setAsking] = useState(false);
  const del = useDeletePost(postId);
  if (!asking) {
    return (
      <Button size="sm" variant="ghost" data-testid="delete-post" onClick={() => setAsking(true)}>
        Delete
      </Button>
    );
  }
  return (
    <section className="stack" aria-label="Delete this post" data-testid="delete-post-confirm">
      <p className="small">
        Delete this post? It disappears from streams, search and its page; the record on the chain stays.
      </p>
      <div className="row">
        <Button
          size="sm"
          variant="primary"
          loading={del.isPending}
          data-testid="delete-post-submit"
          onClick={() => del.remove(onDeleted)}
        >
          Delete post
        </Button>
        <Button size="sm" variant="ghost" onClick={() => setAsking(false)}>
          Cancel
        </Button>
      </div>
      <ErrorAlert error={del.error} />
    </section>
  );
}
