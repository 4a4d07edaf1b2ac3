// IndexedDB cache of messages, one database per user, so a reload shows the conversations at once.
import { deleteDB, openDB, type DBSchema, type IDBPDatabase } from "idb";
import { conversationOf, type ChatMessage } from "@cim/client";
import type { MessageHandler } from "./message-hook.js";

/**
 * 3: keys name the conversation as the user sees it (version 1 keyed by msgId alone, version 2 named conversations
 * otherwise; their records are dropped, history has them).
 */
const DB_VERSION = 3;
const STORE = "messages";
/** The cache keeps this many newest messages per user; older ones are still in history. */
const MAX_CACHED_MESSAGES = 5_000;
/** Trim the cache after this many saves (counting on every save would slow bursts down). */
const TRIM_EVERY_SAVES = 250;
let savesSinceTrim = 0;

export interface CachedMessage extends ChatMessage {
  /**
   * msgId padded to a fixed width, then the conversation: IndexedDB's text order is msgId order, and messages of two
   * conversations that share a msgId (it orders one conversation only; on a Redis Cluster two masters may give the
   * same one) are two records.
   */
  seq: string;
  peerName: string;
}

interface CimDb extends DBSchema {
  messages: { key: string; value: CachedMessage };
}

export function databaseName(userId: string): string {
  return `cim-messages-${userId}`;
}

function seqOf(message: ChatMessage, me: string): string {
  return `${message.msgId.padStart(24, "0")} ${conversationOf(message, me)}`;
}

const opened = new Map<string, Promise<IDBPDatabase<CimDb>>>();

function open(userId: string): Promise<IDBPDatabase<CimDb>> {
  let db = opened.get(userId);
  if (!db) {
    db = openDB<CimDb>(databaseName(userId), DB_VERSION, {
      upgrade(database, oldVersion) {
        if (oldVersion > 0 && oldVersion < DB_VERSION) database.deleteObjectStore(STORE);
        database.createObjectStore(STORE, { keyPath: "seq" });
      },
      // Another tab deletes (logout) or upgrades this database: let go of it rather than block that.
      blocking: () => void forget(userId),
    });
    opened.set(userId, db);
  }
  return db;
}

/** Closes this tab's connection to the user's database; the next use opens it again. */
async function forget(userId: string): Promise<void> {
  const db = opened.get(userId);
  opened.delete(userId);
  (await db?.catch(() => undefined))?.close();
}

/** Deletes the user's whole message cache on this device (logout without "keep messages on this device"). */
export async function deleteMessages(userId: string): Promise<void> {
  await forget(userId);
  await deleteDB(databaseName(userId));
}

/** Stores one message (idempotent: keyed by msgId and conversation). */
export async function saveMessage(userId: string, message: ChatMessage, peerName: string): Promise<void> {
  if (!message.msgId) return;
  const db = await open(userId);
  const record: CachedMessage = { msgId: message.msgId, from: message.from, fromName: message.fromName, to: message.to, text: message.text, ts: message.ts, room: message.room ?? "", seq: seqOf(message, userId), peerName };
  // Replies, edits, deletions and reactions (an event is kept like a message and applied again when the cache is read).
  if (message.replyTo) record.replyTo = message.replyTo;
  if (message.replyTo && message.replyFrom) Object.assign(record, { replyFrom: message.replyFrom, replyFromName: message.replyFromName ?? "", replyText: message.replyText ?? "" });
  if (message.editOf) Object.assign(record, { editOf: message.editOf, deleted: message.deleted === true });
  if (message.reactTo) Object.assign(record, { reactTo: message.reactTo, reaction: message.reaction ?? "" });
  await db.put(STORE, record);
  if (++savesSinceTrim >= TRIM_EVERY_SAVES) {
    savesSinceTrim = 0;
    await trim(db);
  }
}

/** Deletes the oldest messages beyond MAX_CACHED_MESSAGES. */
async function trim(db: IDBPDatabase<CimDb>): Promise<void> {
  const tx = db.transaction(STORE, "readwrite");
  let excess = (await tx.store.count()) - MAX_CACHED_MESSAGES;
  let cursor = excess > 0 ? await tx.store.openCursor() : null;
  while (cursor && excess-- > 0) {
    await cursor.delete();
    cursor = await cursor.continue();
  }
  await tx.done;
}

/** The newest `limit` messages of user `userId` over all conversations, oldest first. */
export async function recentMessages(userId: string, limit: number): Promise<CachedMessage[]> {
  const db = await open(userId);
  const found: CachedMessage[] = [];
  let cursor = await db.transaction(STORE).store.openCursor(null, "prev");
  while (cursor && found.length < limit) {
    found.push(cursor.value);
    cursor = await cursor.continue();
  }
  return found.reverse();
}

/** The default message hook: every message with a msgId goes into the user's IndexedDB cache. */
export const persistMessage: MessageHandler = (message, { me, peerName }) => saveMessage(me.userId, message, peerName);
