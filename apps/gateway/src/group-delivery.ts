// The group stream, read once per gateway for all its sessions. Messages that arrive together go out
// together: one MessageBatch frame (one write) per session instead of one frame per message. It alone moves a
// session's `groupCursor` and ends its `recovering` (join, replay).
import type { Logger } from "pino";
import { compareIds, encodeFrame, ErrorCode } from "@cim/protocol";
import type { MessageStore, StoredMessage } from "@cim/state";
import type { GatewayMetrics } from "./metrics.js";
import { Pump } from "./pump.js";
import type { Session } from "./session.js";
import type { SessionTable } from "./session-table.js";

const READ_BATCH = 500;
/** One frame carries at most this many messages or about this many bytes of text. */
const FRAME_MESSAGES = 64;
const FRAME_TEXT_BYTES = 48 * 1024;
/** A replay sends its next frame only while the session's socket holds less than this (and half its bound). */
const REPLAY_BUFFER_BYTES = 256 * 1024;
const REPLAY_DRAIN_POLL_MS = 10;
/** A reader that drains nothing for this long is left to the slow-consumer bound of `Session.sendBytes`. */
const REPLAY_DRAIN_TIMEOUT_MS = 30_000;

const after = (a: string, b: string) => compareIds(a, b) > 0;
/** Below the slow-consumer bound, so a replay never trips it with its own frames. */
const replayMark = (session: Session) => Math.min(REPLAY_BUFFER_BYTES, session.maxBufferedBytes / 2);

/** One frame for one or more messages. */
function encodeMessages(messages: StoredMessage[]): Uint8Array {
  return messages.length === 1 ? encodeFrame({ kind: "message", body: messages[0]! }) : encodeFrame({ kind: "messageBatch", body: { messages } });
}

/** Splits a run of messages into frame-sized chunks. */
function chunks(messages: StoredMessage[]): StoredMessage[][] {
  const out: StoredMessage[][] = [];
  let current: StoredMessage[] = [];
  let bytes = 0;
  for (const message of messages) {
    if (current.length >= FRAME_MESSAGES || (current.length > 0 && bytes + message.text.length * 3 > FRAME_TEXT_BYTES)) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(message);
    bytes += message.text.length * 3;
  }
  if (current.length) out.push(current);
  return out;
}

export class GroupDelivery {
  /** The newest group message this gateway has fanned out. */
  private cursor = "0";
  /** Messages from the bus that follow the cursor, sent together at the end of this tick. */
  private pending: StoredMessage[] = [];
  private flushScheduled = false;
  private readonly pump: Pump;

  constructor(private readonly messages: MessageStore, private readonly table: SessionTable, private readonly metrics: GatewayMetrics, log: Logger) {
    this.pump = new Pump(() => this.drain(), (error) => log.error({ err: error }, "group delivery failed; retried on the next wake-up"));
  }

  /** Starts after the newest group message: sessions get what is sent from now on, or what they ask for. */
  async start(): Promise<void> {
    this.cursor = await this.messages.lastGroupId();
  }

  get newest(): string {
    return this.cursor;
  }

  /** A message from the bus: queued when it follows what we have, else the stream is read. */
  offer(message: StoredMessage | undefined, prev: string | undefined): void {
    const tail = this.pending.at(-1)?.msgId ?? this.cursor;
    if (message && prev === tail && !this.pump.busy) {
      this.pending.push(message);
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

  /** Serves a session that asked for nothing older from now on: set before any await, so no fan-out skips it. */
  join(session: Session): void {
    session.groupCursor = this.cursor;
    session.recovering = false;
  }

  /**
   * Sends a reconnecting session everything after `groupAfter`, read in pages and sent in frames that wait for a
   * slow reader's socket to drain, until it has caught up with the gateway; then the fan-out serves it.
   */
  async replay(session: Session, groupAfter: string): Promise<void> {
    if (await this.messages.trimmedAfter("group", groupAfter)) {
      session.send({ kind: "error", body: { code: ErrorCode.HistoryTrimmed, message: "group messages were trimmed past your last one: load history", clientMsgId: "" } });
    }
    session.groupCursor = groupAfter;
    while (session.isOpen) {
      const batch = await this.messages.readGroup(session.groupCursor, READ_BATCH);
      for (const chunk of chunks(batch)) {
        if (session.socket.bufferedAmount > replayMark(session)) await this.drained(session);
        this.sendTo(session, chunk);
      }
      // Caught up with what the gateway has fanned out. The check and the hand-over are one step (no await
      // between): a fan-out that ran during our read skipped this session but moved the gateway's cursor, so we
      // read again; one that runs after it serves the session.
      if (batch.length < READ_BATCH && !after(this.cursor, session.groupCursor)) {
        session.recovering = false;
        return;
      }
    }
  }

  /** Waits until the session's socket holds at most its replay mark, it closes, or the reader stalls. */
  private async drained(session: Session): Promise<void> {
    const deadline = Date.now() + REPLAY_DRAIN_TIMEOUT_MS;
    while (session.isOpen && session.socket.bufferedAmount > replayMark(session) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, REPLAY_DRAIN_POLL_MS));
    }
  }

  private flush(): void {
    this.flushScheduled = false;
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.fanOut(batch);
  }

  private async drain(): Promise<void> {
    for (;;) {
      const batch = await this.messages.readGroup(this.cursor, READ_BATCH);
      this.fanOut(batch);
      if (batch.length < READ_BATCH) return;
    }
  }

  private fanOut(batch: StoredMessage[]): void {
    for (const chunk of chunks(batch)) {
      const last = chunk.at(-1)!.msgId;
      const senders = new Set(chunk.map((m) => m.from));
      const shared = encodeMessages(chunk);
      let sent = 0;
      for (const session of this.table.users()) {
        if (session.recovering) continue;
        // The common case: a reader that has none of these and sent none of them gets the shared bytes.
        if (!senders.has(session.user!.userId) && after(chunk[0]!.msgId, session.groupCursor)) {
          session.groupCursor = last;
          if (session.sendBytes(shared)) sent += chunk.length;
        } else {
          sent += this.sendTo(session, chunk);
        }
      }
      if (after(last, this.cursor)) this.cursor = last;
      this.metrics.framesOut.inc({ kind: "group" }, sent);
    }
  }

  /** Sends the messages of `chunk` this session has not had and did not send; returns how many. */
  private sendTo(session: Session, chunk: StoredMessage[]): number {
    const fresh = chunk.filter((m) => after(m.msgId, session.groupCursor) && m.from !== session.user!.userId);
    const last = chunk.at(-1)!.msgId;
    if (after(last, session.groupCursor)) session.groupCursor = last;
    return fresh.length > 0 && session.sendBytes(encodeMessages(fresh)) ? fresh.length : 0;
  }
}
