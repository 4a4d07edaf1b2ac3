// Delivery from the streams: each session reads its inbox from its own cursor, and the gateway reads the
// group stream once for all its sessions. Pub/sub only wakes these readers, so nothing is skipped,
// repeated or reordered when a wake-up is lost or a client reconnects.
import type { Logger } from "pino";
import { encodeFrame, ErrorCode } from "@cim/protocol";
import { compareIds, type MessageStore, type StoredMessage } from "@cim/state";
import type { GatewayMetrics } from "./metrics.js";
import { Pump } from "./pump.js";
import type { Session } from "./session.js";
import type { SessionTable } from "./session-table.js";

const BATCH = 500;
/** At most this many group messages are replayed to one reconnecting client; older ones come from history. */
const MAX_GROUP_REPLAY = 5_000;

const after = (a: string, b: string) => compareIds(a, b) > 0;

export class Delivery {
  /** The newest group message this gateway has fanned out. */
  private groupCursor = "0";
  private readonly groupPump: Pump;
  private readonly inboxPumps = new WeakMap<Session, Pump>();

  constructor(private readonly messages: MessageStore, private readonly table: SessionTable, private readonly metrics: GatewayMetrics, private readonly log: Logger) {
    this.groupPump = new Pump(() => this.drainGroup(), (error) => log.error({ err: error }, "group delivery failed; retried on the next wake-up"));
  }

  /** Starts after the newest group message: sessions get what is sent from now on, or what they ask for. */
  async start(): Promise<void> {
    this.groupCursor = await this.messages.lastGroupId();
  }

  wakeGroup(): void {
    this.groupPump.wake();
  }

  /** A new group message from the bus: fanned out at once when it follows our cursor, else read from the stream. */
  offerGroup(message: StoredMessage | undefined, prev: string | undefined): void {
    if (message && prev === this.groupCursor && !this.groupPump.busy) this.fanOutGroup(message, encodeFrame({ kind: "message", body: message }));
    else this.wakeGroup();
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
    const userId = session.user!.userId;
    const inboxAfter = seen.inboxAfter || (await this.messages.inboxCursor(userId));
    if (compareIds(inboxAfter, "0") > 0 && (await this.messages.trimmedAfter({ inboxOf: userId }, inboxAfter))) {
      session.send({ kind: "error", body: { code: ErrorCode.HistoryTrimmed, message: "private messages were trimmed past your last one: load history", clientMsgId: "" } });
    }
    session.inboxCursor = inboxAfter;
    session.inboxReady = true;
    this.wakeInbox(session);
    if (seen.groupAfter) await this.replayGroup(session, seen.groupAfter);
    else session.groupCursor = this.groupCursor;
    session.recovering = false;
  }

  private async replayGroup(session: Session, groupAfter: string): Promise<void> {
    if (await this.messages.trimmedAfter("group", groupAfter)) {
      session.send({ kind: "error", body: { code: ErrorCode.HistoryTrimmed, message: "group messages were trimmed past your last one: load history", clientMsgId: "" } });
    }
    session.groupCursor = groupAfter;
    let replayed = 0;
    for (;;) {
      const batch = await this.messages.readGroup(session.groupCursor, BATCH);
      for (const message of batch) if (this.deliverGroup(session, message, encodeFrame({ kind: "message", body: message }))) this.metrics.framesOut.inc({ kind: "group" });
      replayed += batch.length;
      // Caught up with what the gateway has fanned out: from here the group pump serves this session.
      if ((batch.length < BATCH && !after(this.groupCursor, session.groupCursor)) || replayed >= MAX_GROUP_REPLAY) return;
    }
  }

  private async drainGroup(): Promise<void> {
    for (;;) {
      const batch = await this.messages.readGroup(this.groupCursor, BATCH);
      for (const message of batch) this.fanOutGroup(message, encodeFrame({ kind: "message", body: message }));
      if (batch.length < BATCH) return;
    }
  }

  private fanOutGroup(message: StoredMessage, bytes: Uint8Array): void {
    let sent = 0;
    for (const session of this.table.users()) if (!session.recovering && this.deliverGroup(session, message, bytes)) sent++;
    this.groupCursor = message.msgId;
    this.metrics.framesOut.inc({ kind: "group" }, sent);
  }

  /** Sends a group message to one session unless it had it; true when sent. */
  private deliverGroup(session: Session, message: StoredMessage, bytes: Uint8Array): boolean {
    if (!after(message.msgId, session.groupCursor)) return false;
    session.groupCursor = message.msgId;
    return message.from !== session.user?.userId && session.sendBytes(bytes);
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
