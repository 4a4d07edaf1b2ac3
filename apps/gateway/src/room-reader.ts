// One room's stream (`everyone` included), read once per gateway for all its sessions in the room, each with
// its own cursor. Messages that arrive together go out together: one MessageBatch frame (one write) per session,
// in slices of sessions that yield to the event loop.
// It alone moves a session's cursor in the room and makes it live (join, attach + replay).
import { setImmediate as yieldToLoop } from "node:timers/promises";
import type { Logger } from "pino";
import { compareIds, ErrorCode, EVERYONE_ROOM } from "@cim/protocol";
import { FailureLog, type MessageStore, type StoredMessage, type StreamEntry } from "@cim/state";
import { chunks, encodeEach, encodeMessages, sendMessages } from "./message-frames.js";
import type { GatewayMetrics } from "./metrics.js";
import { Pump } from "./pump.js";
import type { Session } from "./session.js";
import { drainedForReplay } from "./socket-drain.js";
import { Rereads, WakeLedger } from "./wake-ledger.js";

const READ_BATCH = 500;
/** Sessions served before a fan-out yields to the event loop (accepts, heartbeats, logins). */
const SLICE_SESSIONS = 2_000;
/**
 * Messages fanned out from wake-ups without a read of the stream since, at most (with `confirmWakes`): one more reads
 * the stream, which confirms them. A woken master demoted under its writes (docs/DEPLOYMENT.md) publishes wake-ups of
 * messages it then loses: the reader standing on one has to go back, and knows from these what it sent already.
 */
const MAX_UNCONFIRMED = 64;

/** What a reader needs of the message store. */
export type RoomStream = Pick<MessageStore, "readRoom" | "trimmedAfter" | "newest">;

/** Which of `userIds` are members of `room` now, each with where its membership began (RoomStore.membershipsOf). */
export type RoomMemberships = (room: string, userIds: readonly string[]) => Promise<ReadonlyMap<string, string>>;

/** A session's place in the room: the last msgId sent to it; `live` once the fan-out serves it. */
interface Reading {
  cursor: string;
  live: boolean;
}

const after = (a: string, b: string) => compareIds(a, b) > 0;

/** The newest message of a read, as `holds` checks it: its position and sender (unknown for a bare position). */
interface Newest {
  position: string;
  from?: string;
}
const newestOf = (read: StreamEntry[]): Newest | undefined => {
  const last = read.at(-1);
  return last && { position: last.position, from: last.message.from };
};

export class RoomReader {
  /** The newest message of the room this gateway has fanned out. */
  private cursor = "0";
  /** Messages from the bus that follow the cursor, sent together at the end of this tick. */
  private pending: StreamEntry[] = [];
  private flushScheduled = false;
  private readonly pump: Pump;
  private readonly readings = new Map<Session, Reading>();
  private readonly kind: "group" | "room";
  /** Fan-outs run one after another: the last one queued, and how many are queued or running. */
  private fanOutChain: Promise<void> = Promise.resolve();
  private fanOuts = 0;
  /** The last cursor a read of the stream found (or started from), and the messages fanned out from wake-ups since. */
  private readonly wakes = new WakeLedger("0", MAX_UNCONFIRMED);

  /**
   * `held`: true while this gateway's memberships may miss a removal (MembershipSync): a replay then stops at what
   * the gateway fanned out, which it fans out again only once memberships are current.
   */
  constructor(
    readonly room: string,
    private readonly messages: RoomStream,
    private readonly metrics: GatewayMetrics,
    private readonly log: Logger,
    private readonly held: () => boolean = () => false,
    /** Shared by the gateway's readers: with Redis lost every room's read fails at each wake-up, logged once a window. */
    failures = new FailureLog(log),
    /** On a Redis Cluster: wake-ups may carry messages their master then lost, so the reader checks them (MAX_UNCONFIRMED). */
    private readonly confirmWakes = false,
    /** A room's (not the group's): what a read of the stream found is checked against who is a member (`notFor`). */
    private readonly memberships?: RoomMemberships,
  ) {
    this.kind = room === EVERYONE_ROOM ? "group" : "room";
    this.pump = new Pump({ drain: () => this.drain(), failed: (error) => failures.failed({ room }, "room delivery failed; retried on the next wake-up", error) });
  }

