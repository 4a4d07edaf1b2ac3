import { describe, expect, it } from "vitest";
import type { ChatMessage } from "@cim/client";
import { ConversationList } from "./conversation-list.svelte.js";

/** A room message stored at `ms` (a msgId is the store's time in ms and a 3-digit sequence). */
const line = (ms: number, room: string): ChatMessage => ({ msgId: `${ms}000`, from: "2", fromName: "bob", to: "", text: `in ${room}`, ts: ms, room });

describe("ConversationList", () => {
  it("puts 'New messages' in the open conversation where route's list first tells of unread ones in it (a sign-in), before it is read", () => {
    const conversations = new ConversationList(() => "1");
    conversations.joined("r1", "Alpha");
    conversations.applySummaries([
      { conversation: "everyone", name: "Everyone", unread: 460, lastMsgId: "900000", readUpTo: "400000" },
      { conversation: "r1", name: "Alpha", unread: 2, lastMsgId: "800000", readUpTo: "700000" },
    ], null, conversations.membershipMark);
    // Everyone is open: its unread ones start after its read position; Alpha's will when it is opened.
    expect(conversations.unreadFrom).toEqual({ key: "everyone", after: "400000", count: 460 });
    conversations.read("everyone", "900000");
    conversations.open("everyone");
    expect(conversations.unreadFrom).toEqual({ key: "everyone", after: "400000", count: 460 });
    conversations.open("r1");
    expect(conversations.unreadFrom).toEqual({ key: "r1", after: "700000", count: 2 });
  });

  it("merges a page of stored messages into each one's conversation, with the edits and deletions it carries or waited for", () => {
    const conversations = new ConversationList(() => "1");
    const edit = (ms: number, of: string, text: string): ChatMessage => ({ ...line(ms, "r1"), text, editOf: of });
    // An edit of a message that is older than what is loaded waits for it.
    conversations.addStored([line(500, "r1"), edit(600, "100000", "fixed")], () => "");
    conversations.addStored([line(100, "r1"), line(200, "r1"), edit(300, "200000", "better"), line(150, "everyone"), { ...line(400, "r1"), to: "1", room: "", from: "2" }], () => "bob");
    expect(conversations.get("r1")!.messages.map((m) => [m.msgId, m.text])).toEqual([["100000", "fixed"], ["200000", "better"], ["500000", "in r1"]]);
    expect(conversations.get("everyone")!.messages.map((m) => m.msgId)).toEqual(["150000"]);
    expect(conversations.get("2")).toMatchObject({ title: "bob", unread: 0 });
    expect(conversations.get("2")!.messages.map((m) => m.msgId)).toEqual(["400000"]);
    expect(conversations.get("r1")).toMatchObject({ lastMsgId: "600000", unread: 0 });
  });

  it("names a private chat from its peer's message in a stored page when the newest ones are the user's own", () => {
    const conversations = new ConversationList(() => "1");
    const said = (ms: number, from: string, fromName: string): ChatMessage => ({ msgId: `${ms}000`, from, fromName, to: from === "1" ? "7" : "1", text: "hi", ts: ms, room: "" });
    conversations.addStored([said(100, "7", "gil"), said(200, "1", "ann")], () => "");
    expect(conversations.get("7")!.title).toBe("gil");
  });

  it("keeps across a reload that a conversation starts at its first message: with it back from the cache, nothing older is offered", () => {
    const before = new ConversationList(() => "1");
    before.joined("r1", "Alpha");
    before.joined("r2", "Beta");
    before.addStored([line(100, "r1"), line(200, "r1"), line(300, "r2")], () => "");
    // A page said r1 has nothing older; r2's older messages were never asked for.
    before.get("r1")!.hasOlder = false;
    const saved = before.listedNow();
    expect(saved.find((c) => c.key === "r1")?.firstMsgId).toBe("100000");
    expect(saved.find((c) => c.key === "r2")?.firstMsgId).toBeUndefined();

    const after = new ConversationList(() => "1");
    after.restoreListed(saved);
    // The cache brings the newest of them: r1's first is among them, r2's may not be.
    after.addStored([line(100, "r1"), line(200, "r1"), line(300, "r2")], () => "");
    expect(after.get("r1")!.hasOlder).toBe(false);
    expect(after.get("r2")!.hasOlder).toBe(true);
    // A cache without the first message (its newest 500 only) leaves older pages offered.
    const partial = new ConversationList(() => "1");
    partial.restoreListed(saved);
    partial.addStored([line(200, "r1")], () => "");
    expect(partial.get("r1")!.hasOlder).toBe(true);
  });

  it("lists Everyone first, then the rooms the most recently active first, those without messages by name", () => {
    const conversations = new ConversationList(() => "1");
    for (const [key, name] of [["r1", "Alpha"], ["r2", "beta"], ["r3", "Gamma"], ["r4", "Delta"]]) conversations.joined(key!, name!);
    conversations.add(line(100, "r3"), "");
    conversations.add(line(200, "r1"), "");
    // Route's list names the newest msgId of a room none of whose messages is loaded here.
    conversations.get("r4")!.lastMsgId = "150000";

    expect(conversations.rooms.map((c) => c.title)).toEqual(["Everyone", "Alpha", "Delta", "Gamma", "beta"]);
    conversations.add(line(300, "r3"), "");
    expect(conversations.rooms.map((c) => c.title)).toEqual(["Everyone", "Gamma", "Alpha", "Delta", "beta"]);
  });

  it("does not count a blocked user's room messages as unread (shown collapsed), live, after a read or with route's count", () => {
    const blocked = new Set(["2"]);
    const conversations = new ConversationList(() => "1", (userId) => blocked.has(userId));
    conversations.joined("r1", "Alpha");
    const from = (ms: number, userId: string, to = ""): ChatMessage => ({ ...line(ms, to ? "" : "r1"), msgId: `${ms}000`, from: userId, fromName: `user ${userId}`, to });
    expect(conversations.add(from(100, "2"), "")).toBe(false);
    expect(conversations.add(from(200, "3"), "")).toBe(true);
    expect(conversations.add(from(300, "2"), "")).toBe(false);
    expect(conversations.get("r1")!.unread).toBe(1);
    // A read up to the first message counts what is loaded after it again.
    conversations.read("r1", "100000");
    expect(conversations.get("r1")!.unread).toBe(1);
    // Route's count (which leaves them out too) plus what is loaded after it.
    conversations.applySummaries([{ conversation: "r1", name: "Alpha", unread: 0, lastMsgId: "150000", readUpTo: "100000" }], null, conversations.membershipMark);
    expect(conversations.get("r1")!.unread).toBe(1);
    // A private message of a user is never a room message: counted (a blocked user's are refused anyway).
    expect(conversations.add(from(400, "3", "1"), "user 3")).toBe(true);
  });

  it("works the rooms' unread counts out again after a block or unblock from what is loaded, without asking route", () => {
    const blocked = new Set<string>();
    const conversations = new ConversationList(() => "1", (userId) => blocked.has(userId));
    conversations.joined("r1", "Alpha");
    conversations.joined("r2", "Beta");
    const from = (ms: number, userId: string, room = "r1", to = ""): ChatMessage => ({ ...line(ms, room), from: userId, fromName: `user ${userId}`, to, room: to ? "" : room });
    for (const [ms, userId] of [[100, "2"], [200, "3"], [300, "2"]] as const) conversations.add(from(ms, userId), "");
    conversations.add(from(400, "2", "", "1"), "user 2");
    // r1's history is all here (as after its history said there is nothing older); r2 holds no message yet.
    conversations.get("r1")!.hasOlder = false;
    conversations.applySummaries([{ conversation: "r1", name: "Alpha", unread: 3, lastMsgId: "300000", readUpTo: "" }, { conversation: "r2", name: "Beta", unread: 0, lastMsgId: "50000", readUpTo: "50000" }], null, conversations.membershipMark);
    expect([conversations.get("r1")!.unread, conversations.get("r2")!.unread, conversations.get("2")!.unread]).toEqual([3, 0, 1]);

    blocked.add("2");
    expect(conversations.blocksChanged(true)).toBe(false);
    expect([conversations.get("r1")!.unread, conversations.get("r2")!.unread, conversations.get("2")!.unread]).toEqual([1, 0, 1]);
    blocked.delete("2");
    expect(conversations.blocksChanged(false)).toBe(false);
    expect([conversations.get("r1")!.unread, conversations.get("r2")!.unread, conversations.get("2")!.unread]).toEqual([3, 0, 1]);

    // A room whose unread messages are not loaded here: only route can count them (a block of a room with none
    // unread changes nothing).
    const r1 = () => ({ conversation: "r1", name: "Alpha", unread: blocked.has("2") ? 1 : 3, lastMsgId: "300000", readUpTo: "" });
    conversations.applySummaries([r1(), { conversation: "r2", name: "Beta", unread: 4, lastMsgId: "90000", readUpTo: "50000" }], null, conversations.membershipMark);
    blocked.add("2");
    expect(conversations.blocksChanged(true)).toBe(true);
    conversations.applySummaries([r1(), { conversation: "r2", name: "Beta", unread: 0, lastMsgId: "90000", readUpTo: "90000" }], null, conversations.membershipMark);
    expect(conversations.blocksChanged(true)).toBe(false);
    blocked.delete("2");
    expect(conversations.blocksChanged(false)).toBe(false);
    expect(conversations.get("r1")!.unread).toBe(3);
  });
});
