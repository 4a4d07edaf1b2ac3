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

/** Route's history of `stream`: the newest `limit` entries before `before`, messages and events alike. */
function client(stream: ChatMessage[] = STREAM) {
  const historyPage = vi.fn(async (query: { limit?: number; before?: string }) => {
    const older = stream.filter((m) => !query.before || BigInt(m.msgId) < BigInt(query.before));
    return { messages: older.slice(-(query.limit ?? 50)), events: [] };
  });
  return { historyPage } as unknown as CimClient & { historyPage: typeof historyPage };
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

  it("reads older pages while the newest hold only reactions, so the preview still has its message", async () => {
    // bob's line, then 14 reactions to it: more than one preview page of events.
    const reactions = Array.from({ length: 14 }, (_, i): ChatMessage => ({ ...STREAM[1]!, msgId: String(101 + i), from: String(3 + i), fromName: `u${i}` }));
    const conversations = new ConversationList(() => ME.userId);
    const room = conversations.ensure("r1", "Plans");
    room.lastMsgId = "114";
    const loaded = client([STREAM[0]!, ...reactions]);
    const loader = new HistoryLoader({ client: () => loaded, me: () => ME, conversations, hooks: new MessageHooks(), loaded: () => undefined });

    loader.previews();

    await vi.waitFor(() => expect(previewOf(room, room.messages.at(-1))).toBe("bob: plans for friday"));
    expect(loaded.historyPage).toHaveBeenCalledTimes(2);
    expect(room.messages.at(-1)?.reactedBy).toHaveLength(14);
  });
});
