import { describe, expect, it } from "vitest";
import type { CimClient, ConversationPage, ConversationSummary } from "@cim/client";
import { ConversationList } from "./conversation-list.svelte.js";
import { CONVERSATION_PAGE, ReadSync } from "./read-sync.js";

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
});
