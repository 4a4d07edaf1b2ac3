// Quiet lines in a room's message list for what happened to the room itself (a rename, heard live or read with
// history: route keeps renames; who added the user, heard live): they are not messages (no msgId, never unread),
// so each keeps the msgId it follows (the newest known when it came live; the room's newest when it happened, from
// history) and is shown after it.
import type { RoomHistoryEvent } from "@cim/client";
import { isNewer, newestMsgId, type Conversation, type UiMessage } from "./conversations.js";

export interface RoomNotice {
  id: string;
  /** The newest msgId of the room when it happened ("" none): the line follows that message. */
  after: string;
  text: string;
}

let sequence = 0;

/** "ann renamed the room to Plans" (`byName` "" when unknown; "You" for this user), placed after the newest message. */
export function renameNotice(conversation: Conversation, byName: string, name: string): RoomNotice {
  return { id: `notice-${++sequence}`, after: newestMsgId(conversation), text: `${byName || "The owner"} renamed the room to ${name}` };
}

/** "ann added you to the room", heard live by the user added, after the room's newest message then. */
export function addedNotice(conversation: Conversation, byName: string): RoomNotice {
  return { id: `notice-${++sequence}`, after: newestMsgId(conversation), text: `${byName} added you to the room` };
}

/** A rename read with history: "You" when `me` did it. Its id is the event's, so a page read again adds it once. */
export function storedNotice(event: RoomHistoryEvent, me: string): RoomNotice {
  const byName = event.userId === me ? "You" : event.userName;
  return { id: `event-${event.ts}-${event.after}`, after: event.after, text: `${byName || "The owner"} renamed the room to ${event.name}` };
}

/**
 * The notices with those read from history added: one already there (the same id) is not added twice, and a line
 * heard live that says the same is taken over by the stored one (which knows its place among the messages), one by one.
 */
export function withStored(notices: RoomNotice[], stored: RoomNotice[]): RoomNotice[] {
  const fresh = stored.filter((notice) => !notices.some((known) => known.id === notice.id));
  if (fresh.length === 0) return notices;
  // One live line per stored one: a room renamed twice to one name shows two lines until both are read.
  const takenOver = new Set<RoomNotice>();
  for (const event of fresh) {
    const live = notices.find((notice) => notice.id.startsWith("notice-") && notice.text === event.text && !takenOver.has(notice));
    if (live) takenOver.add(live);
  }
  return [...notices.filter((notice) => !takenOver.has(notice)), ...fresh];
}

/**
 * Where each notice shows: keyed by the id of the message it follows (the last one not newer than its `after`),
 * "" for the top of the list (nothing loaded that old).
 */
export function placeNotices(messages: UiMessage[], notices: RoomNotice[]): Map<string, RoomNotice[]> {
  const placed = new Map<string, RoomNotice[]>();
  for (const notice of notices) {
    const before = messages.findLast((m) => !!m.msgId && !isNewer(m.msgId, notice.after));
    const key = before?.id ?? "";
    placed.set(key, [...(placed.get(key) ?? []), notice]);
  }
  return placed;
}
