// Quiet lines in a room's message list for what happened to the room itself (a rename), heard live: they are not
// messages (no msgId, never unread, not stored), so each keeps the newest msgId known when it came and is shown
// after that message.
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
