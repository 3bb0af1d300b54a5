import { useEffect, useRef } from "react";
import { useViewReceipts, type ViewTarget, viewKey } from "../hooks/viewReceipts.ts";
import type { CampaignRef, Post } from "../lib/graphql/types.ts";
import { PostCard } from "./PostCard.tsx";
import { Button } from "./ui/Button.tsx";
import { Empty, ErrorState, SkeletonCard } from "./ui/States.tsx";

export interface PostListItem {
  post: Post;
  amplified?: boolean;
  campaign?: CampaignRef | null;
}

/** The parts of an infinite query (TanStack's `useInfiniteQuery` result) the list needs. */
export interface PostListQuery {
  status: "pending" | "error" | "success";
  error: unknown;
  refetch: () => unknown;
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => unknown;
}

export interface PostListProps {
  items: PostListItem[];
  query: PostListQuery;
  /** Send view receipts for posts that stay on screen. */
  sendViews?: boolean;
  emptyTitle?: string;
  emptyText?: string;
}

/** Posts with infinite scroll: a sentinel near the end loads the next page. */
export function PostList(props: PostListProps) {
  const { items, query } = props;
  const { status, hasNextPage, isFetchingNextPage } = query;
  const fetchNextPage = () => query.fetchNextPage();
  const { observe, sent } = useViewReceipts(Boolean(props.sendViews));
  const sentinel = useRef<HTMLDivElement>(null);
  const more = useRef({ hasNextPage, isFetchingNextPage, fetchNextPage });
  more.current = { hasNextPage, isFetchingNextPage, fetchNextPage };

  useEffect(() => {
    const el = sentinel.current;
    if (!el || status !== "success" || !hasNextPage || items.length === 0) return;
    if (typeof IntersectionObserver === "undefined") return;
    const io = new IntersectionObserver(
      (entries) => {
        const m = more.current;
        if (entries.some((e) => e.isIntersecting) && m.hasNextPage && !m.isFetchingNextPage)
          m.fetchNextPage();
      },
      { rootMargin: "400px 0px" },
    );
    io.observe(el);
    return () => io.disconnect();
    // Observe again after each page: a sentinel still in view after a short page must load the next one too.
  }, [status, items.length, hasNextPage]);

  if (status === "pending") {
    return (
      <div className="stack" role="status" aria-label="Loading posts">
        <SkeletonCard />
        <SkeletonCard />
      </div>
    );
  }
  if (status === "error") return <ErrorState error={query.error} onRetry={() => query.refetch()} />;

  return (
    <div className="stack" data-testid="post-list">
      {items.length === 0 && <Empty title={props.emptyTitle ?? "Nothing here yet"}>{props.emptyText}</Empty>}
      {items.map((item) => {
        const target: ViewTarget = {
          postId: item.post.id,
          campaignId: item.amplified ? (item.campaign?.id ?? null) : null,
        };
        return (
          <PostCard
            key={`${item.post.id}:${target.campaignId ?? 0}`}
            post={item.post}
            amplified={item.amplified}
            campaign={item.campaign}
            viewRef={observe(target)}
            viewed={sent.has(viewKey(target))}
          />
        );
      })}
      <div ref={sentinel} aria-hidden="true" data-testid="scroll-sentinel" />
      {hasNextPage && (
        <Button onClick={() => fetchNextPage()} loading={isFetchingNextPage} data-testid="load-more">
          Load more
        </Button>
      )}
    </div>
  );
}
