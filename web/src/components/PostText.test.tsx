import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { PostText, splitMentions } from "./PostText.tsx";

const BOB = `0x${"b".repeat(40)}`;

describe("PostText", () => {
  it("splits a text at its mentions and ignores offsets outside it", () => {
    expect(
      splitMentions("hi @Bob and @Bob!", [
        { start: 3, length: 4, account: BOB },
        { start: 12, length: 4, account: BOB },
        { start: 40, length: 4, account: BOB },
      ]),
    ).toEqual([
      { text: "hi " },
      { text: "@Bob", account: BOB },
      { text: " and " },
      { text: "@Bob", account: BOB },
      { text: "!" },
    ]);
  });

  it("renders each mention as a link to the mentioned account's profile", () => {
    render(
      <PostText
        post={{ text: "🎉 thanks @Grace Hopper", mentions: [{ start: 10, length: 13, account: BOB }] }}
      />,
    );
    const link = screen.getByRole("link", { name: "@Grace Hopper" });
    expect(link.getAttribute("href")).toBe(`#/u/${BOB}`);
    expect(link.closest("p")?.textContent).toBe("🎉 thanks @Grace Hopper");
  });
});
