import { describe, expect, it } from "vitest";
import type { ChatMessage, CimClient } from "@cim/client";
import type { BlockEvent } from "@cim/protocol";
import { Blocks } from "./blocks.svelte.js";
import { ConversationList } from "./conversation-list.svelte.js";
import { Incoming, type IncomingDeps } from "./incoming.js";

/** A client whose pushes the test makes: each `on<Kind>` keeps its handler under that kind. */
function fakeClient(): { client: CimClient; push: (kind: string, value: unknown) => void } {
  const handlers = new Map<string, (value: unknown) => void>();
  const client = new Proxy({}, {
    get: (_, name: string) => (handler: (value: unknown) => void) => {
      handlers.set(name, handler);
      return () => handlers.delete(name);
    },
  }) as CimClient;
  return { client, push: (kind, value) => handlers.get(kind)?.(value) };
}

const message = (ms: number, from: string): ChatMessage => ({ msgId: `${ms}000`, from, fromName: `user ${from}`, to: "", text: "hi", ts: ms, room: "r1" });

describe("Incoming", () => {
  it("a BlockEvent updates the rooms' unread counts without asking route for the conversation list", () => {
    const blocks = new Blocks({ client: () => null });
    const conversations = new ConversationList(() => "1", (userId) => blocks.has(userId));
    conversations.joined("r1", "Alpha");
    for (const [ms, from] of [[100, "2"], [200, "3"], [300, "2"]] as const) conversations.add(message(ms, from), "");
    conversations.get("r1")!.hasOlder = false;
    let refreshes = 0;
    // Only what a BlockEvent touches is given; the rest is never called here.
    const deps = { conversations, blocks, refresh: () => refreshes++ } as unknown as IncomingDeps;
    const { client, push } = fakeClient();
    new Incoming(deps).listen(client);

    push("onBlock", { userId: "2", userName: "bob", blocked: true, order: 1 } satisfies BlockEvent);
    expect(conversations.get("r1")!.unread).toBe(1);
    push("onBlock", { userId: "2", userName: "bob", blocked: false, order: 2 } satisfies BlockEvent);
    expect(conversations.get("r1")!.unread).toBe(3);
    expect(refreshes).toBe(0);
  });

  it("announces a message that comes as sent, not one handed out deleted (text \"\") while this device was away", () => {
    const blocks = new Blocks({ client: () => null });
    const conversations = new ConversationList(() => "1", (userId) => blocks.has(userId));
    conversations.joined("r1", "Alpha");
    const told: string[] = [];
    // Only what a received message touches is given; the rest is never called here.
    const deps = {
      me: () => ({ userId: "1", userName: "ann" }),
      conversations,
      blocks,
      features: { messageReceived: () => undefined },
      sync: { markActiveRead: () => undefined },
      mutes: { has: () => false },
      attention: { incoming: (m: { text: string }) => told.push(m.text) },
      hooks: { emit: () => undefined },
      refresh: () => undefined,
    } as unknown as IncomingDeps;
    const { client, push } = fakeClient();
    new Incoming(deps).listen(client);

    push("onMessage", { ...message(100, "2"), text: "" });
    push("onMessage", { ...message(200, "2"), text: "", editOf: "100000", deleted: true });
    push("onMessage", message(300, "2"));
    expect(told).toEqual(["hi"]);
  });

  it("a private chat begun on another device is not named by its peer's userId until route's list names it", () => {
    const conversations = new ConversationList(() => "1");
    let refreshes = 0;
    const deps = {
      me: () => ({ userId: "1", userName: "ann" }),
      conversations,
      blocks: { has: () => false },
      features: { messageReceived: () => undefined },
      sync: { markActiveRead: () => undefined },
      mutes: { has: () => false },
      attention: { incoming: () => undefined },
      hooks: { emit: () => undefined },
      online: { users: [] },
      refresh: () => refreshes++,
    } as unknown as IncomingDeps;
    const { client, push } = fakeClient();
    new Incoming(deps).listen(client);

    // Ann wrote to user 7 from her phone: this device hears her own message, which names no peer's name.
    push("onMessage", { msgId: "100000", from: "1", fromName: "ann", to: "7", text: "hi", ts: 100, room: "" } satisfies ChatMessage);
    expect(conversations.get("7")!.title).toBe("Private chat");
    // Route's list is asked for its name, and gives it.
    expect(refreshes).toBe(1);
    conversations.applySummaries([{ conversation: "7", name: "gil", unread: 0, lastMsgId: "100000", readUpTo: "100000" }], null, conversations.membershipMark);
    expect(conversations.get("7")!.title).toBe("gil");
    // Her next message from the phone keeps the name this device learnt.
    push("onMessage", { msgId: "200000", from: "1", fromName: "ann", to: "7", text: "there?", ts: 200, room: "" } satisfies ChatMessage);
    expect(conversations.get("7")!.title).toBe("gil");
  });
});
