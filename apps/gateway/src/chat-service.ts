// What a session may do once its frames are decoded: log in, send, leave. (Receipts: ReceiptService.)
import type { Logger } from "pino";
import { ACCOUNT_DELETED, CLIENT_MSG_ID, DECIMAL_ID, ErrorCode, isBlankText, isReaction, LoginClose, MAX_REACTION_LENGTH, MAX_TEXT_LENGTH, ROOM_ID, SessionClose, type Login, type Send, type SendAck } from "@cim/protocol";
import { blockRefusalMessage, FailureLog, ReplicaWaitError, type LoginGate, type MessageStore, type ReplicaWait, type SessionStore } from "@cim/state";
import { TokenError, type TokenSigner } from "@cim/token";
import type { BlockList } from "./block-list.js";
import type { Delivery } from "./delivery.js";
import { GatewayError } from "./errors.js";
import type { GoneAccounts } from "./gone-accounts.js";
import type { Membership } from "./membership.js";
import type { GatewayMetrics } from "./metrics.js";
import type { PresenceKeeper } from "./presence-keeper.js";
import type { PresenceSubscriptions } from "./presence-subscriptions.js";
import { SendOrder } from "./send-order.js";
import type { Session } from "./session.js";
import type { SessionTable } from "./session-table.js";
import type { TypingInterest } from "./typing-interest.js";

export interface ChatServiceDeps {
  gatewayId: string;
  heartbeatMs: number;
  /** The per-session limits, told to the client in LoginAck so that it can stay under them. */
  frameRate: { perSec: number; burst: number; sendsInFlight: number };
  /**
   * Logged-in sockets of one user (CIM_MAX_SESSIONS_PER_USER): on this gateway, closing ones included until they
   * close, and with `logins` on all gateways together.
   */
  maxSessionsPerUser: number;
  /**
   * Admits each login against the user's sockets on other gateways and its logins on all gateways together
   * (CIM_WS_LOGINS_PER_SEC_PER_USER, CIM_WS_LOGINS_BURST_PER_USER), one Redis call: each login and close writes the
   * user's count to Redis and may publish its presence, and a token works on every gateway. Absent: this gateway's
   * sockets only, logins unlimited.
   */
  logins?: Pick<LoginGate, "admit" | "release">;
  /** Called once a socket has logged in (it no longer counts as unauthenticated). */
  onLoggedIn: (session: Session) => void;
  tokens: TokenSigner;
  sessions: Pick<SessionStore, "loginState">;
  messages: Pick<MessageStore, "store">;
  /** Waits for replicas before a SendAck (CIM_REDIS_WAIT_REPLICAS); absent: acknowledged once stored. */
  replicas?: Pick<ReplicaWait, "confirm">;
  /**
   * Store a session's private messages to one user one after the other instead of pipelined. On a Redis Cluster a
   * command to a master that died is retried after the failover while a later one may already go to the new
   * master, so two inbox appends could swap and the peer would get them out of order; one node keeps the order.
   */
  privateInOrder?: boolean;
  /** Keeps each session's Sends to one conversation in order through a Redis outage (send-order.ts). */
  order: Pick<SendOrder, "run" | "refused" | "isAwaited" | "forget">;
  presence: PresenceKeeper;
  /** Whose presence each session watches: forgotten when it closes. */
  presenceSubscriptions: Pick<PresenceSubscriptions, "forget">;
  /** Which conversations' Typing each session shows: forgotten when it closes. */
  typingInterest: Pick<TypingInterest, "forget">;
  membership: Membership;
  /** Whom each user here blocks or is blocked by: read at its first login here, forgotten with its last session. */
  blocks: Pick<BlockList, "load" | "forget">;
  table: SessionTable;
  delivery: Delivery;
  /** Told when a user's last socket here is cleaned up: a deleted account's keys are removed then. */
  goneAccounts: Pick<GoneAccounts, "lastClosed">;
  metrics: GatewayMetrics;
  log: Logger;
}

/** The refusal of a private message to one more new peer than CIM_NEW_PEERS_PER_HOUR allows (route says the same). */
const NEW_PEERS_REFUSAL = "you started too many new private conversations this hour: try again later";

export class ChatService {
  /** Per session and recipient, the private store in flight last (privateInOrder). */
  private readonly privateChains = new WeakMap<Session, Map<string, Promise<unknown>>>();

