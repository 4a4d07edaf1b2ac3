// The shape of a message in the streams: the fields written (built here only) and the entries read back.
import { EVERYONE_ROOM, ROOM_ID } from "@cim/protocol";
import { conv } from "./keys.js";

/** A stored message as every layer sees it; `to` is "" for the group and rooms, `room` "" but in rooms. */
export interface StoredMessage {
  msgId: string;
  from: string;
  fromName: string;
  to: string;
  text: string;
  ts: number;
  room: string;
  /** The msgId of a message of the same conversation this one quotes; absent when none. */
  replyTo?: string;
  /**
   * With `replyTo`: the quoted message when the reply was stored (quote-excerpt.ts), for clients that have not loaded
   * it: its sender's userId and name and the start of its text (its newest edit; "" when it was deleted). Absent
   * on replies stored before 2026-11-29.
   */
  replyFrom?: string;
  replyFromName?: string;
  replyText?: string;
  /** An event: the sender's own message of the same conversation this edits (`text` replaces its text) or deletes. */
  editOf?: string;
  /** With `editOf`: the event deletes that message. */
  deleted?: boolean;
  /** A reaction event: the message of the same conversation (anyone's) it reacts to. */
  reactTo?: string;
  /** With `reactTo`: the emoji, "" when the sender takes its reaction back. */
  reaction?: string;
}

/** The fields that make a message a reply or an event. */
export type EventFields = Pick<StoredMessage, "replyTo" | "replyFrom" | "replyFromName" | "replyText" | "editOf" | "deleted" | "reactTo" | "reaction">;

/** True for an event (an edit, deletion or reaction): it changes another message and is no message of its own. */
export function isEvent(message: Pick<StoredMessage, "editOf" | "reactTo">): boolean {
  return Boolean(message.editOf || message.reactTo);
}

/** A message as a stream holds it: its position there, and the device (token sessionId) that sent it. */
export interface StreamEntry {
  /** The entry id's number: the msgId in a conversation stream, the inbox position in an inbox. */
  position: string;
  message: StoredMessage;
  /** "" when sent over HTTP. Internal: never sent to clients. */
  dev: string;
}

/**
 * The stream fields of a message, as name/value pairs for XADD: `from fromName to room text dev`, then
 * `replyTo`, `editOf`, `deleted` ("1"), `reactTo`, `reaction` only when set, plus `ts` and `msgId` when known (the conversation script
 * adds `ts`; the entry id is the msgId there).
 */
export function recordFields(message: Omit<StoredMessage, "msgId" | "ts"> & { msgId?: string; ts?: number }, dev: string): string[] {
  const fields = ["from", message.from, "fromName", message.fromName, "to", message.to, "room", message.room, "text", message.text, "dev", dev];
  if (message.replyTo) fields.push("replyTo", message.replyTo);
  if (message.replyTo && message.replyFrom !== undefined) fields.push("replyFrom", message.replyFrom, "replyFromName", message.replyFromName ?? "", "replyText", message.replyText ?? "");
  if (message.editOf) fields.push("editOf", message.editOf);
  if (message.editOf && message.deleted) fields.push("deleted", "1");
  if (message.reactTo) fields.push("reactTo", message.reactTo);
  if (message.reactTo && message.reaction) fields.push("reaction", message.reaction);
  if (message.ts !== undefined) fields.push("ts", String(message.ts));
  if (message.msgId !== undefined) fields.push("msgId", message.msgId);
  return fields;
}

/** A dedupe record `<msgId>:<ts>`, as the store scripts answer it. */
export function parseRecord(record: string): { msgId: string; ts: number } {
  const [msgId = "", ts = "0"] = record.split(":");
  return { msgId, ts: Number(ts) };
}

/** Decimal number of a stream entry id (`<n>-0`). */
export function entryNumber(id: string): string {
  return id.split("-")[0]!;
}

/** Reads a stream entry back; the msgId is its `msgId` field (inbox) or the entry id (conversation). */
export function toEntry(id: string, fields: string[]): StreamEntry {
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) map.set(fields[i]!, fields[i + 1]!);
  const position = entryNumber(id);
  const message: StoredMessage = {
    msgId: map.get("msgId") ?? position,
    from: map.get("from") ?? "",
    fromName: map.get("fromName") ?? "",
    to: map.get("to") ?? "",
    text: map.get("text") ?? "",
    ts: Number(map.get("ts") ?? 0),
    room: map.get("room") ?? "",
  };
  const replyTo = map.get("replyTo");
  const editOf = map.get("editOf");
  if (replyTo) message.replyTo = replyTo;
  const replyFrom = map.get("replyFrom");
  if (replyTo && replyFrom !== undefined) {
    message.replyFrom = replyFrom;
    message.replyFromName = map.get("replyFromName") ?? "";
    message.replyText = map.get("replyText") ?? "";
  }
  if (editOf) message.editOf = editOf;
  if (editOf && map.get("deleted") === "1") message.deleted = true;
  const reactTo = map.get("reactTo");
  if (reactTo) {
    message.reactTo = reactTo;
    message.reaction = map.get("reaction") ?? "";
  }
  return { position, dev: map.get("dev") ?? "", message };
}

/**
 * The fields of a message that say it is a reply or an event, only those set (for building records and wake-ups);
 * a reaction always carries `reaction` ("" takes it back).
 */
export function eventFields(message: EventFields): EventFields {
  const out: EventFields = {};
  if (message.replyTo) out.replyTo = message.replyTo;
  if (message.replyTo && message.replyFrom !== undefined) {
    out.replyFrom = message.replyFrom;
    out.replyFromName = message.replyFromName ?? "";
    out.replyText = message.replyText ?? "";
  }
  if (message.editOf) out.editOf = message.editOf;
  if (message.editOf && message.deleted) out.deleted = true;
  if (message.reactTo) {
    out.reactTo = message.reactTo;
    out.reaction = message.reaction ?? "";
  }
  return out;
}

/**
 * The conversation key (inside Redis) of a conversation as a client names it: a roomId, or the peer's userId
 * for `userId`'s private chat with it. "" and "everyone" are the group.
 */
export function conversationKey(userId: string, conversation: string): string {
  if (!conversation || conversation === EVERYONE_ROOM) return conv.ofRoom(EVERYONE_ROOM);
  return ROOM_ID.test(conversation) ? conv.ofRoom(conversation) : conv.ofPair(userId, conversation);
}
