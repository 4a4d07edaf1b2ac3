// The IndexedDB message cache (fake-indexeddb stands in for the browser's): one record per message of a
// conversation, in msgId order, and the version-1 cache (keyed by msgId alone) dropped at the upgrade.
import "fake-indexeddb/auto";
import { openDB } from "idb";
import { describe, expect, it } from "vitest";
import type { ChatMessage } from "@cim/client";
import { databaseName, deleteMessages, recentMessages, saveMessage } from "./message-db.js";

const message = (msgId: string, fields: Partial<ChatMessage>): ChatMessage =>
  ({ msgId, from: "7", fromName: "ann", to: "", text: `text ${msgId}`, ts: "1", room: "", ...fields }) as ChatMessage;

describe("the message cache", () => {
  it("keeps two conversations' messages that share a msgId, each once, in msgId order", async () => {
    const me = "7";
    // A msgId orders one conversation: two Redis Cluster masters may give the same one to two conversations.
    await saveMessage(me, message("1700000000000002", { room: "r3", text: "in the room" }), "");
    await saveMessage(me, message("1700000000000002", { to: "9", text: "to bob" }), "bob");
    await saveMessage(me, message("1700000000000002", { to: "9", text: "to bob" }), "bob"); // the same one again
    await saveMessage(me, message("999", { text: "older, in the group" }), "");
    expect((await recentMessages(me, 10)).map((m) => m.text)).toEqual(["older, in the group", "to bob", "in the room"]);
    await deleteMessages(me);
  });

  it("drops a version-1 cache, whose records were keyed by msgId alone", async () => {
    const me = "8";
    const old = await openDB(databaseName(me), 1, { upgrade: (db) => void db.createObjectStore("messages", { keyPath: "seq" }) });
    await old.put("messages", { ...message("5", { text: "cached by version 1" }), seq: "5".padStart(24, "0"), peerName: "" });
    old.close();
    await saveMessage(me, message("6", { text: "cached now" }), "");
    expect((await recentMessages(me, 10)).map((m) => m.text)).toEqual(["cached now"]);
    await deleteMessages(me);
  });
});
