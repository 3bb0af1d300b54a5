import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { validatePost } from "../lib/postValidation.ts";
import { fakeGraphQL, Providers } from "../test/fixtures.tsx";
import { Composer } from "./Composer.tsx";

afterEach(cleanup);

describe("validatePost", () => {
  it("accepts a post within the contract's limits", () => {
    const result = validatePost({ communityId: "1", topicsText: "DeFi, #music defi", text: "hello" });
    expect(result.errors).toEqual({});
    expect(result.topics).toEqual(["defi", "music"]);
  });

  it("counts bytes, not characters", () => {
    const text = "é".repeat(501); // 501 characters, 1002 bytes
    const result = validatePost({ communityId: "1", topicsText: "", text });
    expect(result.bytes).toBe(1002);
    expect(result.errors.text).toBe("Too long: 1002 of 1000 bytes.");
    expect(validatePost({ communityId: "1", topicsText: "", text: "a".repeat(1000) }).errors).toEqual({});
  });

  it("limits topics to five of at most 32 bytes", () => {
    expect(validatePost({ communityId: "1", topicsText: "a b c d e f", text: "x" }).errors.topics).toMatch(
      /At most 5/,
    );
    expect(validatePost({ communityId: "1", topicsText: "x".repeat(33), text: "x" }).errors.topics).toMatch(
      /32 bytes/,
    );
  });

  it("requires a community and some text", () => {
    const { errors } = validatePost({ communityId: "", topicsText: "", text: "   " });
    expect(errors).toEqual({ community: "Choose a community.", text: "Write something." });
  });
});

function renderComposer() {
  const gql = fakeGraphQL({
    communities: () => ({
      communities: {
        edges: [
          {
            cursor: "1",
            node: { id: "1", name: "Builders", founder: "0x", description: "", moderators: [] },
          },
        ],
        pageInfo: { hasNextPage: false, endCursor: null },
      },
    }),
  });
  render(
    <Providers gql={gql.client}>
      <Composer />
    </Providers>,
  );
}

describe("Composer", () => {
  it("shows what is missing instead of asking the wallet", async () => {
    renderComposer();
    await screen.findByRole("option", { name: "Builders" });
    fireEvent.click(screen.getByTestId("publish-button"));
    expect(screen.getByText("Choose a community.")).toBeTruthy();
    expect(screen.getByText("Write something.")).toBeTruthy();
    expect(screen.queryByTestId("composer-pending")).toBeNull();
  });

  it("counts bytes live and flags text over 1000 bytes", async () => {
    renderComposer();
    await screen.findByRole("option", { name: "Builders" });
    const text = screen.getByTestId("composer-text");
    fireEvent.change(text, { target: { value: "gm 👋" } });
    expect(screen.getByTestId("composer-bytes").textContent).toBe("7 / 1000 bytes");
    fireEvent.change(text, { target: { value: "€".repeat(334) } });
    expect(screen.getByTestId("composer-bytes").textContent).toBe("1002 / 1000 bytes");
    expect(text.getAttribute("aria-invalid")).toBe("true");
    expect(screen.getByText("Too long: 1002 of 1000 bytes.")).toBeTruthy();
    fireEvent.change(screen.getByTestId("composer-community"), { target: { value: "1" } });
    fireEvent.click(screen.getByTestId("publish-button"));
    expect(screen.queryByTestId("composer-pending")).toBeNull();
  });
});
