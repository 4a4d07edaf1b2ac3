import { afterEach, describe, expect, it, vi } from "vitest";
import type { CimClient, ConversationPage, ConversationSummary } from "@cim/client";
import { ConversationList } from "./conversation-list.svelte.js";
import { BACKGROUND_PAGES, CONVERSATION_PAGE, ReadSync } from "./read-sync.js";

const room = (id: string, lastMsgId: string): ConversationSummary => ({ conversation: id, kind: "room", name: `Room ${id}`, unread: 0, lastMsgId, readUpTo: "", visibility: "private", owner: "1" });

/** A client whose route answers the given pages of the list, in turn, by cursor ("" the first). */
function pagedClient(pages: Record<string, ConversationPage>) {
  const asked: Array<{ cursor?: string; limit?: number }> = [];
  const client = {
    conversationPage: (query: { cursor?: string; limit?: number }) => {
      asked.push(query);
      return Promise.resolve(pages[query.cursor ?? ""]!);
    },
    rooms: () => Promise.reject(new Error("a page names its rooms' visibility: GET /api/rooms is not needed")),
    markRead: () => undefined,
  } as unknown as CimClient;
  return { client, asked };
}

describe("ReadSync: route's list in pages", () => {
  it("reads the first page, then the next as the list's end is reached; rooms no longer listed go after the last page", async () => {
    const conversations = new ConversationList(() => "1");
    conversations.joined("r9", "Gone room");
    const { client, asked } = pagedClient({
      "": { conversations: [room("everyone", "500"), room("r1", "400")], nextCursor: "c2" },
      c2: { conversations: [room("r2", "300")], nextCursor: "" },
    });
    const sync = new ReadSync({ client: () => client, me: () => "1", conversations });
    await sync.refresh();
    expect(asked).toEqual([{ limit: CONVERSATION_PAGE }]);
    expect(conversations.more).toBe("c2");
    // Pages still to come: r9 may be on one of them.
    expect(conversations.get("r9")).toBeDefined();
    expect(conversations.get("r1")?.visibility).toBe("private");
    expect(await sync.loadMore()).toBe(true);
    expect(asked.at(-1)).toEqual({ cursor: "c2", limit: CONVERSATION_PAGE });
    expect(conversations.more).toBe("");
    expect(conversations.rooms.map((c) => c.key)).toEqual(["everyone", "r1", "r2"]);
    // At the end nothing more is asked.
    expect(await sync.loadMore()).toBe(false);
    expect(asked).toHaveLength(2);
  });

  it("drops rooms not listed at once when the first page is the whole list (a route before pages answers no nextCursor)", async () => {
    const conversations = new ConversationList(() => "1");
    conversations.joined("r9", "Gone room");
    const mark = conversations.membershipMark;
    const { client } = pagedClient({ "": { conversations: [room("everyone", "500")] } as ConversationPage });
    expect(mark).toBe(conversations.membershipMark);
    await new ReadSync({ client: () => client, me: () => "1", conversations }).refresh();
    expect(conversations.get("r9")).toBeUndefined();
    expect(conversations.more).toBe("");
  });

  describe("without a scroll", () => {
    afterEach(() => vi.useRealTimers());

    it("reads up to BACKGROUND_PAGES more pages on its own, so the tab's unread count covers a user in 300 conversations", async () => {
      vi.useFakeTimers();
      const conversations = new ConversationList(() => "1");
      // 12 pages of one room each, the third with an unread message.
      const pages: Record<string, ConversationPage> = {};
      for (let i = 0; i < 12; i++) {
        const summary = { ...room(`r${i}`, String(1000 - i)), unread: i === 2 ? 4 : 0 };
        pages[i ? `c${i}` : ""] = { conversations: [summary], nextCursor: i < 11 ? `c${i + 1}` : "" };
      }
      const { client, asked } = pagedClient(pages);
      await new ReadSync({ client: () => client, me: () => "1", conversations }).refresh();
      expect(asked).toHaveLength(1);
      await vi.advanceTimersByTimeAsync(60_000);
      expect(asked.map((query) => query.cursor ?? "")).toEqual(["", ...Array.from({ length: BACKGROUND_PAGES }, (_, i) => `c${i + 1}`)]);
      expect(conversations.get("r2")?.unread).toBe(4);
      // The rest comes as the list is scrolled.
      expect(conversations.more).toBe(`c${BACKGROUND_PAGES + 1}`);
    });

    it("stops when the first page is read again (a new pass reads its own pages)", async () => {
      vi.useFakeTimers();
      const conversations = new ConversationList(() => "1");
      const { client, asked } = pagedClient({
        "": { conversations: [room("r0", "900")], nextCursor: "c1" },
        c1: { conversations: [room("r1", "800")], nextCursor: "c2" },
        c2: { conversations: [room("r2", "700")], nextCursor: "" },
      });
      const sync = new ReadSync({ client: () => client, me: () => "1", conversations });
      await sync.refresh();
      await sync.refresh();
      await vi.advanceTimersByTimeAsync(60_000);
      // Two first pages, then the second pass's c1 and c2; the first pass asked nothing after its first page.
      expect(asked.map((query) => query.cursor ?? "")).toEqual(["", "", "c1", "c2"]);
    });
  });
});

describe("ReadSync: mark all read", () => {
  it("reads every listed conversation with unread messages up to its newest, telling the gateway, and leaves the others", async () => {
    const conversations = new ConversationList(() => "1");
    const marked: Array<[string, string]> = [];
    const { client } = pagedClient({ "": { conversations: [{ ...room("r1", "400"), unread: 3, readUpTo: "100" }, { ...room("r2", "300"), unread: 0, readUpTo: "300" }, { ...room("r3", "200"), unread: 1 }], nextCursor: "" } });
    (client as unknown as { markRead: (c: string, m: string) => void }).markRead = (conversation, msgId) => marked.push([conversation, msgId]);
    const sync = new ReadSync({ client: () => client, me: () => "1", conversations });
    await sync.refresh();
    expect(conversations.get("r1")?.unread).toBe(3);
    expect(sync.markAllRead()).toBe(2);
    expect(marked).toEqual([["r1", "400"], ["r3", "200"]]);
    expect(["r1", "r2", "r3"].map((key) => conversations.get(key)?.unread)).toEqual([0, 0, 0]);
    expect(conversations.get("r1")?.readUpTo).toBe("400");
    // Signed out: nothing.
    expect(new ReadSync({ client: () => null, me: () => "", conversations }).markAllRead()).toBe(0);
  });
});
