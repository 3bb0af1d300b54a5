import { PostList } from "../components/PostList.tsx";
import { AccountName, Avatar } from "../components/ui/Address.tsx";
import { Button } from "../components/ui/Button.tsx";
import { Empty, ErrorState, Loading } from "../components/ui/States.tsx";
import { useSearch } from "../hooks/profiles.ts";
import { plural } from "../lib/format.ts";
import type { SearchHit, SearchKind } from "../lib/graphql/profiles.ts";
import { href, type SearchRouteKind } from "../lib/router.ts";

const KINDS: { kind: SearchRouteKind; label: string; api: SearchKind }[] = [
  { kind: "posts", label: "Posts", api: "POSTS" },
  { kind: "people", label: "People", api: "PEOPLE" },
  { kind: "communities", label: "Communities", api: "COMMUNITIES" },
];

function PersonRow({ hit }: { hit: SearchHit }) {
  const a = hit.account;
  if (!a) return null;
  return (
    <li className="row" data-testid="search-person">
      <Avatar address={a.address} />
      <div className="stack" style={{ gap: 2, minWidth: 0 }}>
        <AccountName address={a.address} />
        {a.profile?.bio && <span className="small muted">{a.profile.bio}</span>}
      </div>
    </li>
  );
}

function CommunityRow({ hit }: { hit: SearchHit }) {
  const c = hit.community;
  if (!c) return null;
  return (
    <li className="stack" style={{ gap: 2 }} data-testid="search-community">
      <a href={href({ name: "community", id: c.id })}>{c.name}</a>
      <span className="small muted">
        {c.description} · {plural(c.postCount, "post")}
      </span>
    </li>
  );
}

/** Results of a search, one tab per kind, best match first. */
export function SearchPage({ query, kind }: { query: string; kind: SearchRouteKind }) {
  const api = KINDS.find((k) => k.kind === kind)?.api ?? "POSTS";
  const results = useSearch(query, api);
  const hits = results.data?.pages.flatMap((p) => p.edges.map((e) => e.node)) ?? [];

  return (
    <div className="stack-lg" data-testid="search-page">
      <div className="stack">
        <h1 style={{ margin: 0, fontSize: "1.3rem" }}>{query ? `Results for “${query}”` : "Search"}</h1>
        <nav className="search-tabs" aria-label="What to search">
          {KINDS.map((k) => (
            <a
              key={k.kind}
              className="chip"
              href={href({ name: "search", query, kind: k.kind })}
              aria-current={k.kind === kind ? "page" : undefined}
              data-testid={`search-tab-${k.kind}`}
            >
              {k.label}
            </a>
          ))}
        </nav>
      </div>
      {!query.trim() ? (
        <Empty title="Type in the search box above" />
      ) : results.isPending ? (
        <Loading />
      ) : results.isError ? (
        <ErrorState error={results.error} onRetry={() => results.refetch()} />
      ) : hits.length === 0 ? (
        <Empty title={`No ${kind} match “${query}”`} />
      ) : kind === "posts" ? (
        <PostList
          items={hits.flatMap((h) => (h.post ? [{ post: h.post }] : []))}
          query={results}
          emptyTitle="No posts"
        />
      ) : (
        <div className="card stack">
          <ul className="list" data-testid="search-results">
            {hits.map((h) =>
              kind === "people" ? (
                <PersonRow key={h.account?.address} hit={h} />
              ) : (
                <CommunityRow key={h.community?.id} hit={h} />
              ),
            )}
          </ul>
          {results.hasNextPage && (
            <Button loading={results.isFetchingNextPage} onClick={() => results.fetchNextPage()}>
              More results
            </Button>
          )}
        </div>
      )}
    </div>
  );
}
