// What a gateway pushes to a logged-in client: frames dispatched by kind, the cursors of what was seen, duplicates.
import { compareIds, ErrorCode, type ChatMessage, type Frame } from "@cim/protocol";
import { SendError } from "./errors.js";
import type { ClientEmitters } from "./events.js";
import type { Outbox } from "./outbox.js";
import type { ClientLogger, ClientStats, Cursors } from "./types.js";

export interface InboundDeps {
  outbox: Outbox;
  events: ClientEmitters;
  logger: ClientLogger;
  /** Called for every new private message (answers it with Delivered when the client does so). */
  markDelivered: (message: ChatMessage) => void;
}

/** Owns the cursors sent at every (re)login and the duplicate counter; one per client, across reconnects. */
export class Inbound {
  /** The newest msgId seen in the group and among private messages ("" = none). */
  cursors: Cursors = { group: "", inbox: "" };
  readonly stats: ClientStats = { duplicatesDropped: 0 };

  constructor(private readonly deps: InboundDeps) {}

  /** Handles one frame after LoginAck. */
  handle(frame: Frame): void {
    const { events, outbox } = this.deps;
    switch (frame.kind) {
      case "sendAck":
        return outbox.acknowledge(frame.body);
      case "error":
        if (frame.body.code === ErrorCode.HistoryTrimmed) return events.gap.emit({ message: frame.body.message });
        if (!outbox.fail(frame.body)) events.error.emit(new SendError(frame.body.code, frame.body.message, frame.body.clientMsgId));
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
      default:
        return;
    }
  }

  private receive(message: ChatMessage): void {
    // Each stream arrives in msgId order and a reconnect asks for what came after: anything not newer is a
    // duplicate the gateway should not have sent. Dropped, but counted and logged so a regression shows.
    const key = message.to ? "inbox" : "group";
    const last = this.cursors[key];
    if (last && compareIds(message.msgId, last) <= 0) {
      const dropped = ++this.stats.duplicatesDropped;
      this.deps.logger.warn(`cim: dropped message ${message.msgId}, not newer than ${last} in the ${key} stream (${dropped} dropped so far)`);
      this.deps.events.duplicate.emit(message);
      return;
    }
    this.cursors[key] = message.msgId;
    this.deps.events.message.emit(message);
    this.deps.markDelivered(message);
  }
}
