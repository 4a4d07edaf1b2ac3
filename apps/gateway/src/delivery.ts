// Delivery from the streams: the gateway reads each room once for its sessions in it (RoomDelivery), and each
// session reads its inbox from its own position (InboxDelivery). Pub/sub only wakes these readers, so nothing
// is skipped, repeated or reordered when a wake-up is lost or a client reconnects. Here: a login's starting
// points, reported in LoginAck, and the receipts a device may have missed.
import type { Logger } from "pino";
import { compareIds, ErrorCode, EVERYONE_ROOM, isMsgId, type Login, type LoginAck, type RoomCursor } from "@cim/protocol";
import type { InboxStore, MessageStore, PeerReceipts, ReadStore, ReceiptStore, RoomStore } from "@cim/state";
import { InboxDelivery } from "./inbox-delivery.js";
import type { Membership } from "./membership.js";
import type { GatewayMetrics } from "./metrics.js";
import { RoomDelivery, type Subscriptions } from "./room-delivery.js";
import type { RoomReader } from "./room-reader.js";
import type { Session } from "./session.js";
import type { SessionTable } from "./session-table.js";

export interface DeliveryDeps {
  messages: MessageStore;
  inboxes: InboxStore;
  receipts: Pick<ReceiptStore, "recent">;
  reads: Pick<ReadStore, "positions">;
  table: SessionTable;
  membership: Membership;
  /**
   * Where each membership began: a room joined while a session is connected is replayed from there; with
   * `membershipsOf`, room readers check what they read of a stream against who is a member (RoomReader).
   */
  rooms?: Pick<RoomStore, "joinedAfter"> & Partial<Pick<RoomStore, "membershipsOf">>;
  subscriptions: Subscriptions;
  metrics: GatewayMetrics;
  log: Logger;
  /** True while rooms are held (see RoomDeliveryDeps.held). */
  roomsHeld?: () => boolean;
  /** Redis is a cluster: room readers and inbox readings check what wake-ups sent (their confirmWakes). */
  confirmWakes?: boolean;
}

/** Where a session's delivery starts in each stream, as LoginAck reports it. */
export type Positions = Pick<LoginAck, "groupPosition" | "inboxPosition" | "rooms">;

/** A cursor a client sent, or "" when it is none (a malformed one counts as none). */
const cursor = (value: string) => (isMsgId(value) ? value : "");

export class Delivery {
  readonly rooms: RoomDelivery;
  readonly inbox: InboxDelivery;

  constructor(private readonly deps: DeliveryDeps) {
    this.rooms = new RoomDelivery({ messages: deps.messages, rooms: deps.rooms, subscriptions: deps.subscriptions, metrics: deps.metrics, log: deps.log, held: deps.roomsHeld, confirmWakes: deps.confirmWakes });
    this.inbox = new InboxDelivery(deps.inboxes, deps.table, deps.metrics, deps.log, deps.confirmWakes);
  }

  async start(): Promise<void> {
    await this.rooms.start();
  }

  /** Wakes every reader: after the bus reconnects, wake-ups may have been lost. Closes unneeded room readers. */
  wakeAll(): void {
    this.rooms.wakeAll();
    this.inbox.wakeAll();
  }

