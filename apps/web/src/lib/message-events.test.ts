import { describe, expect, it } from "vitest";
import type { ChatMessage } from "@cim/client";
import { newConversation, toUiMessage } from "./conversations.js";
import { applyEvent, applyPending, excerpt, searchLine, searchParts, uncountDeleted } from "./message-events.js";

const chat = (fields: Partial<ChatMessage>): ChatMessage => ({ msgId: "1", from: "8", fromName: "bob", to: "", text: "", ts: 0, room: "r1", ...fields });

describe("a deletion of a message still unread", () => {
  const heard = (conversation: ReturnType<typeof newConversation>, event: ChatMessage, blocked = false) => {
    uncountDeleted(conversation, event, "7", () => blocked);
    applyEvent(conversation, event);
  };

  it("takes it off the count once, loaded or not; a read one, an own one or a blocked sender's does not", () => {
    const conversation = newConversation("r1", "room");
    conversation.readUpTo = "9";
    conversation.unread = 3;
    conversation.messages.push(toUiMessage(chat({ msgId: "8" }), "7"), toUiMessage(chat({ msgId: "10" }), "7"), toUiMessage(chat({ msgId: "11", from: "7" }), "7"));
    heard(conversation, chat({ msgId: "20", editOf: "10", deleted: true }));
    heard(conversation, chat({ msgId: "21", editOf: "10", deleted: true }));
    expect(conversation.unread).toBe(2);
    heard(conversation, chat({ msgId: "22", editOf: "8", deleted: true }));
    heard(conversation, chat({ msgId: "23", from: "7", editOf: "11", deleted: true }));
    heard(conversation, chat({ msgId: "24", editOf: "12", text: "an edit" }));
    heard(conversation, chat({ msgId: "25", editOf: "13", deleted: true }), true);
    expect(conversation.unread).toBe(2);
    // Not loaded (older than the page): heard twice, counted once.
    heard(conversation, chat({ msgId: "26", editOf: "12", deleted: true }));
    heard(conversation, chat({ msgId: "26", editOf: "12", deleted: true }));
    expect(conversation.unread).toBe(1);
  });
});

