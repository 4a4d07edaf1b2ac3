// Acts on bus messages: wakes stream readers, pushes presence (batched) and receipts, kicks.
import type { Logger } from "pino";
import { SessionClose } from "@cim/protocol";
import type { ClusterMessage } from "@cim/state";
import type { Delivery } from "./delivery.js";
import type { GatewayMetrics } from "./metrics.js";
import { PresenceFanOut } from "./presence-fan-out.js";
import type { Session } from "./session.js";
import type { SessionTable } from "./session-table.js";

type Kick = Extract<ClusterMessage, { type: "kick" }>;

export interface FanOutDeps {
  table: SessionTable;
  delivery: Delivery;
  metrics: GatewayMetrics;
  log: Logger;
  /** True when a login (token session id) was logged out. */
  isRevoked: (sessionId: string) => Promise<boolean>;
}

export class FanOut {
  private readonly presence: PresenceFanOut;

  constructor(private readonly deps: FanOutDeps) {
    this.presence = new PresenceFanOut(deps.table, deps.metrics);
  }

  handle(message: ClusterMessage): void {
    const { table, delivery } = this.deps;
    switch (message.type) {
      case "inbox": {
        const session = table.user(message.userId);
        if (session) delivery.offerInbox(session, message.message, message.prev);
        return;
      }
      case "group":
        delivery.offerGroup(message.message, message.prev);
        return;
      case "presence":
        this.presence.offer({ userId: message.userId, userName: message.userName, online: message.online });
        return;
      case "delivered":
        table.user(message.to)?.send({ kind: "delivered", body: { msgId: message.msgId, by: message.by, from: message.to } });
        return;
      case "kick":
        this.kick(message);
        return;
      default:
        this.deps.metrics.busErrors.inc();
        this.deps.log.warn({ message }, "unknown bus message type");
    }
  }

  private kick(message: Kick): void {
    const logins = [...this.deps.table.loginsOf(message.userId)];
    if (message.sessionId) {
      const closed = logins.filter((session) => session.user?.sessionId === message.sessionId && this.revoke(session));
      if (closed.length === 0) this.deps.log.info({ userId: message.userId }, "logout kick: no socket of that login here");
      return;
    }
    if (message.keepConnection) {
      // A newer login of the user on another gateway.
      const session = this.deps.table.user(message.userId);
      if (session && session.connectionId !== message.keepConnection) {
        session.superseded = true;
        session.close(SessionClose.Replaced, "replaced by a newer login");
      }
      return;
    }
    // A logout that names no login: only the user's revoked logins end, not a newer one of the same user.
    const closeIfRevoked = async (session: Session) => (await this.deps.isRevoked(session.user!.sessionId)) && this.revoke(session);
    Promise.all(logins.map(closeIfRevoked))
      .then((closed) => {
        if (!closed.includes(true)) this.deps.log.info({ userId: message.userId, logins: logins.length }, "logout kick: none of the user's logins here is revoked");
      })
      .catch((error: unknown) => {
        this.deps.metrics.busErrors.inc();
        this.deps.log.error({ err: error, userId: message.userId }, "logout kick: checking which logins are revoked failed");
      });
  }

  /** Closes a revoked login's socket; false when it was closing already. */
  private revoke(session: Session): boolean {
    if (!session.isOpen) return false;
    this.deps.log.info({ remote: session.remote, userId: session.user?.userId }, "closing session: login revoked");
    this.deps.metrics.closes.inc({ code: String(SessionClose.Revoked) });
    session.close(SessionClose.Revoked, "logged out");
    return true;
  }
}
