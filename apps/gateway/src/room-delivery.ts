// The room readers of this gateway: one per room with a local session in it (`everyone` always), each subscribed
// to its room's wake-up channel while it lives; and which rooms each session reads.
import type { Logger } from "pino";
import { EVERYONE_ROOM } from "@cim/protocol";
import { channels, FailureLog, type RoomStore, type StoredMessage } from "@cim/state";
import type { GatewayMetrics } from "./metrics.js";
import { RoomReader, type RoomStream } from "./room-reader.js";
import type { Session } from "./session.js";

/** What room delivery needs of the bus connection (an ioredis client in subscriber mode). */
export interface Subscriptions {
  subscribe(channel: string): Promise<unknown>;
  unsubscribe(channel: string): Promise<unknown>;
}

export interface RoomDeliveryDeps {
  messages: RoomStream;
  /** Where a user's membership of a room began (see RoomStore.joinedAfter); absent: sessions start at the newest. */
  rooms?: Pick<RoomStore, "joinedAfter"> & Partial<Pick<RoomStore, "membershipsOf">>;
  /** Room channels are subscribed here; `everyone` wakes on cim-bus:all, which the gateway subscribes itself. */
  subscriptions: Subscriptions;
  metrics: GatewayMetrics;
  log: Logger;
  /**
   * True while rooms (not `everyone`) are held: a removal may be missing here (MembershipSync). Their readers then
   * fan nothing out, and a replay stops at what was fanned out before (RoomReader).
   */
  held?: () => boolean;
  /** Redis is a cluster: readers check the messages wake-ups fanned out (RoomReader's confirmWakes). */
  confirmWakes?: boolean;
}

const NONE: readonly string[] = [];

/** A session's start in a room that failed (joinLive): tried again at the next `wakeAll` while it is still a member. */
interface FailedStart {
  stillMember: () => boolean;
  after?: string;
}
/** What almost every session reads (and nothing else): one array shared by all of them. */
const EVERYONE_ONLY: readonly string[] = Object.freeze([EVERYONE_ROOM]);

export class RoomDelivery {
  private readonly readers = new Map<string, RoomReader>();
  private readonly starting = new Map<string, Promise<RoomReader>>();
  /** Small arrays, replaced on change: a session reads `everyone` and a few rooms, and a Set per session costs
   * several times as much (issue 13). */
  private readonly roomsOfSession = new Map<Session, readonly string[]>();

  /** Room reads that failed, for every reader: one line per window while Redis is unavailable. */
  private readonly failures: FailureLog;
  /**
   * Per session, the rooms whose start failed (the reader's start, where the membership began, or the replay from
   * there: Redis unavailable). Nothing else starts them again: the membership map already names the room, so a re-read
   * of memberships finds no change, and the session missed the room's messages until it reconnected.
   */
  private readonly failedStarts = new Map<Session, Map<string, FailedStart>>();
  /**
   * Rooms whose reader a session is about to join (a login's or a membership's start, between its reads and the join),
   * with how many: `wakeAll` closes no such reader. It had no session yet, so the poll closed it, and the session joined
   * a reader nobody woke (a membership's start), or its login took the room as joined meanwhile and replayed it from
   * where the membership began, its named cursor and LoginAck's position left out.
   */
  private readonly pinned = new Map<string, number>();

  constructor(private readonly deps: RoomDeliveryDeps) {
    this.failures = new FailureLog(deps.log);
  }

  /** Starts the `everyone` reader. */
  async start(): Promise<void> {
    await this.reader(EVERYONE_ROOM);
  }

  /** The started reader of a room, if any (synchronous: a login fixes its positions in one step). */
  started(room: string): RoomReader | undefined {
    return this.readers.get(room);
  }

  /** Keeps the readers of `rooms` open (see `pinned`) until the function returned is called (once). */
  pin(rooms: readonly string[]): () => void {
    for (const room of rooms) this.pinned.set(room, (this.pinned.get(room) ?? 0) + 1);
    return () => {
      for (const room of rooms) {
        const count = (this.pinned.get(room) ?? 1) - 1;
        if (count > 0) this.pinned.set(room, count);
        else this.pinned.delete(room);
      }
    };
  }

  /** The room's reader, subscribed and started (once for concurrent callers). */
  reader(room: string): Promise<RoomReader> {
    const ready = this.readers.get(room);
    if (ready) return Promise.resolve(ready);
    let starting = this.starting.get(room);
    if (!starting) {
      starting = this.open(room).finally(() => this.starting.delete(room));
      this.starting.set(room, starting);
    }
    return starting;
  }

  /**
   * A session's reading of `room` (a membership that began while it is connected): the messages after where the
   * membership began (`after` from its event, else as Redis keeps it), caught up by a replay, so none stored
   * between the change and this reader's start is missed; for a membership with no such position, from the
   * reader's newest on.
   */
  async joinLive(session: Session, room: string, stillMember: () => boolean, after?: string): Promise<void> {
    try {
      await this.startLive(session, room, stillMember, after);
      this.failedStarts.get(session)?.delete(room);
    } catch (error) {
      this.failedStart(session, room, { stillMember, after });
      throw error;
    }
  }

