import { describe, expect, it } from "vitest";
import type { ChatMessage } from "@cim/client";
import { ConversationList } from "./conversation-list.svelte.js";

/** A room message stored at `ms` (a msgId is the store's time in ms and a 3-digit sequence). */
const line = (ms: number, room: string): ChatMessage => ({ msgId: `${ms}000`, from: "2", fromName: "bob", to: "", text: `in ${room}`, ts: ms, room });

describe("ConversationList", () => {
  it("lists Everyone first, then the rooms the most recently active first, those without messages by name", () => {
    const conversations = new ConversationList(() => "1");
    for (const [key, name] of [["r1", "Alpha"], ["r2", "beta"], ["r3", "Gamma"], ["r4", "Delta"]]) conversations.joined(key!, name!);
    conversations.add(line(100, "r3"), "", true);
    conversations.add(line(200, "r1"), "", true);
    // Route's list names the newest msgId of a room none of whose messages is loaded here.
    conversations.get("r4")!.lastMsgId = "150000";

    expect(conversations.rooms.map((c) => c.title)).toEqual(["Everyone", "Alpha", "Delta", "Gamma", "beta"]);
    conversations.add(line(300, "r3"), "", true);
    expect(conversations.rooms.map((c) => c.title)).toEqual(["Everyone", "Gamma", "Alpha", "Delta", "beta"]);
  });

  it("does not count a blocked user's room messages as unread (shown collapsed), live, after a read or with route's count", () => {
    const blocked = new Set(["2"]);
    const conversations = new ConversationList(() => "1", (userId) => blocked.has(userId));
    conversations.joined("r1", "Alpha");
    const from = (ms: number, userId: string, to = ""): ChatMessage => ({ ...line(ms, to ? "" : "r1"), msgId: `${ms}000`, from: userId, fromName: `user ${userId}`, to });
    expect(conversations.add(from(100, "2"), "", true)).toBe(false);
    expect(conversations.add(from(200, "3"), "", true)).toBe(true);
    expect(conversations.add(from(300, "2"), "", true)).toBe(false);
    expect(conversations.get("r1")!.unread).toBe(1);
    // A read up to the first message counts what is loaded after it again.
    conversations.read("r1", "100000");
    expect(conversations.get("r1")!.unread).toBe(1);
    // Route's count (which leaves them out too) plus what is loaded after it.
    conversations.applySummaries([{ conversation: "r1", name: "Alpha", unread: 0, lastMsgId: "150000", readUpTo: "100000" }], null, conversations.membershipMark);
    expect(conversations.get("r1")!.unread).toBe(1);
    // A private message of a user is never a room message: counted (a blocked user's are refused anyway).
    expect(conversations.add(from(400, "3", "1"), "user 3", true)).toBe(true);
  });
});
