import { describe, expect, it, vi } from "vitest";
import type { ChatMessage, CimClient } from "@cim/client";
import { ConversationList } from "./conversation-list.svelte.js";
import { previewOf } from "./conversations.js";
import { HistoryLoader } from "./history-loader.js";
import { MessageHooks } from "./message-hook.js";

const ME = { userId: "1", userName: "ann", token: "t" };

/** A room's stream as route keeps it, oldest first: bob's line, then ann's reaction to it. */
const STREAM: ChatMessage[] = [
  { msgId: "100", from: "2", fromName: "bob", to: "", text: "plans for friday", ts: 100, room: "r1" },
  { msgId: "101", from: "1", fromName: "ann", to: "", text: "", ts: 101, room: "r1", reactTo: "100", reaction: "👍" },
];

/** Route's history: the newest `limit` entries, messages and events alike. */
function client() {
  const historyPage = vi.fn(async (query: { limit?: number }) => ({ messages: STREAM.slice(-(query.limit ?? 50)), events: [] }));
  return { historyPage } as unknown as CimClient;
}

describe("HistoryLoader previews", () => {
  it("previews a room whose newest entry is a reaction with the message it reacts to", async () => {
    const conversations = new ConversationList(() => ME.userId);
    const room = conversations.ensure("r1", "Plans");
    room.lastMsgId = "101";
    const loaded = client();
    const loader = new HistoryLoader({ client: () => loaded, me: () => ME, conversations, hooks: new MessageHooks(), loaded: () => undefined });

    loader.previews();

    await vi.waitFor(() => expect(previewOf(room, room.messages.at(-1))).toBe("bob: plans for friday"));
  });
});
