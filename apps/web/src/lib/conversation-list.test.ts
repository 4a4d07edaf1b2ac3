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
});
