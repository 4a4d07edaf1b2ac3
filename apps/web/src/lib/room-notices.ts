// Quiet lines in a room's message list for what happened to the room itself (a rename, a member who joined, left,
// was added or removed; heard live or read with history, where route keeps them): they are not messages (no msgId, never unread),
// so each keeps the msgId it follows (the newest known when it came live; the room's newest when it happened, from
// history) and is shown after it.
import type { RoomHistoryEvent } from "@cim/client";
import { isNewer, newestMsgId, type Conversation, type UiMessage } from "./conversations.js";
import { sameDay } from "./format.js";
import { isolate } from "./bidi.js";

export interface RoomNotice {
  id: string;
  /** The newest msgId of the room when it happened ("" none): the line follows that message. */
  after: string;
  text: string;
  /** When it happened (ms; 0 unknown): a line above every message goes under the first one's day separator when it
   * happened that day. */
  ts?: number;
}

/** placeNotices' key of the lines above the first message that happened on its day: shown under its day separator. */
export const FIRST_DAY = "first-day";

let sequence = 0;

/** "ann renamed the room to Plans" (`byName` "" when unknown). */
function renameText(byName: string, name: string): string {
  return `${byName === "You" ? byName : byName ? isolate(byName) : "The owner"} renamed the room to ${isolate(name)}`;
}

/** "ann renamed the room to Plans" (`byName` "" when unknown; "You" for this user), placed after the newest message. */
export function renameNotice(conversation: Conversation, byName: string, name: string): RoomNotice {
  return { id: `notice-${++sequence}`, after: newestMsgId(conversation), text: renameText(byName, name), ts: Date.now() };
}

/** A membership change as a room event tells it (live or from history): who, and who made it when someone else did. */
export interface MembershipChange {
  kind: "joined" | "left" | "invited";
  userId: string;
  userName: string;
  by?: string;
  byName?: string;
}

/**
 * "bob joined the room", "bob left the room", "ann added bob to the room", "ann removed bob from the room"; "You" or
 * "you" where `me` is meant.
 */
export function membershipText(change: MembershipChange, me: string): string {
  const subject = (start: boolean) => (change.userId === me ? (start ? "You" : "you") : change.userName ? isolate(change.userName) : "someone");
  const by = change.by && change.by !== change.userId ? (change.by === me ? "You" : change.byName ? isolate(change.byName) : "") : "";
  if (change.kind === "joined") return `${subject(true)} joined the room`;
  if (change.kind === "left") return by ? `${by} removed ${subject(false)} from the room` : `${subject(true)} left the room`;
  return by ? `${by} added ${subject(false)} to the room` : `${subject(true)} ${change.userId === me ? "were" : "was"} added to the room`;
}

/** "ann added you to Plans" (names isolated): the notice over the list, live or found at the next sign-in. */
export function addedText(byName: string, roomTitle: string): string {
  return `${isolate(byName)} added you to ${isolate(roomTitle)}`;
}

/** A membership change heard live ("ann added you to the room" for the user added), after the room's newest message then. */
export function membershipNotice(conversation: Conversation, change: MembershipChange, me: string): RoomNotice {
  return { id: `notice-${++sequence}`, after: newestMsgId(conversation), text: membershipText(change, me), ts: Date.now() };
}

/**
 * An event read with history: "You" when `me` did it (or is meant); null for a kind this app does not know. Its id
 * is the event's, so a page read again adds it once.
 */
export function storedNotice(event: RoomHistoryEvent, me: string): RoomNotice | null {
  if (event.kind === "renamed") {
    return { id: `event-${event.ts}-${event.after}`, after: event.after, text: renameText(event.userId === me ? "You" : event.userName, event.name), ts: event.ts };
  }
  if (event.kind !== "joined" && event.kind !== "left" && event.kind !== "invited") return null;
  return { id: `event-${event.ts}-${event.after}-${event.kind}-${event.userId}`, after: event.after, text: membershipText({ ...event, kind: event.kind }, me), ts: event.ts };
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
 * "" for the top of the list (nothing loaded that old), FIRST_DAY under the first message's day separator.
 */
export function placeNotices(messages: UiMessage[], notices: RoomNotice[]): Map<string, RoomNotice[]> {
  const placed = new Map<string, RoomNotice[]>();
  const first = messages[0];
  for (const notice of notices) {
    const before = messages.findLast((m) => !!m.msgId && !isNewer(m.msgId, notice.after));
    // Above every message, but on the first one's day: under that day's separator, not above it ("Today" would
    // otherwise come after what happened today).
    const key = before?.id ?? (first && notice.ts && sameDay(notice.ts, first.ts) ? FIRST_DAY : "");
    placed.set(key, [...(placed.get(key) ?? []), notice]);
  }
  return placed;
}
