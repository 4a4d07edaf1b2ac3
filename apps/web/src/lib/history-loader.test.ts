import { describe, expect, it, vi } from "vitest";
import type { ChatMessage, CimClient } from "@cim/client";
import { ConversationList } from "./conversation-list.svelte.js";
import { listedMessage, previewOf } from "./conversations.js";
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

  it("asks no history for a conversation route's list previews, and follows a live edit or deletion of that message", async () => {
    const conversations = new ConversationList(() => ME.userId);
    const last = (msgId: string, from: string, fromName: string, text: string, room: string) => ({ msgId, from, fromName, to: "", room, text, ts: 100, edited: false, deleted: false });
    conversations.applySummaries([
      { conversation: "r1", name: "Plans", unread: 1, lastMsgId: "101", readUpTo: "", last: last("100", "2", "bob", "plans for friday", "r1") },
      { conversation: "r2", name: "Mine", unread: 0, lastMsgId: "90", readUpTo: "90", last: last("90", "1", "ann", "see you", "r2") },
      // Route could not preview this one (only events among its newest entries): it is asked as before.
      { conversation: "r3", name: "Busy", unread: 0, lastMsgId: "101", readUpTo: "" },
    ], null, conversations.membershipMark);
    const loaded = client(STREAM.map((m) => ({ ...m, room: "r3" })));
    const loader = new HistoryLoader({ client: () => loaded, me: () => ME, conversations, hooks: new MessageHooks(), loaded: () => undefined });

    loader.previews();
    for (const key of ["r1", "r2"]) loader.preview(conversations.get(key)!);

    const [r1, r2] = [conversations.get("r1")!, conversations.get("r2")!];
    expect(previewOf(r1, listedMessage(r1))).toBe("bob: plans for friday");
    expect(previewOf(r2, listedMessage(r2))).toBe("You: see you");
    await vi.waitFor(() => expect(loaded.historyPage).toHaveBeenCalledTimes(1));
    expect(loaded.historyPage.mock.calls[0]![0]).toMatchObject({ room: "r3" });
    await vi.waitFor(() => expect(conversations.get("r3")!.messages).toHaveLength(1));
    expect(r1.messages).toEqual([]);

    conversations.add({ msgId: "102", from: "2", fromName: "bob", to: "", text: "plans for sunday", ts: 102, room: "r1", editOf: "100" }, "");
    expect(previewOf(r1, listedMessage(r1))).toBe("bob: plans for sunday");
    conversations.add({ msgId: "103", from: "2", fromName: "bob", to: "", text: "", ts: 103, room: "r1", editOf: "100", deleted: true }, "");
    expect(previewOf(r1, listedMessage(r1))).toBe("bob: message deleted");
    // A newer message that arrives is previewed instead.
    conversations.add({ msgId: "104", from: "3", fromName: "cat", to: "", text: "hello", ts: 104, room: "r1" }, "");
    expect(previewOf(r1, listedMessage(r1))).toBe("cat: hello");
  });
});

describe("HistoryLoader.latest", () => {
  /** Room r1 with bob's `count` lines in route's history (msgIds 1..count), and a loader for it. */
  function room(count: number) {
    const conversations = new ConversationList(() => ME.userId);
    const stream = Array.from({ length: count }, (_, i): ChatMessage => ({ msgId: String(i + 1), from: "2", fromName: "bob", to: "", text: `line ${i + 1}`, ts: i + 1, room: "r1" }));
    const loaded = client(stream);
    const loader = new HistoryLoader({ client: () => loaded, me: () => ME, conversations, hooks: new MessageHooks(), loaded: () => undefined });
    const asked = () => loaded.historyPage.mock.calls.map(([query]) => [query.before, query.limit]);
    return { conversation: conversations.ensure("r1", "Plans"), loader, asked, loaded };
  }

  it("loads all of a conversation's unread messages and a few read ones before them, so it can open at the first unread", async () => {
    const { conversation, loader } = room(150);

    // Read up to line 70: lines 71-150 are unread.
    await loader.latest(conversation, 80, "70");

    expect(conversation.messages).toHaveLength(90);
    expect(conversation.messages[0]?.text).toBe("line 61");
    expect(conversation.historyLoaded).toBe(true);
  });

  it("asks the usual page with few unread", async () => {
    const { conversation, loader, asked } = room(500);

    await loader.latest(conversation, 2, "498");

    expect(asked()).toEqual([[undefined, 30]]);
  });

  it("with more unread than route's largest page, reads older pages until the first unread one is in", async () => {
    const { conversation, loader, asked } = room(700);

    // Read up to line 150: lines 151-700 are unread.
    await loader.latest(conversation, 550, "150");

    expect(asked()).toEqual([[undefined, 200], ["501", 200], ["301", 200]]);
    expect(conversation.messages[0]?.text).toBe("line 101");
    expect(conversation.historyLoaded).toBe(true);
  });

  it("says it is loading while the pages are asked for, and stops saying so when an older page fails (the list then shows what came)", async () => {
    const { conversation, loader, loaded } = room(700);
    let fail = (_error: Error) => {};
    // The newest page comes; the older one fails when the test says.
    loaded.historyPage.mockImplementationOnce(loaded.historyPage.getMockImplementation()!).mockImplementationOnce(() => new Promise((_resolve, reject) => (fail = reject)));

    const loading = loader.latest(conversation, 550, "150");
    await vi.waitFor(() => expect(conversation.messages).toHaveLength(200));
    expect(conversation.loadingLatest).toBe(true);
    fail(new Error("network down"));
    await loading;

    expect(conversation.loadingLatest).toBe(false);
    expect(conversation.historyLoaded).toBe(false);
  });

  it("stops at config.unreadLoadMax messages when the unread ones go further back (or were never read)", async () => {
    const { conversation, loader, asked } = room(3000);

    await loader.latest(conversation, 3000, "");

    expect(conversation.messages).toHaveLength(1000);
    expect(asked()).toHaveLength(5);
  });
});