  /**
   * Starts a logged-in session's delivery: in each room (`everyone` = the group) and its inbox, after what its
   * client has seen, or from now (rooms) / from what the user acknowledged (inbox) where it names nothing.
   * `acknowledge` sends LoginAck with those positions, in the same step that fixes them; then come notices,
   * the receipts of the user's peers, and the replay of what the client missed.
   */
  async login(session: Session, seen: Login, acknowledge: (positions: Positions) => void): Promise<void> {
    const { membership, receipts, reads, log } = this.deps;
    const userId = session.user!.userId;
    const named = new Map(seen.rooms.map((c) => [c.room, cursor(c.after)]));
    named.set(EVERYONE_ROOM, cursor(seen.groupAfter));
    const rooms = await membership.load(userId);
    // The readers started here have no session until the synchronous step below: the room poll must not close them
    // while the rest is read (it took the room as joined during the login, see RoomDelivery's `pinned`).
    const unpin = this.rooms.pin([...rooms]);
    let read: [unknown, Awaited<ReturnType<Delivery["inboxStart"]>>, PeerReceipts[], Record<string, string>, Array<[string, string]>];
    try {
      read = await Promise.all([
        Promise.all([EVERYONE_ROOM, ...rooms].map((room) => this.rooms.reader(room))),
        this.inboxStart(userId, cursor(seen.inboxAfter)),
        receipts.recent(userId),
        reads.positions(userId),
        this.membershipStarts(userId, [...rooms].filter((room) => named.get(room))),
      ]);
    } finally {
      unpin(); // in the step that joins them, below
    }
    const [, inbox, peers, ownReads, began] = read;
    if (!session.isOpen) return;
    // A cursor from before the membership began (a device away while its user left the room and joined again)
    // would replay what was said while the user was out: the room starts where the membership began instead.
    for (const [room, start] of began) if (compareIds(start, named.get(room)!) > 0) named.set(room, start);

    // One synchronous step: each room's position is fixed together with the session's start there.
    let groupPosition = "";
    const positions: RoomCursor[] = [];
    const replays: RoomReader[] = [];
    const late: string[] = [];
    for (const room of [EVERYONE_ROOM, ...membership.roomsOf(userId)]) {
      const reader = this.rooms.started(room);
      if (!reader) {
        late.push(room); // joined during the login: served from now, once its reader runs
        continue;
      }
      const after = named.get(room);
      if (after) {
        reader.attach(session, after);
        replays.push(reader);
      }
      const position = after || reader.join(session);
      this.rooms.note(session, room);
      if (room === EVERYONE_ROOM) groupPosition = position;
      else positions.push({ room, after: position });
    }
    acknowledge({ groupPosition, inboxPosition: inbox.reported, rooms: positions });

    if (inbox.trimmed) session.send({ kind: "error", body: { code: ErrorCode.HistoryTrimmed, message: "private messages were trimmed past your last one: load history", clientMsgId: "" } });
    this.sendReceipts(session, peers, ownReads);
    this.inbox.start(session, inbox.position);
    for (const room of late) {
      this.rooms.joinLive(session, room, () => membership.isMember(userId, room)).catch((error: unknown) => log.error({ err: error, userId, room }, "starting a room's delivery failed"));
    }
    await Promise.all(replays.map((reader) => reader.replay(session)));
  }

  /** The session closed. */
  leave(session: Session): void {
    this.rooms.leaveAll(session);
    this.inbox.stop(session);
  }

  /** Where the user's membership of each of `rooms` began, for those whose beginning is kept. */
  private async membershipStarts(userId: string, rooms: string[]): Promise<Array<[string, string]>> {
    const joined = this.deps.rooms;
    if (!joined || rooms.length === 0) return [];
    const starts = await Promise.all(rooms.map(async (room) => [room, await joined.joinedAfter(room, userId)] as const));
    return starts.filter((entry): entry is [string, string] => entry[1] !== null);
  }

  /**
   * Where the inbox starts: after the entry holding the client's last private msgId, or after what the user's
   * devices acknowledged. `reported` is that point as a msgId, for LoginAck.
   */
  private async inboxStart(userId: string, inboxAfter: string): Promise<{ position: string; reported: string; trimmed: boolean }> {
    const { inboxes } = this.deps;
    const position = inboxAfter ? await inboxes.positionOf(userId, inboxAfter) : await inboxes.acknowledged(userId);
    const [reported, trimmed] = await Promise.all([
      inboxAfter || inboxes.msgIdAt(userId, position),
      position !== "0" && inboxes.trimmedAfter(userId, position),
    ]);
    return { position, reported, trimmed };
  }

  /**
   * What the user's private peers confirmed (Delivered, Read "seen") and the user's own read positions: a receipt
   * lost on the way (a gateway killed, a socket cut) is not lost, the next login tells it again.
   */
  private sendReceipts(session: Session, peers: PeerReceipts[], ownReads: Record<string, string>): void {
    const me = session.user!.userId;
    for (const { peer, delivered, read } of peers) {
      if (delivered) session.send({ kind: "delivered", body: { msgId: delivered, by: peer, from: me } });
      if (read) session.send({ kind: "read", body: { conversation: peer, msgId: read, by: peer } });
    }
    for (const [conversation, msgId] of Object.entries(ownReads)) session.send({ kind: "read", body: { conversation, msgId, by: me } });
  }
}