  /** LoginAck's limits: whole frames (a fractional rate is told rounded down, at least 1). */
  private readonly frameLimit: { ratePerSec: number; rateBurst: number; maxSendsInFlight: number };

  /** Refused logins: one line per window (the first user named), not one per socket of a loop. */
  private readonly refusedLogins: FailureLog;

  constructor(private readonly deps: ChatServiceDeps) {
    this.refusedLogins = new FailureLog(deps.log);
    const { perSec, burst, sendsInFlight } = deps.frameRate;
    this.frameLimit = { ratePerSec: Math.max(1, Math.floor(perSec)), rateBurst: Math.max(1, Math.floor(burst)), maxSendsInFlight: sendsInFlight };
  }

  /**
   * Authenticates a socket and adds it to its user's sessions (devices) here; the user's other sessions stay
   * (policy `replace` is route's: it kicks them). Then delivery starts and LoginAck reports where.
   */
  async login(session: Session, frame: Login): Promise<void> {
    const claims = await this.deps.tokens.verify(frame.token).catch((error: unknown) => {
      const reason = error instanceof TokenError ? error.message : "token check failed";
      throw new GatewayError(ErrorCode.Unauthorized, reason, LoginClose.BadToken, { cause: error });
    });
    session.loginReservation = await this.admit(claims);
    try {
      await this.loggedIn(session, frame, claims);
    } finally {
      // Not written with the user's sessions here (the login failed, or the socket closed first): its place is given back.
      const reservation = session.loginReservation;
      session.loginReservation = undefined;
      if (reservation !== undefined) {
        this.deps.logins?.release(claims.userId, reservation).catch((error: unknown) => this.deps.log.warn({ err: error, userId: claims.userId }, "giving back a failed login's reserved place failed: it lapses on its own"));
      }
    }
  }

  /** The rest of a login once admitted: binds the session, writes its count and starts its delivery. */
  private async loggedIn(session: Session, frame: Login, claims: Awaited<ReturnType<TokenSigner["verify"]>>): Promise<void> {
    const { table, sessions, gatewayId, tokens } = this.deps;
    session.user = { userId: claims.userId, userName: claims.userName, sessionId: claims.sessionId, loginEpoch: claims.loginEpoch };
    session.messageBatches = frame.messageBatches === true;
    table.bind(claims.userId, session);
    // Checked once bound: a kick of this login (logout, password change elsewhere) that arrives while the check
    // runs finds the session; checked before binding, a check that read Redis just before the change let the
    // socket stay, since the kick found no session yet.
    const state = await sessions.loginState(claims);
    if (state !== "live") throw new GatewayError(ErrorCode.Unauthorized, state === "gone" ? ACCOUNT_DELETED : "logged out: log in again", LoginClose.BadToken);
    // The token is checked once, here: the session ends when it expires (by this gateway's clock, which may be
    // ahead of route's: with the same tolerance as the check), and the client logs in with a fresh one.
    session.expiresAt = (Math.min(claims.exp, claims.sessionEnd) + tokens.clockToleranceSeconds) * 1000;
    await this.deps.presence.update(claims.userId, claims.userName);
    // Read once the session counts in Redis: a block made meanwhile is either read here or announced to this gateway.
    await this.deps.blocks.load(claims.userId);
    this.deps.metrics.sessions.set(table.sessionCount);
    await this.deps.delivery.login(session, frame, (positions) => {
      session.send({ kind: "loginAck", body: { userId: claims.userId, userName: claims.userName, gatewayId, serverTime: Date.now(), heartbeatMs: this.deps.heartbeatMs, ...this.frameLimit, typingSubscribe: true, ...positions } });
      session.loggedIn = true;
      // The idle clock starts at the LoginAck: a client pings only once logged in, and a login slowed by a storm
      // (longer than the idle timeout) must not be swept as idle the moment it is done.
      session.lastSeen = Date.now();
      this.deps.onLoggedIn(session);
    });
  }

