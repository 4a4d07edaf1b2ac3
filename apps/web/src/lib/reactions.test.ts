import { describe, expect, it } from "vitest";
import type { ChatMessage } from "@cim/client";
import { newConversation, toUiMessage } from "./conversations.js";
import { applyEvent, applyPending } from "./message-events.js";
import { myReaction, reactionChips } from "./reactions.js";

const chat = (fields: Partial<ChatMessage>): ChatMessage => ({ msgId: "1", from: "8", fromName: "bob", to: "", text: "", ts: 0, room: "r1", ...fields });
const react = (msgId: string, from: string, fromName: string, reaction: string) => chat({ msgId, from, fromName, reactTo: "10", reaction });

describe("reactions in a conversation", () => {
  it("shows one chip per emoji with its names; a user's newer reaction replaces the older, even when the older comes later", () => {
    const conversation = newConversation("r1", "room");
    conversation.messages.push(toUiMessage(chat({ msgId: "10", text: "lunch?" }), "7"));
    applyEvent(conversation, react("11", "7", "ann", "👍"));
    applyEvent(conversation, react("12", "9", "cid", "👍"));
    applyEvent(conversation, react("14", "8", "bob", "🎉"));
    applyEvent(conversation, react("15", "9", "cid", "😂"));
    applyEvent(conversation, react("13", "9", "cid", "❤️"));
    const message = conversation.messages[0]!;
    expect(conversation.messages).toHaveLength(1);
    expect(reactionChips(message, "7")).toEqual([
      { emoji: "👍", count: 1, names: ["ann"], mine: true },
      { emoji: "🎉", count: 1, names: ["bob"], mine: false },
      { emoji: "😂", count: 1, names: ["cid"], mine: false },
    ]);
    expect(myReaction(message, "7")).toBe("👍");
  });

  it("a reaction taken back removes its chip; a reaction waits for its message; a deleted message shows none", () => {
    const conversation = newConversation("r1", "room");
    applyEvent(conversation, react("11", "7", "ann", "👍"));
    applyEvent(conversation, react("12", "8", "bob", "👍"));
    conversation.messages.push(toUiMessage(chat({ msgId: "10", text: "lunch?" }), "7"));
    applyPending(conversation, "10");
    const message = conversation.messages[0]!;
    expect(reactionChips(message, "7")).toEqual([{ emoji: "👍", count: 2, names: ["ann", "bob"], mine: true }]);
    applyEvent(conversation, react("13", "7", "ann", ""));
    expect(reactionChips(message, "7")).toEqual([{ emoji: "👍", count: 1, names: ["bob"], mine: false }]);
    expect(myReaction(message, "7")).toBe("");
    applyEvent(conversation, chat({ msgId: "14", editOf: "10", deleted: true }));
    expect(reactionChips(message, "7")).toEqual([]);
  });

  it("leaves out the reactions of users the viewer blocks, its own kept", () => {
    const conversation = newConversation("r1", "room");
    conversation.messages.push(toUiMessage(chat({ msgId: "10", from: "7", fromName: "ann", text: "lunch?" }), "7"));
    applyEvent(conversation, react("11", "8", "bob", "👍"));
    applyEvent(conversation, react("12", "9", "mal", "👍"));
    applyEvent(conversation, react("13", "9", "mal", "😡"));
    applyEvent(conversation, react("14", "7", "ann", "👍"));
    const blocked = (userId: string) => userId === "9";
    expect(reactionChips(conversation.messages[0]!, "7", blocked)).toEqual([{ emoji: "👍", count: 2, names: ["bob", "ann"], mine: true }]);
  });
});
