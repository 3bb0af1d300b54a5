import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { useConnection } from "wagmi";
import { useReputation } from "../hooks/indexer.ts";
import { useEngage } from "../hooks/session.ts";
import { useToggleLike, useViewerState } from "../hooks/social.ts";
import { useWalletReady } from "../hooks/wallet.ts";
import { byteLength, MAX_TEXT_BYTES, plural, reputationStanding, timeAgo } from "../lib/format.ts";
import type { CampaignRef, Post } from "../lib/graphql/types.ts";
import { href } from "../lib/router.ts";
import { AmplifyDialog } from "./AmplifyDialog.tsx";
import { useOpenAmplify } from "./AmplifyHost.tsx";
import { Comments } from "./Comments.tsx";
import { PostContext, QuoteComposer } from "./Conversation.tsx";
import { DeletePost } from "./DeletePost.tsx";
import { PostMedia } from "./PostMedia.tsx";
import { PostText } from "./PostText.tsx";
import { PostEarning } from "./rewards/PendingEarnings.tsx";
import { AddressLink, Avatar } from "./ui/Address.tsx";
import { Button } from "./ui/Button.tsx";
import { ErrorAlert } from "./ui/States.tsx";

export interface PostCardProps {
  post: Post;
  amplified?: boolean;
  campaign?: CampaignRef | null;
  viewRef?: (el: HTMLElement | null) => void;
  /** The viewer's View receipt for this slot was accepted. */
  viewed?: boolean;
}

export function AuthorReputation({ author, community }: { author: string; community: string }) {
  const rep = useReputation(author, community);
  if (rep.isError) return null;
  const standing = rep.data ? reputationStanding(rep.data) : null;
  return (
    <span
      className="badge"
      data-testid="author-reputation"
      data-rank={rep.data?.rank ?? ""}
      title={standing ? `Author's reputation: ${standing.detail}` : "Author's reputation in this community"}
    >
      {standing ? standing.label : "Rep …"}
    </span>
  );
}

export function AmplifiedBadge({ campaign }: { campaign: CampaignRef | null | undefined }) {
  return (
    <span className="row small">
      <span className="badge badge-amp" data-testid="amplified-badge">
        Amplified
      </span>
      {campaign && (
        <span className="muted">
          by <AddressLink address={campaign.promoter} /> · campaign #{campaign.id}
        </span>
      )}
    </span>
  );
}

