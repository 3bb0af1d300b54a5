import { MembershipControl } from "../components/community/Membership.tsx";
import { Moderators } from "../components/community/Moderators.tsx";
import { PostList } from "../components/PostList.tsx";
import { AddressLink } from "../components/ui/Address.tsx";
import { Empty, ErrorState, Loading } from "../components/ui/States.tsx";
import { Table } from "../components/ui/Table.tsx";
import { useCommunity, useLeaderboard, usePosts, useReputation } from "../hooks/indexer.ts";
import { formatScore, plural, reputationPercentile } from "../lib/format.ts";

function Leaderboard({ community }: { community: string }) {
  const board = useLeaderboard(community, 10);
  // How many accounts hold reputation here (the leader's reputationRank says): percentiles count them all.
  const leader = board.data?.[0]?.account;
  const rank = useReputation(leader ?? "", community, leader !== undefined);
  const ranked = leader && rank.data ? rank.data.ranked : (board.data?.length ?? 0);
  if (board.isPending) return <Loading label="Loading leaderboard…" />;
  if (board.isError) return <ErrorState error={board.error} onRetry={() => board.refetch()} />;
  if (board.data.length === 0) return <Empty title="No reputation yet" />;
  return (
    <Table testId="leaderboard" columns={["#", "Account", "Reputation", "Standing"]}>
      {board.data.map((e) => (
        <tr key={e.account}>
          <td>{e.rank}</td>
          <td>
            <AddressLink address={e.account} />
          </td>
          <td>{formatScore(e.score)}</td>
          <td data-testid="reputation-percentile">{reputationPercentile(e.rank, ranked) ?? "–"}</td>
        </tr>
      ))}
    </Table>
  );
}

export function CommunityPage({ id }: { id: string }) {
  const community = useCommunity(id);
  const posts = usePosts({ community: id });
  if (community.isPending) return <Loading />;
  if (community.isError) return <ErrorState error={community.error} onRetry={() => community.refetch()} />;
  if (!community.data) return <Empty title="Community not found" />;
  const c = community.data;
  const items = posts.data?.pages.flatMap((p) => p.edges.map((e) => ({ post: e.node }))) ?? [];
  return (
    <div className="stack-lg">
      <section className="card stack">
        <h1>{c.name}</h1>
        <p className="muted">{c.description || "No description."}</p>
        <span className="small muted">
          Founded by <AddressLink address={c.founder} />
          {c.moderators.length > 0 && <> · {plural(c.moderators.length, "moderator")}</>}
        </span>
        <MembershipControl communityId={id} />
      </section>
      <section className="card stack">
        <h2>Moderators</h2>
        <Moderators communityId={id} founder={c.founder} moderators={c.moderators} />
      </section>
      <section className="card">
        <h2>Leaderboard</h2>
        <Leaderboard community={id} />
      </section>
      <section className="stack">
        <h2>Posts</h2>
        <PostList items={items} query={posts} sendViews emptyTitle="No posts in this community yet" />
      </section>
    </div>
  );
}
