import { describe, expect, it } from "vitest";
import type { HistoryMessage } from "@cim/client";
import { searchHistory, SEARCH_LIMIT } from "./search.js";

const message = (msgId: string, to: string, text: string, ts: number): HistoryMessage => ({ msgId, from: "1", fromName: "ann", to, text, ts, room: "" });

describe("searchHistory", () => {
  it("searches the group and each user once, case-insensitively, oldest first, without duplicates", async () => {
    const asked: Array<string | undefined> = [];
    const result = await searchHistory(
      async ({ withUser, limit }) => {
        expect(limit).toBe(SEARCH_LIMIT);
        asked.push(withUser);
        if (!withUser) return [message("10", "", "Coffee?", 10), message("11", "", "tea", 11)];
        return [message("3", "3", "more COFFEE", 3), message("12", "2", "coffee again", 12)];
      },
      "coffee",
      ["2", "3", "2"],
    );
    expect(asked.sort()).toEqual(["2", "3", undefined]);
    expect(result.conversations).toBe(3);
    expect(result.hits.map((m) => m.msgId)).toEqual(["3", "10", "12"]);
  });

  it("finds messages by their current text: edits applied, deleted ones and the events themselves never", async () => {
    const page = [
      message("1", "", "coffee?", 1), { ...message("2", "", "coffee!", 2), editOf: "1" },
      message("3", "", "coffee later", 3), { ...message("4", "", "", 4), editOf: "3", deleted: true },
      message("5", "", "tea", 5), { ...message("6", "", "coffee instead", 6), editOf: "5" },
    ];
    const result = await searchHistory(async () => page, "coffee", []);
    expect(result.hits.map((m) => [m.msgId, m.text])).toEqual([["1", "coffee!"], ["5", "coffee instead"]]);
  });

  it("reports a conversation it could not fetch and keeps the others", async () => {
    const result = await searchHistory(async ({ withUser }) => {
      if (withUser === "9") throw new Error("route is unreachable");
      return [message("1", "", "hello", 1)];
    }, "HELLO", ["9"]);
    expect(result.hits).toHaveLength(1);
    expect(result.failures).toEqual([{ withUser: "9", error: new Error("route is unreachable") }]);
  });
});