  /**
   * Throws unless one more socket of this login fits: the user's sockets here, and with `logins` its sockets on all
   * gateways (a login on two gateways counted once: a device that moved off a dead gateway, counted there until route
   * releases it) and its logins on all gateways. The cap here is checked again once Redis answered: the user's logins
   * here at once all sent the same count. Admitted, the login's place is reserved on all gateways (returned) until a
   * write of the user's sessions here counts its socket.
   */
  private async admit(claims: { userId: string; sessionId: string }): Promise<string | undefined> {
    const { table, maxSessionsPerUser: max, logins } = this.deps;
    // One message whichever count is full (CONTRACT quotes it): the cap is on all gateways together, this one's sockets
    // among them, and "on this gateway" told a client another gateway might take it.
    const tooMany = () => new GatewayError(ErrorCode.RateLimited, `this user has ${max} sessions on all gateways together already`, SessionClose.RateLimited);
    if (table.sessionsOf(claims.userId).length >= max) throw tooMany();
    if (!logins) return undefined;
    // Sockets here still holding a reservation are in the count sent: not counted again.
    const held = table.sessionsOf(claims.userId).flatMap((s) => (s.loginReservation === undefined ? [] : [s.loginReservation]));
    const verdict = await logins.admit(claims.userId, claims.sessionId, table.loginsOf(claims.userId), held);
    if (!verdict.admitted && verdict.reason === "rate") {
      const seconds = Math.max(1, Math.ceil(verdict.retryMs / 1000));
      this.refusedLogins.throttled("logins refused", { userId: claims.userId }, "login refused: a user logs in faster than CIM_WS_LOGINS_PER_SEC_PER_USER on all gateways together (once per window for all users, leftOut counts the others)");
      throw new GatewayError(ErrorCode.RateLimited, `this user logs in too often: try again in ${seconds} s`, SessionClose.RateLimited, { logged: true });
    }
    if (!verdict.admitted) throw tooMany();
    if (table.sessionsOf(claims.userId).length >= max) {
      logins.release(claims.userId, verdict.reservation).catch((error: unknown) => this.deps.log.warn({ err: error, userId: claims.userId }, "giving back a refused login's reserved place failed: it lapses on its own"));
      throw tooMany();
    }
    return verdict.reservation;
  }

  /** Stores and routes one message; the answer is the SendAck, or a GatewayError for an Error frame. */
  async send(session: Session, frame: Send): Promise<SendAck> {
    const user = session.user!;
    if (!CLIENT_MSG_ID.test(frame.clientMsgId)) throw new GatewayError(ErrorCode.BadRequest, "clientMsgId must be 1-64 characters of [A-Za-z0-9_:.-]");
    const { replyTo = "", editOf = "", delete: deleting = false, reactTo = "", reaction = "" } = frame;
    if ([replyTo, editOf, reactTo].some((id) => id && !DECIMAL_ID.test(id))) throw new GatewayError(ErrorCode.BadRequest, "replyTo, editOf and reactTo must be msgIds");
    if (deleting && !editOf) throw new GatewayError(ErrorCode.BadRequest, "delete names the message in editOf");
    if (editOf && replyTo) throw new GatewayError(ErrorCode.BadRequest, "an edit or deletion is not a reply");
    if (reaction && !reactTo) throw new GatewayError(ErrorCode.BadRequest, "reaction names the message in reactTo");
    if (reactTo && (replyTo || editOf || deleting)) throw new GatewayError(ErrorCode.BadRequest, "a reaction is not a reply, edit or deletion");
    if (reaction && !isReaction(reaction)) throw new GatewayError(ErrorCode.BadRequest, `reaction must be one emoji of at most ${MAX_REACTION_LENGTH} UTF-16 units`);
    if (!deleting && !reactTo && isBlankText(frame.text)) throw new GatewayError(ErrorCode.BadRequest, "text is empty");
    if (frame.text.length > MAX_TEXT_LENGTH) throw new GatewayError(ErrorCode.PayloadTooLarge, `text is longer than ${MAX_TEXT_LENGTH} characters`);
    if (frame.to && frame.room) throw new GatewayError(ErrorCode.BadRequest, "a message goes to a user (to) or to a room (room), not both");
    if (frame.to) {
      if (!DECIMAL_ID.test(frame.to)) throw new GatewayError(ErrorCode.BadRequest, "to must be a userId");
      if (frame.to === user.userId) throw new GatewayError(ErrorCode.BadRequest, "cannot send a private message to yourself");
    }
    if (frame.room && !ROOM_ID.test(frame.room)) throw new GatewayError(ErrorCode.BadRequest, "room must be a roomId");
    // Stores and wakes the readers (the room's gateways, or the inboxes' gateways).
    const target = frame.to ? { to: frame.to } : { room: frame.room };
    const storing = this.deps.metrics.storeSeconds.startTimer();
    const store = () => this.deps.messages.store({ clientMsgId: frame.clientMsgId, from: user.userId, fromName: user.userName, fromDevice: user.sessionId, text: deleting || reactTo ? "" : frame.text, replyTo, editOf, deleted: deleting, reactTo, reaction, ...target });
    const stored = await this.deps.order.run(session, SendOrder.laneOf(frame), frame.clientMsgId, () => (frame.to && this.deps.privateInOrder ? this.after(session, frame.to, store) : store()));
    storing();
    if ("error" in stored) {
      if (stored.error === "unknown_recipient") throw new GatewayError(ErrorCode.UnknownRecipient, `no user ${frame.to}`);
      if (stored.error === "not_found") throw new GatewayError(ErrorCode.NotFound, `no message ${replyTo || editOf || reactTo} in this conversation`);
      if (stored.error === "forbidden") throw new GatewayError(ErrorCode.Forbidden, "only the sender may edit or delete a message");
      if (stored.error === "blocked" || stored.error === "blocking") throw new GatewayError(ErrorCode.Blocked, blockRefusalMessage(stored.error));
      // A Send under way as its sender's account was deleted: the deletion's kick closes this socket.
      if (stored.error === "sender_gone") throw new GatewayError(ErrorCode.Unauthorized, "your account was deleted");
      if (stored.error === "too_many_new_peers") throw new GatewayError(ErrorCode.RateLimited, NEW_PEERS_REFUSAL);
      throw new GatewayError(ErrorCode.NotMember, `you are not a member of room ${frame.room}`);
    }
    const { message, duplicate, ownInbox } = stored;
    // The sender's other devices here (its inbox's wake-up for this gateway comes with the store's answer).
    if (ownInbox) this.deps.delivery.inbox.offer(user.userId, { message, entry: ownInbox.entry, prev: ownInbox.prev, dev: user.sessionId });
    // A resend waits too: its first attempt may have been acknowledged by a master that died since.
    await this.deps.replicas?.confirm(message, frame.clientMsgId, stored.inboxes).catch((error: unknown) => {
      if (error instanceof ReplicaWaitError) throw new GatewayError(ErrorCode.Unavailable, error.message);
      throw error;
    });
    if (!duplicate) this.deps.metrics.messagesIn.inc({ kind: message.to ? "private" : message.room ? "room" : "group" });
    return { clientMsgId: frame.clientMsgId, msgId: message.msgId, ts: message.ts };
  }

