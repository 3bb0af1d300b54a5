/** `search`: posts, people or communities by full-text relevance, in offset pages. */
import { SEARCH_LIMITS } from "../../store/fts.ts";
import type { Rows } from "../../store/queries.ts";
import * as args from "../args.ts";
import { connection } from "../connection.ts";
import type { ApiContext } from "../context.ts";
import { badInput } from "../errors.ts";

type Kind = "POSTS" | "PEOPLE" | "COMMUNITIES";
interface SearchArgs {
  query: string;
  kind?: Kind | null;
  first?: number | null;
  after?: string | null;
}

export const searchQuery = {
  search: async (_: unknown, a: SearchArgs, ctx: ApiContext) => {
    if (a.query.length > SEARCH_LIMITS.maxQueryChars) {
      throw badInput(`query must be at most ${SEARCH_LIMITS.maxQueryChars} characters`);
    }
    const first = args.pageSize(a.first);
    const offset = args.afterNumber(a.after) ?? 0;
    if (offset < 0 || offset + first > SEARCH_LIMITS.maxOffset) {
      throw badInput(`search pages reach the first ${SEARCH_LIMITS.maxOffset} results`);
    }
    const kind = a.kind ?? "POSTS";
    const paged = <R extends { score: number }>(rows: Rows<R>, node: (r: R) => object) => {
      let i = offset;
      return connection(
        rows,
        () => [++i],
        (r) => ({ score: r.score, ...node(r) }),
      );
    };
    switch (kind) {
      case "POSTS":
        return paged(await ctx.queries.searchPosts(a.query, first, offset), (r) => ({ post: r }));
      case "COMMUNITIES":
        return paged(await ctx.queries.searchCommunities(a.query, first, offset), (r) => ({ community: r }));
      case "PEOPLE":
        return paged(await ctx.queries.searchPeople(a.query, first, offset), (r) => ({
          account: { address: r.address },
        }));
    }
  },
};
