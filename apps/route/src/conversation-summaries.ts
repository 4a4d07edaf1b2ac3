// A user's conversations with their newest msgId, read position, unread count (messages from others after it) and
// newest message's preview.
import { compareIds, EVERYONE_ROOM } from "@cim/protocol";
import { compareRoomsByName, type MessagePreview, type Room } from "@cim/state";
import type { Services } from "./context.js";

/** Unread counts stop at this many (the doc's bound: a badge says "1000+"). */
export const UNREAD_CAP = 1_000;
/** Most private peers listed, newest first. */
export const MAX_PEERS = 200;

export interface ConversationSummary {
  /** As the client names it: a roomId, or the peer's userId. */
  conversation: string;
  kind: "room" | "private";
  name: string;
  unread: number;
  /** "" when the conversation has no message. */
  lastMsgId: string;
  /** "" when the user has read nothing there. */
  readUpTo: string;
  /**
   * The newest message as it reads now (text after its newest edit, cut to PREVIEW_TEXT_LENGTH), for a list's preview;
   * absent when the conversation has none among its newest PREVIEW_SCAN entries.
   */
  last?: MessagePreview;
  /**
   * A room's: the ts (ms) of its newest event when the user last opened it on any device (PUT
   * /api/rooms/{roomId}/opened); absent when never. An invitation no newer than it was seen.
   */
  eventsSeen?: number;
}

type Deps = Pick<Services, "messages" | "reads" | "rooms" | "users" | "accounts" | "blocks">;

/**
 * Adds the newest msgId, read position and unread count to each conversation, in the order given, and with `preview`
 * the newest message (`last`). A room's messages from users the caller blocks are not counted: clients show them
 * collapsed.
 */
export async function summarize(s: Deps, userId: string, items: ReadonlyArray<Pick<ConversationSummary, "conversation" | "kind" | "name">>, preview = true): Promise<ConversationSummary[]> {
  const [read, blocked, opened] = await Promise.all([s.reads.positions(userId), s.blocks.list(userId), s.reads.roomsOpened(userId)]);
  const uncounted = new Set(blocked.ids);
  return Promise.all(items.map(async (item) => {
    const readUpTo = read[item.conversation] ?? "";
    // The read that finds the newest entry brings the newest message too (a list previews it without asking again);
    // without a preview, only the newest entry is read.
    const which = { userId, conversation: item.conversation };
    const { newest, last } = preview ? await s.messages.latest(which) : { newest: await s.messages.newest(which), last: undefined };
    const lastMsgId = newest === "0" ? "" : newest;
    const count = { userId, conversation: item.conversation, after: readUpTo || "0", cap: UNREAD_CAP, uncounted: item.kind === "room" ? uncounted : undefined };
    // Nothing after the read position: no need to count.
    const unread = compareIds(lastMsgId, readUpTo) > 0 ? await s.messages.countUnread(count) : 0;
    const seen = item.kind === "room" ? opened[item.conversation] : undefined;
    return { ...item, unread, lastMsgId, readUpTo, ...(last ? { last } : {}), ...(seen ? { eventsSeen: seen } : {}) };
  }));
}

/** The user's rooms: "everyone" first, then the others in the public directory's order (compareRoomsByName). */
export async function roomsOf(s: Pick<Services, "rooms">, userId: string): Promise<Room[]> {
  const ids = await s.rooms.roomsOf(userId);
  const rooms = (await Promise.all(ids.map((id) => s.rooms.get(id)))).filter((room): room is Room => room !== null);
  return [(await s.rooms.get(EVERYONE_ROOM))!, ...rooms.sort(compareRoomsByName)];
}

/** Every conversation of the user (rooms and private peers), the newest message first. */
export async function conversationsOf(s: Deps, userId: string): Promise<ConversationSummary[]> {
  const [rooms, peers] = await Promise.all([roomsOf(s, userId), s.users.peersOf(userId, MAX_PEERS)]);
  const names = await s.accounts.names(peers);
  const items = [
    ...rooms.map((room) => ({ conversation: room.roomId, kind: "room" as const, name: room.name })),
    ...peers.flatMap((peer, i) => (names[i] ? [{ conversation: peer, kind: "private" as const, name: names[i] }] : [])),
  ];
  return (await summarize(s, userId, items)).sort((a, b) => compareIds(b.lastMsgId, a.lastMsgId));
}
