/** Pieces of conversations: what a post replies to or quotes, the reply and quote composers, the notifications link. */
import { useState } from "react";
import { useConnection } from "wagmi";
import { useConversationTx, useUnreadCount } from "../hooks/social.ts";
import { useWalletReady } from "../hooks/wallet.ts";
import { byteLength, MAX_TEXT_BYTES } from "../lib/format.ts";
import type { Post } from "../lib/graphql/types.ts";
import { href } from "../lib/router.ts";
import { AddressLink } from "./ui/Address.tsx";
import { Button } from "./ui/Button.tsx";
import { ErrorAlert } from "./ui/States.tsx";

/** "Replying to …" and the quoted post, each with a link to the original. */
export function PostContext({ post }: { post: Post }) {
  return (
    <>
      {post.parent && (
        <div className="muted small" data-testid="replying-to">
          Replying to <AddressLink address={post.parent.author} /> ·{" "}
          <a href={href({ name: "post", id: post.parent.id })}>post #{post.parent.id}</a>
        </div>
      )}
      {post.quoted && (
        <a
          className="card quoted"
          href={href({ name: "post", id: post.quoted.id })}
          data-testid="quoted-post"
        >
          <span className="muted small">
            Quoting post #{post.quoted.id} by <span className="mono">{post.quoted.author.slice(0, 10)}…</span>
          </span>
          <span className="post-text small">{post.quoted.text}</span>
        </a>
      )}
    </>
  );
}

function TextComposer({
  label,
  placeholder,
  submitLabel,
  testId,
  onSubmit,
  pending,
  error,
}: {
  label: string;
  placeholder: string;
  submitLabel: string;
  testId: string;
  onSubmit: (text: string, clear: () => void) => void;
  pending: boolean;
  error: unknown;
}) {
  const [text, setText] = useState("");
  const { address } = useConnection();
  const wallet = useWalletReady();
  const tooLong = byteLength(text) > MAX_TEXT_BYTES;
  const cannot = !address || !wallet.ready;
  return (
    <form
      className="stack"
      onSubmit={(e) => {
        e.preventDefault();
        if (!text.trim() || tooLong || cannot) return;
        onSubmit(text.trim(), () => setText(""));
      }}
    >
      <label className="sr-only" htmlFor={`${testId}-input`}>
        {label}
      </label>
      <textarea
        id={`${testId}-input`}
        className="textarea"
        value={text}
        onChange={(e) => setText(e.target.value)}
        aria-invalid={tooLong}
        placeholder={placeholder}
        data-testid={`${testId}-input`}
      />
      {tooLong && <span className="hint-error">At most {MAX_TEXT_BYTES} bytes.</span>}
      <div className="row">
        <Button
          type="submit"
          size="sm"
          variant="primary"
          loading={pending}
          disabled={!text.trim() || tooLong || cannot}
          title={address ? wallet.hint : "Connect a wallet to post"}
          data-testid={`${testId}-submit`}
        >
          {submitLabel}
        </Button>
      </div>
      <ErrorAlert error={error} />
    </form>
  );
}

/** A reply to `parentId`, published on chain in the parent's community. */
export function ReplyComposer({ parentId, onDone }: { parentId: string; onDone?: () => void }) {
  const tx = useConversationTx();
  return (
    <TextComposer
      label="Your reply"
      placeholder="Write a reply"
      submitLabel="Reply"
      testId={`reply-${parentId}`}
      pending={tx.isPending}
      error={tx.error}
      onSubmit={(text, clear) =>
        tx.mutate(
          { kind: "reply", parentId, text },
          {
            onSuccess: () => {
              clear();
              onDone?.();
            },
          },
        )
      }
    />
  );
}

/** A post of your own quoting `post`, in its community. */
export function QuoteComposer({ post, onDone }: { post: Post; onDone: () => void }) {
  const tx = useConversationTx();
  return (
    <TextComposer
      label="Your comment on the quoted post"
      placeholder="Add your take"
      submitLabel="Publish quote"
      testId="quote"
      pending={tx.isPending}
      error={tx.error}
      onSubmit={(text, clear) =>
        tx.mutate(
          { kind: "quote", quotedId: post.id, communityId: post.community.id, text },
          {
            onSuccess: () => {
              clear();
              onDone();
            },
          },
        )
      }
    />
  );
}

/** The header's link to notifications, with the unread count. */
export function NotificationsLink() {
  const unread = useUnreadCount();
  const n = unread.data ?? 0;
  return (
    <a
      className="badge"
      href={href({ name: "notifications" })}
      data-testid="notifications-link"
      aria-label={n > 0 ? `Notifications, ${n} unread` : "Notifications"}
    >
      <svg width="14" height="14" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
        <path
          fill="currentColor"
          d="M12 22a2.5 2.5 0 0 0 2.5-2.5h-5A2.5 2.5 0 0 0 12 22Zm7-6v-5a7 7 0 0 0-5.5-6.84V3a1.5 1.5 0 0 0-3 0v1.16A7 7 0 0 0 5 11v5l-2 2v1h18v-1Z"
        />
      </svg>{" "}
      {n > 0 && (
        <span className="badge badge-amp" data-testid="unread-count">
          {n > 999 ? "999+" : n}
        </span>
      )}
    </a>
  );
}
