// Private messages: each session reads its user's inbox from its own position (an inbox entry id), woken by the
// bus. A message goes to every device of the user but the one that sent it.
import type { Logger } from "pino";
import { compareIds } from "@cim/protocol";
import { FailureLog, type InboxStore, type StreamEntry } from "@cim/state";
import { chunks, sendMessages } from "./message-frames.js";
import type { GatewayMetrics } from "./metrics.js";
import { Pump, type PumpTask } from "./pump.js";
import type { Session } from "./session.js";
import type { SessionTable } from "./session-table.js";
import { drainedForReplay } from "./socket-drain.js";
import { Rereads, WakeLedger } from "./wake-ledger.js";

const BATCH = 500;
/**
 * How long a wake-up that came before the one it follows waits for it, before the inbox is read. The usual case:
 * the sender's own entry comes with its store's answer, on another connection than the bus, and the peer's reply
 * stored right after it can be read from the bus first; the answer follows within an event-loop turn or two.
 */
const GAP_GRACE_MS = 10;
/** Wake-ups held per session at most; one more reads the inbox at once. */
const MAX_HELD = 64;
/**
 * Entries sent from wake-ups without an inbox read since, per session at most: one more reads the inbox (from the
 * last of them), which confirms them. A woken master demoted under its writes (docs/DEPLOYMENT.md) publishes wake-ups
 * of entries it then loses: a reader standing on one has to go back, and knows from these what it sent already.
 */
const MAX_UNCONFIRMED = 32;

/** A wake-up that says where its entry goes: it can be sent without reading the inbox. */
type PlacedWake = Required<Pick<InboxWake, "message" | "entry" | "prev">> & { dev: string };

/** A session's place in its inbox: the last position passed (sent, or skipped as its own). It is its pump's task,
 * so a reading holds no closures of its own, and its own WakeLedger (the last position an inbox read found, what
 * wake-ups sent since), so it holds no other object either. */
class InboxReading extends WakeLedger implements PumpTask {
  readonly pump = new Pump(this);
  /** Wake-ups that came before the entry they follow, by that entry (their prev); made when first needed, as most
   * sessions never hold one (a Map per idle session would cost about 200 B). */
  held: Map<string, PlacedWake> | null = null;
  gapTimer: NodeJS.Timeout | null = null;

  constructor(private readonly delivery: InboxDelivery, readonly session: Session, public position: string) {
    super(position, MAX_UNCONFIRMED);
  }

  drain(): Promise<void> {
    return this.delivery.drain(this);
  }

  idle(): void {
    this.delivery.release(this);
  }

  failed(error: unknown): void {
    this.delivery.failed(this, error);
  }
}

/** A wake-up of a user's inbox readers: the newest entry, and the position before it ("" unknown). */
export interface InboxWake {
  message?: StreamEntry["message"];
  entry?: string;
  prev?: string;
  dev?: string;
}

export class InboxDelivery {
  private readonly readings = new Map<Session, InboxReading>();
  /** Redis lost: every session's read fails at once; one line per window says so, not one per session. */
  private readonly failures: FailureLog;
  /**
   * Readings whose last drain failed, read again by `retryFailed` (the gateway's poll): a read failed for want of Redis
   * while the bus stayed subscribed (a stall past the command timeout, a reset command connection) is followed by no
   * catch-up, and the device got what its inbox held only with the user's next wake-up.
   */
  private readonly failedReadings = new Set<InboxReading>();

  constructor(
    private readonly inboxes: Pick<InboxStore, "read">,
    private readonly table: SessionTable,
    private readonly metrics: GatewayMetrics,
    private readonly log: Logger,
    /** On a Redis Cluster: wake-ups may name entries their master then lost, so readings check them (MAX_UNCONFIRMED). */
    private readonly confirmWakes = false,
  ) {
    this.failures = new FailureLog(log);
  }

  /** Starts delivering to a session after inbox position `position`. */
  start(session: Session, position: string): void {
    const reading = new InboxReading(this, session, position);
    this.readings.set(session, reading);
    reading.pump.wake();
  }

  stop(session: Session): void {
    const reading = this.readings.get(session);
    if (reading?.gapTimer) clearTimeout(reading.gapTimer);
    if (reading) this.failedReadings.delete(reading);
    this.readings.delete(session);
  }

  /** Reads again the inboxes whose last read failed (see `failedReadings`). */
  retryFailed(): void {
    for (const reading of this.failedReadings) {
      this.failedReadings.delete(reading);
      if (this.readings.get(reading.session) === reading) reading.pump.wake();
    }
  }

  /**
   * A wake-up for `userId`: the message is sent at once to a session whose position is right before it. One that
   * comes before the entry it follows waits for that entry's wake-up (GAP_GRACE_MS); then, or when it does not
   * say where it goes, the inbox is read.
   */
  offer(userId: string, wake: InboxWake): void {
    const { message, entry, prev, dev = "" } = wake;
    for (const session of this.table.sessionsOf(userId)) {
      const reading = this.readings.get(session);
      if (!reading) continue;
      if (!message || !entry || !prev) reading.pump.wake();
      else if (compareIds(entry, reading.position) <= 0) {
        // Passed already, unless no read or wake-up sent it: the reader was moved past it by a lost entry's wake-up.
        if (this.confirmWakes && reading.skipped(entry)) reading.pump.wake();
      } else if (prev === reading.position && !reading.pump.busy) {
        if (this.deliver(session, reading, [{ position: entry, message, dev }], true)) this.release(reading);
      } else this.hold(reading, { message, entry, prev, dev });
    }
  }