  /** Starts after the room's newest message: sessions get what is sent from now on, or what they ask for. */
  async start(): Promise<void> {
    const rereads = new Rereads(`room ${this.room}: its newest message was not in its stream when read again`);
    for (;;) {
      this.cursor = await this.messages.newest({ userId: "", conversation: this.room });
      if (!this.confirmWakes || this.cursor === "0" || (await this.holds({ position: this.cursor }, "the room's newest message"))) break;
      rereads.again();
    }
    this.wakes.confirmed = this.cursor;
  }

  /** Sessions reading the room here. */
  get size(): number {
    return this.readings.size;
  }

  get busy(): boolean {
    return this.pump.busy || this.flushScheduled || this.fanOuts > 0;
  }

  /** A message from the bus: queued when it follows what we have, else the stream is read. */
  offer(message: StoredMessage | undefined, prev: string | undefined, dev: string | undefined): void {
    const tail = this.pending.at(-1)?.position ?? this.cursor;
    if (message && prev === tail && !this.pump.busy) {
      this.pending.push({ position: message.msgId, message, dev: dev ?? "" });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
      return;
    }
    this.wake();
  }

  /** Reads the stream from the cursor (a lost or out-of-order wake-up). */
  wake(): void {
    this.flush();
    this.pump.wake();
  }

  /**
   * Serves a session from now on; returns its position. Synchronous, so no fan-out can pass between the
   * position and the session's start.
   */
  join(session: Session): string {
    this.readings.set(session, { cursor: this.cursor, live: true });
    return this.cursor;
  }

  /** Adds a session that has seen up to `seen`: not served until `replay` catches it up. */
  attach(session: Session, seen: string): void {
    this.readings.set(session, { cursor: seen, live: false });
  }

  leave(session: Session): void {
    this.readings.delete(session);
  }

  /**
   * Sends an attached session everything after its cursor, read in pages and sent in frames that wait for a slow
   * reader's socket to drain, until it has caught up with the gateway; then the fan-out serves it.
   */
  async replay(session: Session): Promise<void> {
    const reading = this.readings.get(session);
    if (!reading || reading.live) return;
    if (await this.messages.trimmedAfter(this.room, reading.cursor)) {
      const what = this.room === EVERYONE_ROOM ? "group messages" : `messages of room ${this.room}`;
      session.send({ kind: "error", body: { code: ErrorCode.HistoryTrimmed, message: `${what} were trimmed past your last one: load history`, clientMsgId: "" } });
    }
    const rereads = new Rereads(`room ${this.room}: a replay's read was not in the stream when read again`);
    while (session.isOpen && this.readings.get(session) === reading) {
      const read = await this.messages.readRoom(this.room, reading.cursor, READ_BATCH);
      if (!(await this.holds(newestOf(read), "a replay's read"))) {
        rereads.again();
        continue;
      }
      // As a fan-out's read (notFor): nothing stored after a leave not heard here yet, nor before a membership began.
      const through = await this.replayBound(session, read);
      if (through === undefined) return;
      // Held: nothing past the gateway's cursor, which may be stored after a removal of this user not known here yet.
      const held = this.held();
      const batch = held ? read.filter((entry) => !after(entry.position, this.cursor)) : read;
      for (const chunk of chunks(batch)) {
        await drainedForReplay(session);
        // Taken out meanwhile (its user left): the rest is not its.
        if (this.readings.get(session) !== reading) return;
        this.sendTo(session, reading, chunk, through);
      }
      // None left up to the gateway's cursor (trimmed away): the session is there.
      if (held && batch.length === 0 && after(this.cursor, reading.cursor)) reading.cursor = this.cursor;
      // Caught up with what the gateway has fanned out. The check and the hand-over are one step (no await
      // between): a fan-out that ran during our read skipped this session but moved the gateway's cursor, so we
      // read again; one that runs after it serves the session.
      if ((held ? batch : read).length < READ_BATCH && !after(this.cursor, reading.cursor)) {
        reading.live = true;
        return;
      }
    }
  }

  private flush(): void {
    this.flushScheduled = false;
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    if (this.confirmWakes) {
      let full = false;
      for (const entry of batch) full = this.wakes.sentFromWake(entry.position) || full;
      if (full) this.pump.wake();
    }
    this.fanOut(batch).catch((error: unknown) => this.log.error({ err: error, room: this.room }, "room fan-out failed"));
  }

