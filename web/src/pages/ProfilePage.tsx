import { useState } from "react";
import { type Address, isAddress } from "viem";
import { useConnection } from "wagmi";
import { PostList } from "../components/PostList.tsx";
import { ProfileEditor } from "../components/ProfileEditor.tsx";
import { ProfileHeading } from "../components/ProfileHeading.tsx";
import { AddressLink, Avatar } from "../components/ui/Address.tsx";
import { Button } from "../components/ui/Button.tsx";
import { Empty, ErrorAlert, ErrorState, Loading } from "../components/ui/States.tsx";
import { Table } from "../components/ui/Table.tsx";
import { useCommunities, useIndexedAccount, usePosts, useReputation } from "../hooks/indexer.ts";
import { useEngage } from "../hooks/session.ts";
import { useWalletReady } from "../hooks/wallet.ts";
import { formatAmp, formatCount, formatScore, reputationStanding } from "../lib/format.ts";
import type { Community } from "../lib/graphql/types.ts";

function ReputationRow({ account, community }: { account: string; community: Community }) {
  const rep = useReputation(account, community.id);
  return (
    <tr>
      <td>{community.name}</td>
      <td data-testid="reputation-standing">
        {rep.isPending ? "…" : rep.isError ? "–" : reputationStanding(rep.data).label}
      </td>
      <td className="muted">
        {rep.isPending || rep.isError || rep.data.rank === null
          ? "–"
          : `${formatCount(rep.data.rank)} of ${formatCount(rep.data.ranked)}`}
      </td>
      <td className="mono">{rep.isPending || rep.isError ? "–" : formatScore(rep.data.score)}</td>
    </tr>
  );
}

function ReputationTable({ account }: { account: string }) {
  const communities = useCommunities();
  if (communities.isPending) return <Loading />;
  if (communities.isError)
    return <ErrorState error={communities.error} onRetry={() => communities.refetch()} />;
  if (communities.data.length === 0) return <Empty title="No communities yet" />;
  return (
    <Table testId="reputation-table" columns={["Community", "Standing", "Rank", "Score"]}>
      {communities.data.map((c) => (
        <ReputationRow key={c.id} account={account} community={c} />
      ))}
    </Table>
  );
}

function AddressList({ addresses, empty }: { addresses: string[]; empty: string }) {
  if (addresses.length === 0) return <p className="muted small">{empty}</p>;
  return (
    <ul className="list">
      {addresses.map((a) => (
        <li key={a} className="row">
          <Avatar address={a} />
          <AddressLink address={a} />
        </li>
      ))}
    </ul>
  );
}

type Tab = "posts" | "reputation" | "followers" | "following";

export function ProfilePage({ address }: { address: string }) {
  const { address: viewer } = useConnection();
  const account = useIndexedAccount(address);
  const posts = usePosts({ author: address });
  const engage = useEngage();
  const wallet = useWalletReady();
  const [tab, setTab] = useState<Tab>("posts");
  const [followOverride, setFollowOverride] = useState<boolean | null>(null);

  if (!isAddress(address)) return <Empty title="Not an address" />;
  const followers = account.data?.followers ?? [];
  const following = account.data?.following ?? [];
  const isSelf = viewer?.toLowerCase() === address.toLowerCase();
  const isFollowing = followOverride ?? followers.some((f) => f.toLowerCase() === viewer?.toLowerCase());
  const items = posts.data?.pages.flatMap((p) => p.edges.map((e) => ({ post: e.node }))) ?? [];

  return (
    <div className="stack-lg">
      <section className="card stack" data-testid="profile">
        <div className="row-between">
          <ProfileHeading address={address} />
          {viewer && !isSelf && (
            <Button
              variant={isFollowing ? "ghost" : "primary"}
              loading={engage.isPending}
              disabled={!wallet.ready}
              title={wallet.hint}
              data-testid="follow-button"
              aria-pressed={isFollowing}
              onClick={() =>
                engage.mutate(
                  {
                    kind: "Follow",
                    fields: { target: address as Address, follow: !isFollowing },
                    account: viewer,
                  },
                  { onSuccess: () => setFollowOverride(!isFollowing) },
                )
              }
            >
              {isFollowing ? "Unfollow" : "Follow"}
            </Button>
          )}
        </div>
        {account.isError && <ErrorAlert error={account.error} />}
        <div className="row" style={{ gap: 24 }}>
          <div className="stat">
            <span className="stat-value" data-testid="follower-count">
              {account.isPending ? "…" : (account.data?.followerCount ?? followers.length)}
            </span>
            <span className="stat-label">Followers</span>
          </div>
          <div className="stat">
            <span className="stat-value" data-testid="following-count">
              {account.isPending ? "…" : (account.data?.followingCount ?? following.length)}
            </span>
            <span className="stat-label">Following</span>
          </div>
          <div className="stat">
            <span className="stat-value">{account.data ? formatAmp(account.data.balance, 2) : "…"}</span>
            <span className="stat-label">AMP</span>
          </div>
        </div>
        <ErrorAlert error={engage.error} />
      </section>
      {isSelf && <ProfileEditor address={address} />}
      <section>
        <div className="tabs" role="tablist" aria-label="Profile sections">
          {(["posts", "reputation", "followers", "following"] as Tab[]).map((t) => (
            <button
              key={t}
              type="button"
              role="tab"
              aria-selected={tab === t}
              onClick={() => setTab(t)}
              data-testid={`profile-tab-${t}`}
            >
              {t[0]?.toUpperCase() + t.slice(1)}
            </button>
          ))}
        </div>
        <div role="tabpanel">
          {tab === "posts" && <PostList items={items} query={posts} sendViews emptyTitle="No posts yet" />}
          {tab === "reputation" && (
            <div className="card">
              <ReputationTable account={address} />
            </div>
          )}
          {tab === "followers" && (
            <div className="card">
              <AddressList addresses={followers} empty="No followers yet." />
            </div>
          )}
          {tab === "following" && (
            <div className="card">
              <AddressList addresses={following} empty="Not following anyone yet." />
            </div>
          )}
        </div>
      </section>
    </div>
  );
}
