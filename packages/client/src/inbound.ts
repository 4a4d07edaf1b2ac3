// What a gateway pushes to a logged-in client: frames dispatched by kind, the cursors of what was seen, duplicates.
import { ErrorCode, type ChatMessage, type Frame, type LoginAck, type Read, type RoomEvent } from "@cim/protocol";
import { conversationOfSend } from "./conversation.js";
import { StreamCursors } from "./cursors.js";
import { SendError } from "./errors.js";
import type { ClientEmitters } from "./events.js";
import { isRetryable, type Outbox } from "./outbox.js";
import type { ClientLogger, ClientStats } from "./types.js";

export interface InboundDeps {
  outbox: Outbox;
  events: ClientEmitters;
  logger: ClientLogger;
  /** The logged-in user's id ("" before login). */
  me: () => string;
  /** Called for every new private message from someone else (answers it with Delivered when the client does so). */
  markDelivered: (message: ChatMessage) => void;
  /** Called for a Read of the user itself (its own position, from this or another device). */
  ownRead: (read: Read) => void;
  /** The gateway could not handle a frame that names no Send (a Read or Delivered while Redis is down). */
  requestFailed: () => void;
}

/** Owns the cursors sent at every (re)login and the duplicate counter; one per client, across reconnects. */
export class Inbound {
  readonly cursors = new StreamCursors();
  readonly stats: ClientStats = { duplicatesDropped: 0, ownEchoesDropped: 0 };

  constructor(private readonly deps: InboundDeps) {}

  /** The session is established: streams the client had no cursor for start where the gateway started them. */
  loggedIn(ack: LoginAck): void {
    this.cursors.adopt(ack);
  }

  /** Handles one frame after LoginAck. */
  handle(frame: Frame): void {
    const { events, outbox } = this.deps;
    switch (frame.kind) {
      case "sendAck": {
        const send = outbox.acknowledge(frame.body);
        if (send) this.cursors.sent(conversationOfSend(send.body), frame.body.msgId);
        return;
      }
      case "error":
        if (frame.body.code === ErrorCode.HistoryTrimmed) return events.gap.emit({ message: frame.body.message });
        if (frame.body.code === ErrorCode.Unavailable && !frame.body.clientMsgId) this.deps.requestFailed();
        if (!outbox.fail(frame.body)) events.error.emit(new SendError(frame.body.code, frame.body.message, frame.body.clientMsgId));
        else if (isRetryable(frame.body.code)) events.sendRetry.emit(frame.body);
        return;
      case "message":
        return this.receive(frame.body);
      case "messageBatch":
        for (const message of frame.body.messages) this.receive(message);
        return;
      case "presence":
        return events.presence.emit(frame.body);
      case "presenceBatch":
        for (const presence of frame.body.presences) events.presence.emit(presence);
        return;
      case "delivered":
        return events.delivered.emit(frame.body);
      case "read":
        if (frame.body.by === this.deps.me()) this.deps.ownRead(frame.body);
        return events.read.emit(frame.body);
      case "roomEvent":
        return this.roomEvent(frame.body);
      case "typing":
        return events.typing.emit(frame.body);
      case "blockEvent":
        return events.block.emit(frame.body);
      default:
        return;
    }
  }

  private receive(message: ChatMessage): void {
    // Each stream arrives in order and a reconnect asks for what came after: a repeat is one the gateway should
    // not have sent. Dropped, but counted and logged so a regression shows. This client's own sends coming back
    // (their msgId known from the SendAck) are dropped too, silently: the app shows them already.
    const me = this.deps.me();
    const verdict = this.cursors.accept(message, me);
    if (verdict.kind === "echo") {
      this.stats.ownEchoesDropped++;
      return;
    }
    if (verdict.kind === "duplicate") {
      const dropped = ++this.stats.duplicatesDropped;
      const seen = verdict.stream === "inbox" ? "already received" : `not newer than ${verdict.last}`;
      this.deps.logger.warn(`cim: dropped message ${message.msgId}, ${seen} in the ${verdict.stream} stream (${dropped} dropped so far)`);
      this.deps.events.duplicate.emit(message);
      return;
    }
    this.deps.events.message.emit(message);
    if (message.from !== me) this.deps.markDelivered(message);
  }

  private roomEvent(event: RoomEvent): void {
    if (event.kind === "left" && event.userId === this.deps.me()) this.cursors.forgetRoom(event.room);
    this.deps.events.roomEvent.emit(event);
  }
}