  private async startLive(session: Session, room: string, stillMember: () => boolean, after?: string): Promise<void> {
    // Pinned while read (see `pinned`), and let go in the step that joins it.
    const unpin = this.pin([room]);
    let read: [RoomReader, string | null | undefined];
    try {
      read = await Promise.all([this.reader(room), after ?? this.deps.rooms?.joinedAfter(room, session.user!.userId)]);
    } finally {
      unpin();
    }
    const [reader, kept] = read;
    if (!session.isOpen || !stillMember() || this.roomsOf(session).includes(room)) return;
    const start = kept ?? undefined;
    if (start === undefined) reader.join(session);
    else reader.attach(session, start);
    this.note(session, room);
    if (start !== undefined) await reader.replay(session);
  }

  /** Records that `session` reads `room` (after `join` or `attach` on its reader). */
  note(session: Session, room: string): void {
    const rooms = this.roomsOf(session);
    if (!rooms.includes(room)) this.roomsOfSession.set(session, rooms === NONE && room === EVERYONE_ROOM ? EVERYONE_ONLY : [...rooms, room]);
  }

  roomsOf(session: Session): readonly string[] {
    return this.roomsOfSession.get(session) ?? NONE;
  }

  /** Notes a failed start, for `wakeAll` (see `failedStarts`). */
  private failedStart(session: Session, room: string, start: FailedStart): void {
    if (!session.isOpen || !start.stillMember()) return;
    let rooms = this.failedStarts.get(session);
    if (!rooms) this.failedStarts.set(session, (rooms = new Map()));
    rooms.set(room, start);
  }

  /**
   * Starts again what failed to start: a session not reading the room yet joins it as the membership event said; one
   * attached whose replay failed is replayed from where it stands (a live one is left as it is).
   */
  private retryFailedStarts(): void {
    for (const [session, rooms] of this.failedStarts) {
      this.failedStarts.delete(session);
      for (const [room, start] of rooms) {
        if (!session.isOpen || !start.stillMember()) continue;
        const again = this.roomsOf(session).includes(room)
          ? this.replayAgain(session, room, start)
          : this.joinLive(session, room, start.stillMember, start.after);
        again.catch((error: unknown) => this.failures.failed({ room, userId: session.user?.userId }, "starting a session's delivery in a room failed again; retried at the next poll", error));
      }
    }
  }

  private async replayAgain(session: Session, room: string, start: FailedStart): Promise<void> {
    try {
      await this.readers.get(room)?.replay(session);
    } catch (error) {
      this.failedStart(session, room, start);
      throw error;
    }
  }

  /** The session stops reading `room` (it left it). */
  leave(session: Session, room: string): void {
    this.failedStarts.get(session)?.delete(room);
    this.readers.get(room)?.leave(session);
    const rooms = this.roomsOfSession.get(session);
    if (rooms?.includes(room)) this.roomsOfSession.set(session, rooms.filter((other) => other !== room));
  }

  /** The session closed: it stops reading every room. */
  leaveAll(session: Session): void {
    for (const room of this.roomsOf(session)) this.readers.get(room)?.leave(session);
    this.roomsOfSession.delete(session);
    this.failedStarts.delete(session);
  }

  /** A wake-up from the bus; a room without a reader here has no session to serve. */
  offer(room: string, message: StoredMessage | undefined, prev: string | undefined, dev: string | undefined): void {
    if (this.isHeld(room)) return;
    this.readers.get(room)?.offer(message, prev, dev);
  }

  /**
   * Wakes every reader (wake-ups may have been lost) and closes readers no session needs any more; starts again the
   * sessions' starts in rooms that failed.
   */
  wakeAll(): void {
    for (const [room, reader] of this.readers) {
      if (room !== EVERYONE_ROOM && reader.size === 0 && !reader.busy && !this.pinned.has(room)) this.close(room);
      else if (!this.isHeld(room)) reader.wake();
    }
    this.retryFailedStarts();
  }

  /** Held rooms are read again once memberships are current; the group has no removals. */
  private isHeld(room: string): boolean {
    return room !== EVERYONE_ROOM && this.deps.held?.() === true;
  }

  private async open(room: string): Promise<RoomReader> {
    const rooms = this.deps.rooms;
    const memberships = room !== EVERYONE_ROOM && rooms?.membershipsOf ? (id: string, userIds: readonly string[]) => rooms.membershipsOf!(id, userIds) : undefined;
    const reader = new RoomReader(room, this.deps.messages, this.deps.metrics, this.deps.log, () => this.isHeld(room), this.failures, this.deps.confirmWakes, memberships);
    // Subscribed before the newest message is read: whatever is stored after that read wakes us.
    if (room !== EVERYONE_ROOM) await this.deps.subscriptions.subscribe(channels.room(room));
    await reader.start();
    this.readers.set(room, reader);
    return reader;
  }

  private close(room: string): void {
    this.readers.delete(room);
    this.deps.subscriptions.unsubscribe(channels.room(room)).catch((error: unknown) => this.deps.log.warn({ err: error, room }, "unsubscribing a room's channel failed"));
  }
}
