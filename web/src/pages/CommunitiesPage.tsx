import { useConnection } from "wagmi";
import { CreateCommunity } from "../components/community/CreateCommunity.tsx";
import { AddressLink } from "../components/ui/Address.tsx";
import { Empty, ErrorState, Loading } from "../components/ui/States.tsx";
import { useCommunities } from "../hooks/indexer.ts";
import { useMemberCounts } from "../hooks/rewards.ts";
import { plural } from "../lib/format.ts";
import { href } from "../lib/router.ts";

export function CommunitiesPage() {
  const communities = useCommunities();
  const members = useMemberCounts();
  const { address } = useConnection();
  return (
    <div className="stack">
      <h1>Communities</h1>
      {address && <CreateCommunity />}
      {communities.isPending ? (
        <Loading />
      ) : communities.isError ? (
        <ErrorState error={communities.error} onRetry={() => communities.refetch()} />
      ) : communities.data.length === 0 ? (
        <Empty title="No communities yet" />
      ) : (
        <div className="grid-2">
          {communities.data.map((c) => (
            <article key={c.id} className="card stack" data-testid="community-card">
              <h2>
                <a href={href({ name: "community", id: c.id })}>{c.name}</a>
              </h2>
              <p className="muted small">{c.description || "No description."}</p>
              <span className="small muted">
                Founded by <AddressLink address={c.founder} />
                {c.postCount !== undefined && <> · {plural(c.postCount, "post")}</>}
                {members.data?.has(c.id) && (
                  <span data-testid="community-members">
                    {" "}
                    · {plural(members.data.get(c.id) ?? 0, "member")}
                  </span>
                )}
              </span>
            </article>
          ))}
        </div>
      )}
    </div>
  );
}