export function PostCard({
  post,
  amplified = false,
  campaign = null,
  viewRef,
  viewed = false,
}: PostCardProps) {
  const { address } = useConnection();
  const engage = useEngage();
  const queryClient = useQueryClient();
  // The viewer's like and repost as the indexer has them, then as the viewer toggled them here;
  // a count is shown moved by the toggle until the indexer's count catches up.
  const viewer = useViewerState(post.id);
  const toggleLike = useToggleLike(post.id);
  const [likeToggle, setLikeToggle] = useState<{ liked: boolean; base: number } | null>(null);
  const [sharedAt, setSharedAt] = useState<number | null>(null);
  const [quoting, setQuoting] = useState(false);
  const [deleted, setDeleted] = useState(false);
  useEffect(() => {
    if (likeToggle && post.likes !== likeToggle.base) setLikeToggle(null);
  }, [post.likes, likeToggle]);
  const [commentsSent, setCommentsSent] = useState<{ base: number; sent: number }>({ base: 0, sent: 0 });
  const serverLiked = viewer.data?.liked ?? false;
  const liked = likeToggle ? likeToggle.liked : serverLiked;
  const likeCount = likeToggle ? Math.max(0, likeToggle.base + (likeToggle.liked ? 1 : -1)) : post.likes;
  const shared = sharedAt !== null || (viewer.data?.shared ?? false);
  const repostCount = sharedAt !== null ? Math.max(post.shares, sharedAt + 1) : post.shares;
  const after = (base: number | null, now: number, added = 1) =>
    base === null ? now : Math.max(now, base + added);
  const [commenting, setCommenting] = useState(false);
  const [comment, setComment] = useState("");
  const [amplifying, setAmplifying] = useState(false);
  const openAmplify = useOpenAmplify();
  const wallet = useWalletReady();
  const disabledTitle = address ? wallet.hint : "Connect a wallet to engage";
  const cannot = !address || !wallet.ready;
  const postId = BigInt(post.id);
  const commentTooLong = byteLength(comment) > MAX_TEXT_BYTES;
  const own = Boolean(address) && address?.toLowerCase() === post.author.toLowerCase();

  if (deleted) {
    return (
      <article
        className="card post"
        data-testid="post-deleted"
        data-post-id={post.id}
        aria-label={`Post ${post.id}, deleted`}
      >
        <p className="muted">You deleted this post. It no longer shows on AMP.</p>
      </article>
    );
  }

  return (
    <article
      ref={viewRef}
      className={`card post${amplified ? " post-amplified" : ""}`}
      data-testid="post-card"
      data-post-id={post.id}
      data-amplified={amplified}
      data-viewed={viewed}
      aria-label={`Post ${post.id} by ${post.author}`}
    >
      {amplified && <AmplifiedBadge campaign={campaign} />}
      {amplified && campaign && address && <PostEarning account={address} campaignId={campaign.id} />}
      <div className="post-head">
        <Avatar address={post.author} />
        <div className="post-meta">
          <AddressLink address={post.author} className="post-author mono" />
          <a href={href({ name: "community", id: post.community.id })}>{post.community.name}</a>
          <a href={href({ name: "post", id: post.id })} data-testid="post-permalink" title="Open the post">
            {timeAgo(post.createdAt)}
          </a>
          <AuthorReputation author={post.author} community={post.community.id} />
        </div>
      </div>
      <PostContext post={post} />
      {post.text && <PostText post={post} />}
      <PostMedia media={post.media} postId={post.id} />
      {post.topics.length > 0 && (
        <div className="row">
          {post.topics.map((t) => (
            <span key={t} className="chip">
              #{t}
            </span>
          ))}
        </div>
      )}
      <div className="row-between">
        <div className="post-actions">
          <Button
            size="sm"
            aria-pressed={liked}
            disabled={cannot || toggleLike.isPending}
            title={disabledTitle}
            data-testid="like-button"
            data-liked={liked}
            aria-label={`${liked ? "♥" : "♡"} ${likeCount}: ${liked ? "unlike" : "like"} (${plural(likeCount, "like")})`}
            onClick={() => {
              // Shown toggled once the indexer accepted the message (a refusal leaves it as it was).
              const base = post.likes;
              toggleLike.toggle(liked, () => setLikeToggle({ liked: !liked, base }));
            }}
          >
            {liked ? "♥" : "♡"} {likeCount}
          </Button>
          <Button
            size="sm"
            aria-expanded={commenting}
            disabled={cannot}
            title={disabledTitle}
            data-testid="comment-button"
            onClick={() => setCommenting((v) => !v)}
          >
            Comment{" "}
            {commentsSent.sent === 0
              ? post.commentCount
              : after(commentsSent.base, post.commentCount, commentsSent.sent)}
          </Button>
          <Button
            size="sm"
            aria-pressed={shared}
            disabled={cannot || shared}
            title={shared ? "You reposted this post" : disabledTitle}
            data-testid="share-button"
            aria-label={`Repost ${repostCount} (${plural(repostCount, "repost")})`}
            onClick={() =>
              engage.mutate(
                { kind: "Share", fields: { postId }, account: address },
                { onSuccess: () => setSharedAt(post.shares) },
              )
            }
          >
            Repost {repostCount}
          </Button>
          <a className="btn btn-sm" href={href({ name: "post", id: post.id })} data-testid="reply-link">
            Reply {post.replyCount ?? 0}
          </a>
          <Button
            size="sm"
            aria-expanded={quoting}
            disabled={cannot}
            title={disabledTitle}
            data-testid="quote-button"
            onClick={() => setQuoting((v) => !v)}
          >
            Quote
          </Button>
          <Button
            size="sm"
            variant="primary"
            disabled={cannot}
            title={disabledTitle}
            data-testid="amplify-button"
            onClick={() => (openAmplify ? openAmplify(post) : setAmplifying(true))}
          >
            Amplify
          </Button>
          {own && wallet.ready && <DeletePost postId={post.id} onDeleted={() => setDeleted(true)} />}
        </div>
        <span className="muted small" title={`${post.views} organic, ${post.boughtViews} amplified`}>
          {plural(post.views + post.boughtViews, "view")}
        </span>
      </div>
      {quoting && <QuoteComposer post={post} onDone={() => setQuoting(false)} />}
      {commenting && <Comments postId={post.id} />}
      {commenting && (
        <form
          className="stack"
          onSubmit={(e) => {
            e.preventDefault();
            if (!comment.trim() || commentTooLong) return;
            engage.mutate(
              { kind: "Comment", fields: { postId, text: comment.trim() }, account: address },
              {
                onSuccess: () => {
                  setComment("");
                  setCommentsSent((c) => ({
                    base: c.sent === 0 ? post.commentCount : c.base,
                    sent: c.sent + 1,
                  }));
                  queryClient.invalidateQueries({ queryKey: ["indexer", "comments", post.id] });
                },
              },
            );
          }}
        >
          <label className="sr-only" htmlFor={`comment-${post.id}`}>
            Your comment
          </label>
          <textarea
            id={`comment-${post.id}`}
            className="textarea"
            value={comment}
            onChange={(e) => setComment(e.target.value)}
            aria-invalid={commentTooLong}
            placeholder="Write a comment"
            data-testid="comment-input"
          />
          <div className="row">
            <Button
              type="submit"
              size="sm"
              variant="primary"
              loading={engage.isPending}
              disabled={!comment.trim() || commentTooLong || cannot}
            >
              Send comment
            </Button>
          </div>
        </form>
      )}
      <ErrorAlert error={engage.error ?? toggleLike.error} />
      {amplifying && <AmplifyDialog post={post} onClose={() => setAmplifying(false)} />}
    </article>
  );
}