describe("edits and deletions in a conversation", () => {
  it("an edit or deletion from someone other than the message's sender changes nothing: not the message, its quotes, nor the count", () => {
    const conversation = newConversation("8", "private");
    conversation.readUpTo = "9";
    conversation.unread = 1;
    // Bob's message "10" (bob is "8"), and a reply quoting it; the events come from ann ("9"), not from bob.
    conversation.messages.push(
      toUiMessage(chat({ msgId: "10", text: "I owe ann 5" }), "7"),
      toUiMessage(chat({ msgId: "11", from: "7", text: "ok", replyTo: "10", replyFrom: "8", replyFromName: "bob", replyText: "I owe ann 5" }), "7"),
    );
    const forged = [chat({ msgId: "12", from: "9", fromName: "ann", editOf: "10", text: "I owe ann 500" }), chat({ msgId: "13", from: "9", fromName: "ann", editOf: "10", deleted: true })];
    for (const event of forged) {
      uncountDeleted(conversation, event, "7", () => false);
      applyEvent(conversation, event);
    }
    expect(conversation.messages.map((m) => [m.text, m.deleted ?? false, m.quoted?.text ?? null])).toEqual([["I owe ann 5", false, null], ["ok", false, "I owe ann 5"]]);
    expect(conversation.unread).toBe(1);
    // Bob's own deletion still applies.
    applyEvent(conversation, chat({ msgId: "14", editOf: "10", deleted: true }));
    expect(conversation.messages.map((m) => [m.text, m.deleted ?? false, m.quoted?.text ?? null])).toEqual([["", true, null], ["ok", false, ""]]);
  });

  it("a deletion blanks the quote a loaded reply keeps of its message, loaded or not", () => {
    const conversation = newConversation("r1", "room");
    conversation.messages.push(toUiMessage(chat({ msgId: "20", text: "ok", replyTo: "10", replyFrom: "8", replyFromName: "bob", replyText: "a secret" }), "7"));
    applyEvent(conversation, chat({ msgId: "21", editOf: "10", deleted: true }));
    expect(conversation.messages[0]?.quoted).toEqual({ from: "8", fromName: "bob", text: "" });
  });

  it("applies an edit and then a deletion; a deletion is final and an older edit never undoes a newer one", () => {
    const conversation = newConversation("r1", "room");
    conversation.messages.push(toUiMessage(chat({ msgId: "10", text: "helo" }), "7"));
    applyEvent(conversation, chat({ msgId: "12", text: "hello!", editOf: "10" }));
    applyEvent(conversation, chat({ msgId: "11", text: "hello", editOf: "10" }));
    expect(conversation.messages[0]).toMatchObject({ text: "hello!", editedBy: "12" });
    expect(conversation.lastMsgId).toBe("12");
    applyEvent(conversation, chat({ msgId: "13", editOf: "10", deleted: true }));
    applyEvent(conversation, chat({ msgId: "14", text: "back?", editOf: "10" }));
    expect(conversation.messages[0]).toMatchObject({ text: "", deleted: true });
  });

  it("keeps an event whose message is not loaded and applies it once the message is merged", () => {
    const conversation = newConversation("8", "bob");
    applyEvent(conversation, chat({ msgId: "21", text: "second", editOf: "20", to: "7", room: "" }));
    applyEvent(conversation, chat({ msgId: "21", text: "second", editOf: "20", to: "7", room: "" }));
    expect(conversation.pendingEvents).toHaveLength(1);
    conversation.messages.push(toUiMessage(chat({ msgId: "20", text: "first", to: "7", room: "" }), "7"));
    applyPending(conversation, "20");
    expect(conversation.messages[0]).toMatchObject({ text: "second", editedBy: "21" });
    expect(conversation.pendingEvents).toEqual([]);
  });

  it("quotes the first line, cut", () => {
    expect(excerpt("a\nb")).toBe("a");
    expect(excerpt("x".repeat(100), 10)).toBe(`${"x".repeat(9)}…`);
  });
});

describe("searchLine", () => {
  it("collapses a blocked user's room message as its room does, and shows the rest as an excerpt", () => {
    const roomResult = { conversation: "r5", text: "meet at **noon**", edited: true };
    expect(searchLine(roomResult, false)).toBe("meet at noon (edited)");
    expect(searchLine(roomResult, true)).toBe("Message from a blocked user");
    expect(searchLine({ conversation: "everyone", text: "hi all" }, true)).toBe("Message from a blocked user");
    // A private chat with a blocked user is the user's own: shown as it is.
    expect(searchLine({ conversation: "42", text: "old words" }, true)).toBe("old words");
  });
});

describe("searchParts", () => {
  const long = `${"a".repeat(150)} the deploy key is in the vault ${"b".repeat(150)}`;

  it("shows where a long message holds the words searched for, marked, with … where it is cut", () => {
    const parts = searchParts({ conversation: "r5", text: long }, false, "Deploy KEY");
    expect(parts.match).toBe("deploy key");
    expect(parts.before).toBe(`…${"a".repeat(15)} the `);
    expect(parts.after.endsWith("…")).toBe(true);
    expect(parts.before.length + parts.match.length + parts.after.length).toBe(1 + 120 + 1);
  });

  it("marks a match on the first line in place, finds one on a later line, and reads markdown as shown", () => {
    expect(searchParts({ conversation: "r5", text: "meet at **noon**", edited: true }, false, "noon")).toEqual({ before: "meet at ", match: "noon", after: " (edited)" });
    expect(searchParts({ conversation: "r5", text: "first line\nsecond has it" }, false, "has")).toEqual({ before: "first line second ", match: "has", after: " it" });
  });

  it("marks nothing when the text shown does not hold it, nor in a blocked user's room message", () => {
    expect(searchParts({ conversation: "r5", text: "**bold** words" }, false, "**bold")).toEqual({ before: "bold words", match: "", after: "" });
    expect(searchParts({ conversation: "r5", text: "hi all" }, true, "hi")).toEqual({ before: "Message from a blocked user", match: "", after: "" });
  });
});