  private async drain(): Promise<void> {
    const back = this.confirmWakes && this.cursor !== this.wakes.confirmed && (await this.confirm());
    const rereads = new Rereads(`room ${this.room}: a read was not in the stream when read again`);
    for (;;) {
      const read = await this.messages.readRoom(this.room, this.cursor, READ_BATCH);
      const held = await this.holds(newestOf(read), "a read");
      // Held since the read began: the answer may hold messages stored after a removal not known here yet. The
      // cursor stays; the rooms are woken again once memberships are current.
      if (this.held()) return;
      if (!held) {
        rereads.again();
        continue;
      }
      // Gone back: what the wake-ups fanned out since the last position found is not sent again.
      const batch = back ? read.filter((entry) => !this.wakes.wasSent(entry.position)) : read;
      await this.fanOut(batch, await this.notFor(batch));
      const last = read.at(-1)?.position;
      if (last && after(last, this.cursor)) this.cursor = last;
      this.wakes.found(this.cursor);
      if (read.length < READ_BATCH) return;
    }
  }

  /**
   * What of `batch`, read from the stream, the live sessions' users may not get: per user, the position up to which
   * nothing is sent (the batch's last for one that is no member now; where its membership began for one that joined
   * after the batch's first message). A leave reaches the gateway only on the bus, and a read can pass it: after a
   * freeze the room poll (a timer, run first on waking) read the stream while the announcement was still in the bus
   * connection's backlog, and the leaver's sessions got what was stored after its leave. One read of the room's slot
   * per read of the stream that found messages; a wake-up carrying its message (the common case) asks nothing: it
   * comes after the leave's announcement on the bus (RoomStore.leave publishes it on the room's channel).
   */
  private async notFor(batch: StreamEntry[]): Promise<ReadonlyMap<string, string> | undefined> {
    if (!this.memberships || batch.length === 0) return undefined;
    const last = batch.at(-1)!.position;
    // Per user, the oldest cursor of its live sessions: one already past the whole batch is not asked about.
    const users = new Map<string, string>();
    for (const [session, reading] of this.readings) {
      if (!reading.live || !after(last, reading.cursor)) continue;
      const userId = session.user!.userId;
      const known = users.get(userId);
      if (known === undefined || after(known, reading.cursor)) users.set(userId, reading.cursor);
    }
    if (users.size === 0) return undefined;
    const members = await this.memberships(this.room, [...users.keys()]);
    const skip = new Map<string, string>();
    for (const [userId, cursor] of users) {
      const since = members.get(userId);
      if (since === undefined) skip.set(userId, last);
      else if (after(since, cursor)) skip.set(userId, since);
    }
    const first = batch[0]!.position;
    if (skip.size > 0) this.log.info({ room: this.room, users: [...skip.keys()], from: first, to: last }, "a read of the room's stream holds messages stored after these users left or before they joined: not sent to them");
    return skip.size > 0 ? skip : undefined;
  }

  /**
   * Up to where a replay's read goes to nobody of `session`'s user: "0" (all its) for a member since before it, where
   * its membership began, or undefined when it is no member now (the replay stops; the leave's event takes the
   * session out). A read of the stream can pass a leave this gateway has not heard, as a fan-out's (notFor).
   */
  private async replayBound(session: Session, read: StreamEntry[]): Promise<string | undefined> {
    if (!this.memberships || read.length === 0) return "0";
    const userId = session.user!.userId;
    const since = (await this.memberships(this.room, [userId])).get(userId);
    if (since === undefined) this.log.info({ room: this.room, userId }, "a replay's read of the room's stream is for a user no member now (a leave not heard here yet): stopped");
    return since;
  }

  /**
   * On a cluster, true when the stream, read again now, holds `last`, the newest message of a read (or none): the
   * read was answered by the master serving the room, not by one paused past the node timeout that answered the
   * reads queued for it on waking, from messages it then lost in its demotion. Standing on one of those, the reader
   * would pass what the new master stored meanwhile (earlier ids). A message before it in the read was stored before
   * it on the same master, so the new master holds all of them. False logs one line: the caller reads again.
   */
  private async holds(last: Newest | undefined, what: string): Promise<boolean> {
    if (!this.confirmWakes || !last) return true;
    const [found] = await this.messages.readRoom(this.room, String(BigInt(last.position) - 1n), 1, { asStored: true });
    if (found?.position === last.position && (last.from === undefined || found.message.from === last.from)) return true;
    this.log.warn({ room: this.room, position: last.position }, `${what} of the room's stream is not in it when read again (answered by a master demoted since): reading again`);
    return false;
  }

