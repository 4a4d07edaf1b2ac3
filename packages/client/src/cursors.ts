// What the client has seen in each stream: the cursors sent at every Login, and the checks that drop repeats.
import { compareIds, EVERYONE_ROOM, type ChatMessage, type LoginAck, type RoomCursor } from "@cim/protocol";
import { conversationOf, streamOf, type Stream } from "./conversation.js";
import type { Cursors } from "./types.js";

/** Own msgIds remembered (from SendAcks) to recognise them when they come back. */
export const OWN_SENDS_KEPT = 2_000;
/** Private msgIds remembered to recognise a repeat (msgIds of different private chats do not compare). */
export const PRIVATE_IDS_KEPT = 5_000;

/** What became of one received message: shown, dropped as a repeat, or dropped as this client's own send. */
export type Verdict = { kind: "new" } | { kind: "duplicate"; stream: string; last: string } | { kind: "echo" };

/** The Login fields that say where this client is. */
export interface LoginCursors {
  groupAfter: string;
  inboxAfter: string;
  rooms: RoomCursor[];
}

/**
 * One per client, across reconnects. The group and each room are one stream each, in msgId order: a message
 * not newer than the last one is a repeat. The inbox merges every private chat, whose msgIds do not compare
 * with each other (and two sends racing in one chat may be noted out of order): its cursor is the last msgId
 * delivered, and a repeat is one of the last PRIVATE_IDS_KEPT private msgIds (or older than those, per chat).
 */
export class StreamCursors {
  private group = "";
  private inbox = "";
  private readonly rooms = new Map<string, string>();
  private readonly privateIds = new RecentKeys(PRIVATE_IDS_KEPT);
  /** Per private chat: the newest msgId that fell out of `privateIds` (anything not newer is a repeat). */
  private readonly privateFloor = new Map<string, string>();
  private readonly ownSends = new RecentKeys(OWN_SENDS_KEPT);

  constructor() {
    this.privateIds.onEvict = (key) => {
      const [peer, msgId] = splitKey(key);
      const floor = this.privateFloor.get(peer);
      if (!floor || compareIds(msgId, floor) > 0) this.privateFloor.set(peer, msgId);
    };
  }

  get value(): Cursors {
    return { group: this.group, inbox: this.inbox, rooms: Object.fromEntries(this.rooms) };
  }

  /** Restores cursors kept elsewhere (rooms may be left out: their streams then start where LoginAck says). */
  set value(cursors: Omit<Cursors, "rooms"> & { rooms?: Cursors["rooms"] }) {
    this.group = cursors.group;
    this.inbox = cursors.inbox;
    this.rooms.clear();
    for (const [room, after] of Object.entries(cursors.rooms ?? {})) if (after) this.setRoom(room, after);
  }

  /** The fields of a Login frame. */
  forLogin(): LoginCursors {
    return { groupAfter: this.group, inboxAfter: this.inbox, rooms: [...this.rooms].map(([room, after]) => ({ room, after })) };
  }

  /** After LoginAck: every stream the client had no cursor for starts where the gateway started it. */
  adopt(ack: Pick<LoginAck, "groupPosition" | "inboxPosition" | "rooms">): void {
    if (!this.group) this.group = ack.groupPosition;
    if (!this.inbox) this.inbox = ack.inboxPosition;
    for (const { room, after } of ack.rooms) {
      if (room === EVERYONE_ROOM) {
        if (!this.group) this.group = after;
      } else if (after && !this.rooms.get(room)) {
        this.rooms.set(room, after);
      }
    }
  }

  /** The user left `room` (or was removed): no cursor is sent for it any more. */
  forgetRoom(room: string): void {
    this.rooms.delete(room);
  }

  /** This client's Send to `conversation` was stored as `msgId`. */
  sent(conversation: string, msgId: string): void {
    this.ownSends.add(joinKey(conversation, msgId));
  }

  /** Checks one pushed message for user `me` and moves its stream's cursor past it. */
  accept(message: ChatMessage, me: string): Verdict {
    const stream = streamOf(message);
    const conversation = conversationOf(message, me);
    const echo = message.from === me && this.ownSends.has(joinKey(conversation, message.msgId));
    const last = this.last(stream);
    const repeat = stream.kind === "inbox" ? this.seenPrivate(conversation, message.msgId) : Boolean(last) && compareIds(message.msgId, last) <= 0;
    if (!repeat) this.advance(stream, conversation, message.msgId);
    if (echo) return { kind: "echo" };
    return repeat ? { kind: "duplicate", stream: stream.kind === "room" ? `room ${stream.room}` : stream.kind, last } : { kind: "new" };
  }

  private last(stream: Stream): string {
    if (stream.kind === "room") return this.rooms.get(stream.room) ?? "";
    return stream.kind === "group" ? this.group : this.inbox;
  }

  private seenPrivate(peer: string, msgId: string): boolean {
    if (this.privateIds.has(joinKey(peer, msgId))) return true;
    const floor = this.privateFloor.get(peer);
    return floor !== undefined && compareIds(msgId, floor) <= 0;
  }

  private advance(stream: Stream, conversation: string, msgId: string): void {
    if (stream.kind === "group") this.group = msgId;
    else if (stream.kind === "room") this.setRoom(stream.room, msgId);
    else {
      this.inbox = msgId;
      this.privateIds.add(joinKey(conversation, msgId));
    }
  }

  private setRoom(room: string, msgId: string): void {
    if (room === EVERYONE_ROOM) this.group = msgId;
    else this.rooms.set(room, msgId);
  }
}

function joinKey(conversation: string, msgId: string): string {
  return `${conversation}/${msgId}`;
}

function splitKey(key: string): [string, string] {
  const slash = key.indexOf("/");
  return [key.slice(0, slash), key.slice(slash + 1)];
}

/** A set that keeps only the `limit` keys added last. */
class RecentKeys {
  private readonly keys = new Set<string>();
  onEvict: (key: string) => void = () => undefined;

  constructor(private readonly limit: number) {}

  has(key: string): boolean {
    return this.keys.has(key);
  }

  add(key: string): void {
    this.keys.add(key);
    if (this.keys.size <= this.limit) return;
    const oldest = this.keys.values().next().value as string;
    this.keys.delete(oldest);
    this.onEvict(oldest);
  }
}
