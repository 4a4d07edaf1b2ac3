// What a session may do once its frames are decoded: log in, send, acknowledge, leave.
import type { Logger } from "pino";
import { CLIENT_MSG_ID, DECIMAL_ID, ErrorCode, LoginClose, MAX_TEXT_LENGTH, SessionClose, type Delivered, type Login, type Send, type SendAck } from "@cim/protocol";
import type { BusPublisher, MessageStore, SessionStore } from "@cim/state";
import { TokenError, type TokenSigner } from "@cim/token";
import type { Delivery } from "./delivery.js";
import { GatewayError } from "./errors.js";
import type { GatewayMetrics } from "./metrics.js";
import type { Session } from "./session.js";
import type { SessionTable } from "./session-table.js";

export interface ChatServiceDeps {
  gatewayId: string;
  heartbeatMs: number;
  /** Logged-in sockets of one user on this gateway, replaced ones included until they close. */
  maxSessionsPerUser: number;
  /** Called once a socket has logged in (it no longer counts as unauthenticated). */
  onLoggedIn: (session: Session) => void;
  tokens: TokenSigner;
  sessions: SessionStore;
  messages: MessageStore;
  bus: BusPublisher;
  table: SessionTable;
  delivery: Delivery;
  metrics: GatewayMetrics;
  log: Logger;
}


export class ChatService {
  constructor(private readonly deps: ChatServiceDeps) {}

  /** Authenticates a socket and makes it the user's session here, replacing any older one; then recovers. */
  async login(session: Session, frame: Login): Promise<void> {
    const { token } = frame;
    const { tokens, table, sessions, bus, gatewayId } = this.deps;
    const claims = await tokens.verify(token).catch((error: unknown) => {
      const reason = error instanceof TokenError ? error.message : "token check failed";
      throw new GatewayError(ErrorCode.Unauthorized, reason, LoginClose.BadToken, { cause: error });
    });
    if (await sessions.isRevoked(claims.sessionId)) throw new GatewayError(ErrorCode.Unauthorized, "logged out: log in again", LoginClose.BadToken);
    if (table.loginsOf(claims.userId).size >= this.deps.maxSessionsPerUser) {
      throw new GatewayError(ErrorCode.RateLimited, `this user has ${this.deps.maxSessionsPerUser} sessions on this gateway already`, SessionClose.RateLimited);
    }
    session.user = { userId: claims.userId, userName: claims.userName, sessionId: claims.sessionId };
    const replaced = table.bind(claims.userId, session);
    if (replaced) {
      replaced.superseded = true;
      replaced.close(SessionClose.Replaced, "replaced by a newer login");
    }
    // The token is checked once, here: the session ends when it expires, and the client logs in with a fresh one.
    session.expireAt(Math.min(claims.exp, claims.sessionEnd) * 1000, () => this.expire(session));
    const { previousGateway, cameOnline } = await sessions.claim(claims.userId, gatewayId);
    if (previousGateway && previousGateway !== gatewayId) {
      await bus.toGateway(previousGateway, { type: "kick", userId: claims.userId, keepConnection: session.connectionId });
    }
    if (cameOnline) await bus.toAll({ type: "presence", userId: claims.userId, userName: claims.userName, online: true });
    this.deps.metrics.sessions.set(table.userCount);
    session.send({
      kind: "loginAck",
      body: { userId: claims.userId, userName: claims.userName, gatewayId, serverTime: Date.now(), heartbeatMs: this.deps.heartbeatMs, groupPosition: "", inboxPosition: "", rooms: [] },
    });
    session.loggedIn = true;
    this.deps.onLoggedIn(session);
    await this.deps.delivery.recover(session, frame);
  }

  /** Stores and routes one message; the answer is the SendAck, or a GatewayError for an Error frame. */
  async send(session: Session, frame: Send): Promise<SendAck> {
    const user = session.user!;
    if (!CLIENT_MSG_ID.test(frame.clientMsgId)) throw new GatewayError(ErrorCode.BadRequest, "clientMsgId must be 1-64 characters of [A-Za-z0-9_:.-]");
    if (!frame.text.trim()) throw new GatewayError(ErrorCode.BadRequest, "text is empty");
    if (frame.text.length > MAX_TEXT_LENGTH) throw new GatewayError(ErrorCode.PayloadTooLarge, `text is longer than ${MAX_TEXT_LENGTH} characters`);
    if (frame.to) {
      if (!DECIMAL_ID.test(frame.to)) throw new GatewayError(ErrorCode.BadRequest, "to must be a userId");
      if (frame.to === user.userId) throw new GatewayError(ErrorCode.BadRequest, "cannot send a private message to yourself");
    }
    // Stores and wakes the readers (the recipient's gateway, or every gateway) in one round trip.
    const stored = await this.deps.messages.store({
      clientMsgId: frame.clientMsgId, from: user.userId, fromName: user.userName, to: frame.to, text: frame.text,
    });
    if (!stored) throw new GatewayError(ErrorCode.UnknownRecipient, `no user ${frame.to}`);
    const { message, duplicate } = stored;
    if (!duplicate) this.deps.metrics.messagesIn.inc({ kind: message.to ? "private" : "group" });
    return { clientMsgId: frame.clientMsgId, msgId: message.msgId, ts: message.ts };
  }

  /**
   * Records a private message's receipt (offline delivery resumes after it) and relays it to the sender. Only
   * a message stored in this user's inbox from `from` counts: anything else is dropped (logged, not answered).
   */
  async delivered(session: Session, frame: Delivered): Promise<void> {
    const userId = session.user!.userId;
    const valid = DECIMAL_ID.test(frame.from) && DECIMAL_ID.test(frame.msgId);
    if (!valid || !(await this.deps.messages.acknowledge(userId, frame.msgId, frame.from))) {
      this.deps.log.info({ remote: session.remote, userId, msgId: frame.msgId.slice(0, 24), from: frame.from.slice(0, 24) }, "receipt dropped: no such message to this user from that sender");
      return;
    }
    const receipt = { msgId: frame.msgId, by: userId, from: frame.from };
    const local = this.deps.table.user(frame.from);
    if (local) local.send({ kind: "delivered", body: receipt });
    else await this.deps.bus.toUser(frame.from, { type: "delivered", to: frame.from, msgId: frame.msgId, by: receipt.by });
  }

  private expire(session: Session): void {
    if (!session.isOpen) return;
    this.deps.log.info({ remote: session.remote, userId: session.user?.userId }, "closing session: token expired");
    this.deps.metrics.closes.inc({ code: String(SessionClose.TokenExpired) });
    session.close(SessionClose.TokenExpired, "token expired: refresh it and log in again");
  }

  /** Cleans up after a closed socket: the route and presence, unless a newer login took over. */
  async disconnect(session: Session): Promise<void> {
    const wasCurrent = this.deps.table.remove(session);
    this.deps.metrics.sessions.set(this.deps.table.userCount);
    const user = session.user;
    if (!user || !wasCurrent || session.superseded) return;
    if (await this.deps.sessions.release(user.userId, this.deps.gatewayId)) {
      await this.deps.bus.toAll({ type: "presence", userId: user.userId, userName: user.userName, online: false });
    }
  }
}