  /**
   * Checks that the stream holds the message a wake-up moved the cursor to. When not (its master lost it in a failover
   * after publishing its wake-up), the gateway's cursor and its sessions' go back to the last one a read found, and
   * it answers true: the messages fanned out from wake-ups since (the ledger's) are not sent again.
   */
  private async confirm(): Promise<boolean> {
    const [found] = await this.messages.readRoom(this.room, String(BigInt(this.cursor) - 1n), 1, { asStored: true });
    if (found?.position === this.cursor) {
      this.wakes.found(this.cursor);
      return false;
    }
    const { confirmed } = this.wakes;
    this.log.warn({ room: this.room, cursor: this.cursor, from: confirmed }, "a message fanned out from its wake-up is not in the room's stream (lost in a failover): reading again from the last one found");
    await this.fanOutChain;
    this.cursor = confirmed;
    for (const reading of this.readings.values()) if (reading.live && after(reading.cursor, confirmed)) reading.cursor = confirmed;
    return true;
  }

  /**
   * Queues a batch for the fan-out; fan-outs run one after another, in order. The gateway's cursor moves now, so
   * a session joining meanwhile starts after the batch and a replay finishing meanwhile reads it from the stream
   * (each session's own cursor keeps it from getting anything twice).
   */
  private fanOut(batch: StreamEntry[], skip?: ReadonlyMap<string, string>): Promise<void> {
    const last = batch.at(-1)?.position;
    if (last && after(last, this.cursor)) this.cursor = last;
    this.fanOuts++;
    const run = this.fanOutChain.then(() => this.fanOutNow(batch, skip));
    this.fanOutChain = run.catch(() => undefined).finally(() => this.fanOuts--);
    return run;
  }

  /**
   * Sends a batch to every live session, yielding to the event loop every SLICE_SESSIONS sessions; a session whose user
   * `skip` names gets nothing up to the position named (its cursor moves past the batch all the same).
   */
  private async fanOutNow(batch: StreamEntry[], skip?: ReadonlyMap<string, string>): Promise<void> {
    for (const chunk of chunks(batch)) {
      const last = chunk.at(-1)!.position;
      const devices = new Set(chunk.map((entry) => entry.dev));
      const messages = chunk.map((entry) => entry.message);
      const shared = encodeMessages(messages);
      let sharedEach: Uint8Array[] | undefined;
      const each = () => (sharedEach ??= encodeEach(messages));
      let sent = 0;
      let served = 0;
      for (const [session, reading] of [...this.readings]) {
        if (!reading.live || this.readings.get(session) !== reading) continue;
        const through = skip?.get(session.user!.userId);
        // The common case: a device that has none of these, sent none of them and may have all gets the shared bytes.
        if (through === undefined && !devices.has(session.user!.sessionId) && after(chunk[0]!.position, reading.cursor)) {
          reading.cursor = last;
          if (sendMessages(session, messages, shared, each)) sent += chunk.length;
        } else {
          sent += this.sendTo(session, reading, chunk, through);
        }
        if (++served % SLICE_SESSIONS === 0) await yieldToLoop();
      }
      this.metrics.framesOut.inc({ kind: this.kind }, sent);
    }
  }

  /**
   * Sends the entries of `chunk` this session has not had, whose device it is not and that follow `through`; returns
   * how many.
   */
  private sendTo(session: Session, reading: Reading, chunk: StreamEntry[], through = "0"): number {
    const device = session.user!.sessionId;
    const fresh = chunk.filter((entry) => after(entry.position, reading.cursor) && after(entry.position, through) && entry.dev !== device).map((entry) => entry.message);
    const last = chunk.at(-1)!.position;
    if (after(last, reading.cursor)) reading.cursor = last;
    return fresh.length > 0 && sendMessages(session, fresh) ? fresh.length : 0;
  }
}
