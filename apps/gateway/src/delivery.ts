// Delivery from the streams: each session reads its inbox from its own cursor, and the gateway reads the
// group stream once for all its sessions (GroupDelivery). Pub/sub only wakes these readers, so nothing is
// skipped, repeated or reordered when a wake-up is lost or a client reconnects.
import type { Logger } from "pino";
import { compareIds, encodeFrame, ErrorCode } from "@cim/protocol";
import type { MessageStore, StoredMessage } from "@cim/state";
import { GroupDelivery } from "./group-delivery.js";
import type { GatewayMetrics } from "./metrics.js";
import { Pump } from "./pump.js";
import type { Session } from "./session.js";
import type { SessionTable } from "./session-table.js";

const BATCH = 500;

export class Delivery {
  private readonly group: GroupDelivery;
  private readonly inboxPumps = new WeakMap<Session, Pump>();

  constructor(private readonly messages: MessageStore, private readonly table: SessionTable, private readonly metrics: GatewayMetrics, private readonly log: Logger) {
    this.group = new GroupDelivery(messages, table, metrics, log);
  }

  async start(): Promise<void> {
    await this.group.start();
  }

  wakeGroup(): void {
    this.group.wake();
  }

  /** A new group message from the bus (see GroupDelivery.offer). */
  offerGroup(message: StoredMessage | undefined, prev: string | undefined): void {
    this.group.offer(message, prev);
  }

  wakeInbox(session: Session): void {
    if (session.inboxReady) this.inboxPump(session).wake();
  }

  /** A new private message from the bus: sent at once when it follows the session's cursor, else read. */
  offerInbox(session: Session, message: StoredMessage | undefined, prev: string | undefined): void {
    if (!session.inboxReady) return;
    const pump = this.inboxPump(session);
    if (message && prev === session.inboxCursor && !pump.busy) this.sendInbox(session, message);
    else pump.wake();
  }

  private inboxPump(session: Session): Pump {
    let pump = this.inboxPumps.get(session);
    if (!pump) {
      pump = new Pump(() => this.drainInbox(session), (error) => this.log.error({ err: error, userId: session.user?.userId }, "inbox delivery failed; retried on the next wake-up"));
      this.inboxPumps.set(session, pump);
    }
    return pump;
  }

  /** Wakes every reader: after the bus reconnects, wake-ups may have been lost. */
  wakeAll(): void {
    this.wakeGroup();
    for (const session of this.table.users()) this.wakeInbox(session);
  }

  /** Sets a new session's cursors from what its client has seen, then sends what came after. */
  async recover(session: Session, seen: { groupAfter: string; inboxAfter: string }): Promise<void> {
    // Without a point to resume from, the session takes group messages from now on. This must happen
    // before the first await: a group message fanned out meanwhile would skip a still-recovering session.
    if (!seen.groupAfter) this.group.join(session);
    const userId = session.user!.userId;
    const inboxAfter = seen.inboxAfter || (await this.messages.inboxCursor(userId));
    if (compareIds(inboxAfter, "0") > 0 && (await this.messages.trimmedAfter({ inboxOf: userId }, inboxAfter))) {
      session.send({ kind: "error", body: { code: ErrorCode.HistoryTrimmed, message: "private messages were trimmed past your last one: load history", clientMsgId: "" } });
    }
    session.inboxCursor = inboxAfter;
    session.inboxReady = true;
    this.wakeInbox(session);
    // The replay hands the session over to the live fan-out itself, in the step that finds it caught up.
    if (seen.groupAfter) await this.group.replay(session, seen.groupAfter);
  }

  private async drainInbox(session: Session): Promise<void> {
    const userId = session.user?.userId;
    while (userId && session.isOpen) {
      const batch = await this.messages.readInbox(userId, session.inboxCursor, BATCH);
      for (const message of batch) if (!this.sendInbox(session, message)) return;
      if (batch.length < BATCH) return;
    }
  }

  private sendInbox(session: Session, message: StoredMessage): boolean {
    if (!session.sendBytes(encodeFrame({ kind: "message", body: message }))) return false;
    session.inboxCursor = message.msgId;
    this.metrics.framesOut.inc({ kind: "private" });
    return true;
  }
}
