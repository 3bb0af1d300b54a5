export type Route =
  | { name: "stream"; community: string | null }
  | { name: "communities" }
  | { name: "community"; id: string }
  | { name: "profile"; address: string }
  | { name: "rewards" }
  | { name: "campaigns" }
  | { name: "campaign"; id: string }
  | { name: "settings" }
  | { name: "notFound"; path: string }
  | { name: "post"; id: string }
  | { name: "notifications" }
  | { name: "search"; query: string; kind: SearchRouteKind };

export type SearchRouteKind = "posts" | "people" | "communities";
const SEARCH_KINDS: SearchRouteKind[] = ["posts", "people", "communities"];

/** Parses a location hash such as "#/u/0xabc" into a route. */
export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, "").split("?")[0] ?? "";
  const parts = path.split("/").filter(Boolean);
  const [head, arg] = parts;
  if (!head) return { name: "stream", community: null };
  if (head === "c" && arg) return { name: "community", id: arg };
  if (head === "communities") return { name: "communities" };
  if (head === "u" && arg) return { name: "profile", address: arg };
  if (head === "rewards") return { name: "rewards" };
  if (head === "campaigns") return { name: "campaigns" };
  if (head === "campaign" && arg && /^[0-9]{1,20}$/.test(arg)) return { name: "campaign", id: arg };
  if (head === "settings") return { name: "settings" };
  if (head === "p" && arg && /^[1-9][0-9]{0,15}$/.test(arg)) return { name: "post", id: arg };
  if (head === "notifications") return { name: "notifications" };
  if (head === "search") {
    const params = new URLSearchParams(hash.replace(/^#/, "").split("?").slice(1).join("?"));
    const kind = params.get("kind") as SearchRouteKind | null;
    return {
      name: "search",
      query: params.get("q") ?? "",
      kind: kind && SEARCH_KINDS.includes(kind) ? kind : "posts",
    };
  }
  return { name: "notFound", path };
}

export function href(route: Route): string {
  switch (route.name) {
    case "stream":
      return "#/";
    case "communities":
      return "#/communities";
    case "community":
      return `#/c/${route.id}`;
    case "profile":
      return `#/u/${route.address}`;
    case "rewards":
      return "#/rewards";
    case "campaigns":
      return "#/campaigns";
    case "campaign":
      return `#/campaign/${route.id}`;
    case "settings":
      return "#/settings";
    case "search":
      return `#/search?${new URLSearchParams({ q: route.query, kind: route.kind })}`;
    case "notFound":
      return `#/${route.path}`;
    case "post":
      return `#/p/${route.id}`;
    case "notifications":
      return "#/notifications";
  }
}
