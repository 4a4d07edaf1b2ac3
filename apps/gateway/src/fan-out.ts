// Acts on bus messages: wakes stream readers, pushes presence (batched), receipts, membership and block events, kicks.
import type { Logger } from "pino";
import { ACCOUNT_DELETED, SessionClose } from "@cim/protocol";
import type { ClusterMessage, LoginRef } from "@cim/state";
import type { BlockList } from "./block-list.js";
import type { Delivery } from "./delivery.js";
import type { GatewayMetrics } from "./metrics.js";
import type { PresenceFanOut } from "./presence-fan-out.js";
import type { RoomEvents } from "./room-events.js";
import type { Session } from "./session.js";
import type { SessionTable } from "./session-table.js";
import type { TypingRelay } from "./typing-relay.js";

type Kick = Extract<ClusterMessage, { type: "kick" }>;

export interface FanOutDeps {
  table: SessionTable;
  delivery: Delivery;
  roomEvents: RoomEvents;
  /** Presence changes, to the sessions that watch the user. */
  presence: PresenceFanOut;
  typing: Pick<TypingRelay, "handle">;
  blocks: Pick<BlockList, "apply">;
  metrics: GatewayMetrics;
  log: Logger;
  /** Claims every session here again and reads their streams (route released this gateway's users). */
  reclaim: () => void;
  /** Told of each deleted account (a kick with `accountGone`), before its sockets here are closed. */
  accountGone: (userId: string) => void;
  /** True when a login was logged out, or ended by its user from another login (password change, sign-out). */
  isRevoked: (login: LoginRef) => Promise<boolean>;
}

export class FanOut {
  constructor(private readonly deps: FanOutDeps) {}

  handle(message: ClusterMessage): void {
    const { delivery } = this.deps;
    switch (message.type) {
      case "inbox":
        delivery.inbox.offer(message.userId, message);
        return;
      case "roomMessage":
        delivery.rooms.offer(message.room, message.message, message.prev, message.dev);
        return;
      case "presence":
        this.deps.presence.offer({ userId: message.userId, userName: message.userName, online: message.online });
        return;
      case "delivered":
        // A session still logging in is told at the end of its login (Delivery.login), from Redis.
        for (const session of this.loggedIn(message.to)) session.send({ kind: "delivered", body: { msgId: message.msgId, by: message.by, from: message.to } });
        return;
      case "read":
        for (const session of this.loggedIn(message.to)) session.send({ kind: "read", body: { conversation: message.conversation, msgId: message.msgId, by: message.by } });
        return;
      case "room":
        this.deps.roomEvents.handle(message);
        return;
      case "kick":
        this.kick(message);
        return;
      case "typing":
        void this.deps.typing.handle(message);
        return;
      case "block":
        this.deps.blocks.apply(message);
        // The blocker's devices show it at once (never the peer's: a block is not announced to the one blocked).
        for (const session of this.loggedIn(message.userId)) session.send({ kind: "blockEvent", body: { userId: message.peer, userName: message.peerName ?? "", blocked: message.blocked, order: message.order ?? 0 } });
        return;
      case "reclaim":
        this.deps.reclaim();
        return;
      default:
        this.deps.metrics.busErrors.inc();
        this.deps.log.warn({ message }, "unknown bus message type");
    }
  }

  private loggedIn(userId: string): Session[] {
    return this.deps.table.sessionsOf(userId).filter((session) => session.loggedIn);
  }

  private kick(message: Kick): void {
    if (message.accountGone) this.deps.accountGone(message.userId);
    const logins = [...this.deps.table.sessionsOf(message.userId)];
    // A deletion goes to every gateway: most hold none of the user's sockets. Those that do close every one of them,
    // saying why (no login of an account that is gone stays).
    if (message.accountGone) {
      for (const session of logins) this.revoke(session, ACCOUNT_DELETED);
      return;
    }
    if (message.sessionId) {
      const closed = logins.filter((session) => session.user?.sessionId === message.sessionId && this.revoke(session));
      if (closed.length === 0) this.deps.log.info({ userId: message.userId }, "logout kick: no socket of that login here");
      return;
    }
    if (message.keepSession || message.keepConnection) {
      // A newer login of the user took over (policy replace): every other login's sockets close.
      const others = logins.filter((session) => message.keepSession ? session.user?.sessionId !== message.keepSession : session.connectionId !== message.keepConnection);
      for (const session of others) session.close(SessionClose.Replaced, "replaced by a newer login");
      return;
    }
    // A logout that names no login, or the user ended its other logins (password change, sign-out): only the
    // user's revoked logins end, not a newer one of the same user.
    Promise.all(logins.map((session) => this.closeIfRevoked(session)))
      .then((closed) => {
        if (!closed.includes(true)) this.deps.log.info({ userId: message.userId, logins: logins.length }, "logout kick: none of the user's logins here is revoked");
      })
      .catch((error: unknown) => {
        this.deps.metrics.busErrors.inc();
        this.deps.log.error({ err: error, userId: message.userId }, "logout kick: checking which logins are revoked failed");
      });
  }

  /**
   * Closes the sockets of every login here that was logged out or ended meanwhile: after the bus came back, since
   * the kicks published while it was down are lost (pub/sub is at-most-once). Resolves to how many it closed.
   */
  async closeRevoked(): Promise<number> {
    const logins = [...this.deps.table.users()];
    const closed = await Promise.all(logins.map((session) => this.closeIfRevoked(session)));
    return closed.filter(Boolean).length;
  }

  private async closeIfRevoked(session: Session): Promise<boolean> {
    const login = session.user;
    return login !== null && (await this.deps.isRevoked(login)) && this.revoke(session);
  }

  /** Closes a revoked login's socket, with `reason`; false when it was closing already. */
  private revoke(session: Session, reason = "logged out"): boolean {
    if (!session.isOpen) return false;
    this.deps.log.info({ remote: session.remote, userId: session.user?.userId, reason }, "closing session: login revoked");
    this.deps.metrics.closes.inc({ code: String(SessionClose.Revoked) });
    session.close(SessionClose.Revoked, reason);
    return true;
  }
}
