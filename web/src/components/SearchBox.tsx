import { useEffect, useId, useState } from "react";
import { href, type Route } from "../lib/router.ts";

/** The header's search box: Enter opens the results page for what was typed. */
export function SearchBox({ route }: { route: Route }) {
  const current = route.name === "search" ? route.query : "";
  const [text, setText] = useState(current);
  const id = useId();
  useEffect(() => setText(current), [current]);
  return (
    <form
      className="search-box"
      aria-label="Search"
      onSubmit={(e) => {
        e.preventDefault();
        const query = text.trim();
        if (!query) return;
        window.location.hash = href({
          name: "search",
          query,
          kind: route.name === "search" ? route.kind : "posts",
        }).slice(1);
      }}
    >
      <label htmlFor={id} className="sr-only">
        Search posts, people and communities
      </label>
      <input
        id={id}
        type="search"
        className="input"
        placeholder="Search"
        value={text}
        maxLength={200}
        onChange={(e) => setText(e.target.value)}
        data-testid="search-input"
      />
    </form>
  );
}