  /** True for the resend that the session's held Sends to its conversation wait for (send-order.ts). */
  isAwaited(session: Session, frame: Pick<Send, "clientMsgId" | "to" | "room">): boolean {
    return this.deps.order.isAwaited(session, SendOrder.laneOf(frame), frame.clientMsgId);
  }

  /** A Send refused before it was stored (too many in flight): newer ones to its conversation wait for its resend. */
  refused(session: Session, frame: Pick<Send, "clientMsgId" | "to" | "room">): void {
    this.deps.order.refused(session, SendOrder.laneOf(frame), frame.clientMsgId);
  }

  /** Runs `run` once the session's previous private store to `to` settled. */
  private after<T>(session: Session, to: string, run: () => Promise<T>): Promise<T> {
    let chains = this.privateChains.get(session);
    if (!chains) this.privateChains.set(session, (chains = new Map()));
    const result = (chains.get(to) ?? Promise.resolve()).then(run, run);
    const tail = result.catch(() => undefined);
    chains.set(to, tail);
    void tail.then(() => {
      if (chains.get(to) === tail) chains.delete(to);
    });
    return result;
  }

  /**
   * The socket closed: the session's held Sends are dropped at once (send-order.ts). Not in `disconnect`, which waits
   * for the session's frames in flight, the held Sends among them.
   */
  closing(session: Session): void {
    this.deps.order.forget(session);
  }

  /** Cleans up after a closed socket: its delivery, and the user's sessions count here (presence). */
  async disconnect(session: Session): Promise<void> {
    const { table, delivery, membership, presence, metrics } = this.deps;
    const wasLoggedIn = table.remove(session);
    delivery.leave(session);
    this.deps.presenceSubscriptions.forget(session);
    this.deps.typingInterest.forget(session);
    metrics.sessions.set(table.sessionCount);
    const user = session.user;
    if (!user || !wasLoggedIn) return;
    if (table.sessionsOf(user.userId).length === 0) {
      membership.forget(user.userId);
      this.deps.blocks.forget(user.userId);
    }
    await presence.update(user.userId, user.userName);
    if (table.sessionsOf(user.userId).length === 0) this.deps.goneAccounts.lastClosed(user.userId);
  }
}
