// Private messages: each session reads its user's inbox from its own position (an inbox entry id), woken by the
// bus. A message goes to every device of the user but the one that sent it.
import type { Logger } from "pino";
import { encodeFrame } from "@cim/protocol";
import type { InboxStore, StreamEntry } from "@cim/state";
import type { GatewayMetrics } from "./metrics.js";
import { Pump, type PumpTask } from "./pump.js";
import type { Session } from "./session.js";
import type { SessionTable } from "./session-table.js";

const BATCH = 500;

/** A session's place in its inbox: the last position passed (sent, or skipped as its own). It is its pump's task,
 * so a reading holds no closures of its own. */
class InboxReading implements PumpTask {
  readonly pump = new Pump(this);

  constructor(private readonly delivery: InboxDelivery, readonly session: Session, public position: string) {}

  drain(): Promise<void> {
    return this.delivery.drain(this);
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

  constructor(
    private readonly inboxes: Pick<InboxStore, "read">,
    private readonly table: SessionTable,
    private readonly metrics: GatewayMetrics,
    private readonly log: Logger,
  ) {}

  /** Starts delivering to a session after inbox position `position`. */
  start(session: Session, position: string): void {
    const reading = new InboxReading(this, session, position);
    this.readings.set(session, reading);
    reading.pump.wake();
  }

  stop(session: Session): void {
    this.readings.delete(session);
  }

  /** A wake-up for `userId`: the message is sent at once to a session whose position is right before it. */
  offer(userId: string, wake: InboxWake): void {
    for (const session of this.table.sessionsOf(userId)) {
      const reading = this.readings.get(session);
      if (!reading) continue;
      const { message, entry, prev, dev } = wake;
      if (message && entry && prev === reading.position && !reading.pump.busy) this.deliver(session, reading, { position: entry, message, dev: dev ?? "" });
      else reading.pump.wake();
    }
  }

  /** Wakes every reader: after the bus reconnects, wake-ups may have been lost. */
  wakeAll(): void {
    for (const reading of this.readings.values()) reading.pump.wake();
  }

  /** Sends what the inbox holds after the reading's position (run by its pump, one drain at a time). */
  async drain(reading: InboxReading): Promise<void> {
    const { session } = reading;
    const userId = session.user!.userId;
    while (session.isOpen && this.readings.get(session) === reading) {
      const batch = await this.inboxes.read(userId, reading.position, BATCH);
      for (const entry of batch) if (!this.deliver(session, reading, entry)) return;
      if (batch.length < BATCH) return;
    }
  }

  failed(reading: InboxReading, error: unknown): void {
    this.log.error({ err: error, userId: reading.session.user?.userId }, "inbox delivery failed; retried on the next wake-up");
  }

  /** Sends an entry unless this device sent it; false when the socket took nothing more (closed or cut off). */
  private deliver(session: Session, reading: InboxReading, entry: StreamEntry): boolean {
    if (entry.dev !== session.user!.sessionId) {
      if (!session.sendBytes(encodeFrame({ kind: "message", body: entry.message }))) return false;
      this.metrics.framesOut.inc({ kind: "private" });
    }
    reading.position = entry.position;
    return true;
  }
}
