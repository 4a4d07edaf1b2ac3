// Acts on bus messages: wakes stream readers, pushes presence (batched) and receipts, kicks.
import type { Logger } from "pino";
import { SessionClose } from "@cim/protocol";
import type { ClusterMessage } from "@cim/state";
import type { Delivery } from "./delivery.js";
import type { GatewayMetrics } from "./metrics.js";
import { PresenceFanOut } from "./presence-fan-out.js";
import type { SessionTable } from "./session-table.js";

export class FanOut {
  private readonly presence: PresenceFanOut;

  constructor(private readonly table: SessionTable, private readonly delivery: Delivery, private readonly metrics: GatewayMetrics, private readonly log: Logger) {
    this.presence = new PresenceFanOut(table, metrics);
  }

  handle(message: ClusterMessage): void {
    switch (message.type) {
      case "inbox": {
        const session = this.table.user(message.userId);
        if (session) this.delivery.offerInbox(session, message.message, message.prev);
        return;
      }
      case "group":
        this.delivery.offerGroup(message.message, message.prev);
        return;
      case "presence":
        this.presence.offer({ userId: message.userId, userName: message.userName, online: message.online });
        return;
      case "delivered":
        this.table.user(message.to)?.send({ kind: "delivered", body: { msgId: message.msgId, by: message.by, from: message.to } });
        return;
      case "kick": {
        const session = this.table.user(message.userId);
        if (session && session.connectionId !== message.keepConnection) {
          session.superseded = true;
          session.close(SessionClose.Replaced, "replaced by a newer login");
        }
        return;
      }
      default:
        this.metrics.busErrors.inc();
        this.log.warn({ message }, "unknown bus message type");
    }
  }
}
