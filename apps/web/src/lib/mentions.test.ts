import { describe, expect, it } from "vitest";
import { newConversation, type UiMessage } from "./conversations.js";
import { findMentions, hasUnreadMention, insertMention, mentionCandidates, mentionsUser, typedMention, unreadMentions } from "./mentions.js";

const names = (text: string) => findMentions(text).map((m) => m.name);

describe("findMentions", () => {
  it("finds a mention at the start, after a space and after punctuation", () => {
    expect(findMentions("@ann hi")).toEqual([{ start: 0, end: 4, name: "ann", run: "ann" }]);
    expect(names("hi @ann and @Bob")).toEqual(["ann", "Bob"]);
    expect(names("(@ann), \"@bob\" ¿@cy?")).toEqual(["ann", "bob", "cy"]);
    expect(names("line\n@ann")).toEqual(["ann"]);
  });

  it("keeps names with . _ - whole and leaves a sentence's full stop out", () => {
    expect(names("ask @ann.smith or @bob_2-x")).toEqual(["ann.smith", "bob_2-x"]);
    expect(names("thanks @ann.")).toEqual(["ann"]);
    expect(names("@zoë and @Анна")).toEqual(["zoë", "Анна"]);
  });

  it("finds none inside an e-mail address, a URL's path, or in a lone @", () => {
    expect(findMentions("write to a@b.c or ann.smith@example.com")).toEqual([]);
    expect(findMentions("https://example.social/@ann")).toEqual([]);
    expect(findMentions("@ann@example.com")).toEqual([]);
    expect(findMentions("@ @. @@ann")).toEqual([]);
    expect(findMentions(`@${"a".repeat(33)}`)).toEqual([]);
  });
});

describe("mentionsUser", () => {
  it("matches the user's name in any case, only as a whole name", () => {
    expect(mentionsUser("hey @BOB-x1, look", "bob-X1")).toBe(true);
    expect(mentionsUser("hey @bob", "bob-x1")).toBe(false);
    expect(mentionsUser("hey @bob-x12", "bob-x1")).toBe(false);
    expect(mentionsUser("mail bob-x1@b.c", "bob-x1")).toBe(false);
    expect(mentionsUser("@bob", "")).toBe(false);
  });

  it("matches a name that ends in a mark, and a name followed by a full stop", () => {
    expect(mentionsUser("thanks @ann.", "ann")).toBe(true);
    expect(mentionsUser("thanks @ann.", "ann.")).toBe(true);
    expect(mentionsUser("thanks @ann", "ann.")).toBe(false);
  });
});

describe("hasUnreadMention", () => {
  const msg = (msgId: string, text: string, own = false) => ({ id: msgId, msgId, clientMsgId: "", from: own ? "me" : "u1", fromName: "x", to: "r1", room: "r1", text, ts: 0, own, status: null }) as UiMessage;
  const room = (unread: number, readUpTo: string, ...messages: UiMessage[]) => ({ ...newConversation("r1", "Ops"), unread, readUpTo, messages });

  it("is true while a message from someone else after the read position mentions me", () => {
    expect(hasUnreadMention(room(1, "100", msg("100", "@bob old"), msg("200", "hi @Bob")), "bob")).toBe(true);
    expect(hasUnreadMention(room(1, "", msg("200", "hi @bob")), "bob")).toBe(true);
  });

  it("is false once read, for my own mentions of me, and for mentions of others", () => {
    expect(hasUnreadMention(room(0, "200", msg("200", "hi @bob")), "bob")).toBe(false);
    expect(hasUnreadMention(room(1, "100", msg("100", "hi @bob"), msg("200", "no mention")), "bob")).toBe(false);
    expect(hasUnreadMention(room(1, "100", msg("200", "me @bob", true)), "bob")).toBe(false);
    expect(hasUnreadMention(room(1, "100", msg("200", "hi @bobby")), "bob")).toBe(false);
  });

  it("reads a long room's messages back to the read position only", () => {
    const messages = Array.from({ length: 1_000 }, (_, i) => msg(String(1_000 + i), "hi"));
    let reads = 0;
    const list = new Proxy(messages, { get: (target, key, receiver) => (typeof key === "string" && /^\d+$/.test(key) && reads++, Reflect.get(target, key, receiver) as unknown) });
    expect(hasUnreadMention(room(2, "1997", ...[]), "bob")).toBe(false);
    expect(hasUnreadMention({ ...room(2, "1997"), messages: list }, "bob")).toBe(false);
    expect(reads).toBeLessThan(5);
    messages[998] = msg("1998", "hi @bob");
    expect(hasUnreadMention({ ...room(2, "1997"), messages }, "bob")).toBe(true);
  });

  it("leaves out the mentions of blocked users", () => {
    expect(hasUnreadMention(room(1, "100", msg("200", "hi @bob")), "bob", (userId) => userId === "u1")).toBe(false);
    expect(hasUnreadMention(room(1, "100", msg("200", "hi @bob")), "bob", (userId) => userId === "u2")).toBe(true);
  });
});

describe("typing a mention", () => {
  it("finds the @name being typed before the caret, not in an address", () => {
    expect(typedMention("hi @bo", 6)).toEqual({ start: 3, query: "bo" });
    expect(typedMention("@", 1)).toEqual({ start: 0, query: "" });
    expect(typedMention("hi @bo there", 12)).toBeNull();
    expect(typedMention("mail a@b", 8)).toBeNull();
  });

  it("inserts @name and a space (none before punctuation), replacing the rest of the name, the caret after it", () => {
    expect(insertMention("hi @bo", 3, 6, "bob-1")).toEqual({ text: "hi @bob-1 ", caret: 10 });
    expect(insertMention("@b see", 0, 2, "bob")).toEqual({ text: "@bob see", caret: 5 });
    expect(insertMention("@bob, ok", 0, 2, "bobby")).toEqual({ text: "@bobby, ok", caret: 6 });
  });

  it("offers members by the start of their name, any case, without me", () => {
    const members = [{ userId: "1", userName: "Bob" }, { userId: "2", userName: "bobby" }, { userId: "3", userName: "ann" }];
    expect(mentionCandidates(members, "bo", "2").map((m) => m.userName)).toEqual(["Bob"]);
    expect(mentionCandidates(members, "", "9", 2).map((m) => m.userName)).toEqual(["Bob", "bobby"]);
  });
});

describe("unreadMentions", () => {
  const msg = (msgId: string, text: string, from = "u1") => ({ id: msgId, msgId, clientMsgId: "", from, fromName: "x", to: "r1", room: "r1", text, ts: 0, own: from === "me", status: null }) as UiMessage;
  const room = (unread: number, readUpTo: string, ...messages: UiMessage[]) => ({ ...newConversation("r1", "Ops"), unread, readUpTo, messages });

  it("lists the unread messages that mention me, oldest first, where the button goes next", () => {
    const ops = room(4, "100", msg("100", "@bob read"), msg("200", "hi @bob"), msg("300", "nothing"), msg("400", "again @Bob"), msg("500", "@bob", "me"), msg("600", "@bob", "u2"));
    expect(unreadMentions(ops, "bob")).toEqual(["200", "400", "600"]);
    expect(unreadMentions(ops, "bob", (userId) => userId === "u2")).toEqual(["200", "400"]);
    expect(unreadMentions({ ...ops, readUpTo: "400" }, "bob")).toEqual(["600"]);
    expect(unreadMentions({ ...ops, unread: 0 }, "bob")).toEqual([]);
  });
});