  /** Sends the held wake-ups that now follow the reading's position; waits (GAP_GRACE_MS) for a gap before the rest. */
  release(reading: InboxReading): void {
    const { held, session } = reading;
    if (!held?.size || reading.pump.busy || this.readings.get(session) !== reading) return;
    for (let next = held.get(reading.position); next; next = held.get(reading.position)) {
      held.delete(next.prev);
      if (!this.deliver(session, reading, [{ position: next.entry, message: next.message, dev: next.dev }], true)) return;
    }
    for (const [prev, wake] of held) {
      if (compareIds(wake.entry, reading.position) > 0) continue;
      held.delete(prev);
      if (this.confirmWakes && reading.skipped(wake.entry)) reading.pump.wake();
    }
    if (held.size === 0 && reading.gapTimer) {
      clearTimeout(reading.gapTimer);
      reading.gapTimer = null;
    } else if (held.size > 0) reading.gapTimer ??= setTimeout(() => this.closeGap(reading), GAP_GRACE_MS);
  }

  private hold(reading: InboxReading, wake: PlacedWake): void {
    reading.held ??= new Map();
    if (reading.held.size >= MAX_HELD) {
      reading.held.clear();
      reading.pump.wake();
      return;
    }
    reading.held.set(wake.prev, wake);
    if (!reading.pump.busy) reading.gapTimer ??= setTimeout(() => this.closeGap(reading), GAP_GRACE_MS);
  }

  /** The entries the held wake-ups follow did not come in time: the inbox is read from the position. */
  private closeGap(reading: InboxReading): void {
    reading.gapTimer = null;
    if (this.readings.get(reading.session) !== reading || !reading.held?.size) return;
    reading.held.clear();
    reading.pump.wake();
  }

  /** Wakes every reader: after the bus reconnects, wake-ups may have been lost. */
  wakeAll(): void {
    for (const reading of this.readings.values()) reading.pump.wake();
  }

  /** Sends what the inbox holds after the reading's position (run by its pump, one drain at a time). */
  async drain(reading: InboxReading): Promise<void> {
    const { session } = reading;
    const userId = session.user!.userId;
    if (this.confirmWakes && reading.position !== reading.confirmed) await this.confirm(reading, userId);
    const rereads = new Rereads(`user ${userId}: an inbox read was not in the inbox when read again`);
    while (session.isOpen && this.readings.get(session) === reading) {
      const batch = await this.inboxes.read(userId, reading.position, BATCH);
      if (!(await this.holds(userId, batch.at(-1)))) {
        rereads.again();
        continue;
      }
      for (const chunk of chunks(batch)) {
        // A backlog (a device back after a while) goes out as fast as the socket drains: sent at once, a device
        // catching up over a slow link was cut off (4429) again and again (scripts/slow-link-probe.ts).
        await drainedForReplay(session);
        if (!session.isOpen || this.readings.get(session) !== reading) return;
        if (!this.deliver(session, reading, chunk)) return;
      }
      if (batch.length < BATCH) return;
    }
  }

  /**
   * On a cluster, true when the inbox, read again now, holds `last`, the newest entry of a read (or none): the read was
   * answered by the master serving the inbox, not by one paused past the node timeout that answered the reads queued
   * for it on waking, from entries it then lost in its demotion. Standing on one of those, the reading would pass
   * entries the new master wrote meanwhile. An entry before it in the read was written before it on the same master,
   * so the new master holds all of them. False logs one line: the caller reads again.
   */
  private async holds(userId: string, last: StreamEntry | undefined): Promise<boolean> {
    if (!this.confirmWakes || !last) return true;
    const [found] = await this.inboxes.read(userId, String(BigInt(last.position) - 1n), 1, { asStored: true });
    if (found?.position === last.position && found.message.msgId === last.message.msgId) return true;
    this.log.warn({ userId, position: last.position }, "an inbox read is not in the inbox when read again (answered by a master demoted since): reading again");
    return false;
  }

  /**
   * Checks that the inbox holds the entry a wake-up moved the reading to; when not (its master lost it in a failover
   * after publishing its wake-up), the reading goes back to the last position a read found, and what wake-ups sent
   * since is not sent again: an entry the new master wrote before the lost one is then read and sent.
   */
  private async confirm(reading: InboxReading, userId: string): Promise<void> {
    const [found] = await this.inboxes.read(userId, String(BigInt(reading.position) - 1n), 1, { asStored: true });
    if (this.readings.get(reading.session) !== reading) return;
    if (found?.position === reading.position) {
      reading.found(reading.position);
      return;
    }
    this.log.warn({ userId, position: reading.position, from: reading.confirmed }, "an inbox entry sent from its wake-up is not in the inbox (lost in a failover): reading again from the last position found");
    reading.position = reading.confirmed;
  }

  failed(reading: InboxReading, error: unknown): void {
    if (this.readings.get(reading.session) === reading) this.failedReadings.add(reading);
    this.failures.failed({ userId: reading.session.user?.userId }, "inbox delivery failed; retried on the next wake-up or poll", error);
  }

  /**
   * Sends the entries this device did not send, several in one MessageBatch frame to a client that takes them (a
   * login's replay of hundreds is a few frames, not one each); false when the socket took nothing more (closed or cut off).
   */
  private deliver(session: Session, reading: InboxReading, entries: StreamEntry[], fromWake = false): boolean {
    const device = session.user!.sessionId;
    for (const chunk of chunks(entries)) {
      const shown = chunk.filter((entry) => entry.dev !== device && !reading.wasSent(entry.position)).map((entry) => entry.message);
      if (shown.length > 0) {
        if (!sendMessages(session, shown)) return false;
        this.metrics.framesOut.inc({ kind: "private" }, shown.length);
      }
      reading.position = chunk.at(-1)!.position;
    }
    if (!fromWake) reading.found(reading.position);
    else if (this.confirmWakes && reading.sentFromWake(reading.position)) reading.pump.wake();
    return true;
  }
}
