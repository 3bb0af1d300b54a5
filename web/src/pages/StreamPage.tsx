import { useConnection } from "wagmi";
import { Composer } from "../components/Composer.tsx";
import { PostCard } from "../components/PostCard.tsx";
import { PostList } from "../components/PostList.tsx";
import { Button } from "../components/ui/Button.tsx";
import { ErrorAlert } from "../components/ui/States.tsx";
import { useCommunities, usePosts, useStream } from "../hooks/indexer.ts";
import { useEnableSession, useSession, useSignsSilently } from "../hooks/session.ts";
import { useWalletReady } from "../hooks/wallet.ts";
import { GraphQLRequestError } from "../lib/graphql/client.ts";
import type { Post } from "../lib/graphql/types.ts";

function SessionBanner() {
  const session = useSession();
  const silent = useSignsSilently();
  const enable = useEnableSession();
  const wallet = useWalletReady();
  if (silent || session.isPending || session.data) return null;
  return (
    <div className="alert alert-info stack" data-testid="session-banner">
      <span>
        <strong>Turn on engagement.</strong> One signature lets this browser record your views, likes and
        follows without more pop-ups. It expires in 7 days and you can revoke it in Settings.
      </span>
      <div>
        <Button
          size="sm"
          variant="primary"
          loading={enable.isPending}
          disabled={!wallet.ready}
          title={wallet.hint}
          onClick={() => enable.mutate()}
          data-testid="enable-session"
        >
          Sign once to enable
        </Button>
      </div>
      <ErrorAlert error={enable.error} />
    </div>
  );
}

function CommunityFilter({
  value,
  onChange,
}: {
  value: string | null;
  onChange: (v: string | null) => void;
}) {
  const communities = useCommunities();
  return (
    <label className="row small">
      <span className="muted">Community</span>
      <select
        className="select"
        style={{ width: "auto" }}
        value={value ?? ""}
        onChange={(e) => onChange(e.target.value || null)}
        data-testid="stream-community"
      >
        <option value="">All</option>
        {communities.data?.map((c) => (
          <option key={c.id} value={c.id}>
            {c.name}
          </option>
        ))}
      </select>
    </label>
  );
}

/**
 * Each post once, where it first appears. The indexer cuts a stream's pages from one ranking,
 * but a page fetched after it restarted is ranked afresh and may repeat an earlier post.
 */
function uniquePosts<T extends { post: { id: string } }>(items: T[]): T[] {
  const seen = new Set<string>();
  return items.filter((item) => !seen.has(item.post.id) && Boolean(seen.add(item.post.id)));
}

/** Your own posts from the last half hour stay on top of your stream until its first page ranks them. */
const FRESH_SECONDS = 30 * 60;

/** Your posts of the last half hour that the first page of your stream does not rank. */
function useOwnFreshPosts(viewer: string, community: string | null, firstPage: Set<string>) {
  const own = usePosts({ author: viewer, community });
  const since = Math.floor(Date.now() / 1000) - FRESH_SECONDS;
  return (own.data?.pages[0]?.edges.map((e) => e.node) ?? [])
    .filter((p) => p.createdAt >= since && !firstPage.has(p.id))
    .slice(0, 3);
}

function OwnFreshPosts({ posts }: { posts: Post[] }) {
  if (posts.length === 0) return null;
  return (
    <section className="stack" data-testid="own-fresh-posts" aria-label="Your new posts">
      <span className="muted small">Just posted by you</span>
      {posts.map((p) => (
        <PostCard key={p.id} post={p} />
      ))}
    </section>
  );
}

function ViewerStream({ viewer, community }: { viewer: string; community: string | null }) {
  const stream = useStream(viewer, community);
  const firstPage = new Set(stream.data?.pages[0]?.edges.map((e) => e.node.post.id) ?? []);
  const fresh = useOwnFreshPosts(viewer, community, firstPage);
  const freshIds = new Set(fresh.map((p) => p.id));
  // A fresh post shown on top is not shown again where a later page ranks it.
  const items = uniquePosts(stream.data?.pages.flatMap((p) => p.edges.map((e) => e.node)) ?? []).filter(
    (item) => !freshIds.has(item.post.id),
  );
  if (stream.error instanceof GraphQLRequestError && stream.error.code === "ATTENTION_UNAVAILABLE") {
    // Without the attention model there is no ranking: show the newest posts instead.
    return (
      <>
        <div className="alert alert-info small" data-testid="stream-fallback">
          Ranking is not available right now; showing the newest posts.
        </div>
        <LatestPosts community={community} sendViews />
      </>
    );
  }
  return (
    <>
      <div className="row" style={{ justifyContent: "flex-end", marginTop: -8 }}>
        <Button
          size="sm"
          variant="ghost"
          loading={stream.isRefetching && !stream.isFetchingNextPage}
          onClick={() => stream.refetch()}
          data-testid="stream-refresh"
        >
          Refresh
        </Button>
      </div>
      {stream.data && <OwnFreshPosts posts={fresh} />}
      <PostList
        items={items}
        query={stream}
        sendViews
        emptyTitle="Your stream is empty"
        emptyText="Follow people or join a community to fill it."
      />
    </>
  );
}

function LatestPosts({ community, sendViews = false }: { community: string | null; sendViews?: boolean }) {
  const posts = usePosts({ community });
  const items = posts.data?.pages.flatMap((p) => p.edges.map((e) => ({ post: e.node }))) ?? [];
  return <PostList items={items} query={posts} sendViews={sendViews} emptyTitle="No posts yet" />;
}

export function StreamPage({
  community,
  onCommunity,
}: {
  community: string | null;
  onCommunity: (c: string | null) => void;
}) {
  const { address } = useConnection();
  return (
    <div className="stack-lg">
      {address ? (
        <>
          <SessionBanner />
          <Composer defaultCommunity={community} />
        </>
      ) : (
        <section className="card stack">
          <h1>Attention, rewarded.</h1>
          <p className="muted">
            AMP ranks posts by the attention of people you trust. Promoters pay to reach you, and the AMP they
            escrow is paid to the viewers whose attention they bought. Connect a wallet to post, engage and
            earn.
          </p>
        </section>
      )}
      <div className="row-between">
        <h2>{address ? "Your stream" : "Latest posts"}</h2>
        <CommunityFilter value={community} onChange={onCommunity} />
      </div>
      {address ? (
        <ViewerStream viewer={address} community={community} />
      ) : (
        <LatestPosts community={community} />
      )}
    </div>
  );
}
