// Decodes each client frame and dispatches it by session state; protocol violations close only that socket.
import type { Logger } from "pino";
import { CLIENT_FRAME_KINDS, decodeFrame, ErrorCode, FrameDecodeError, LoginClose, SessionClose, type Frame } from "@cim/protocol";
import { FailureLog } from "@cim/state";
import type { ChatService } from "./chat-service.js";
import { GatewayError } from "./errors.js";
import type { GatewayMetrics } from "./metrics.js";
import type { PresenceSubscriptions } from "./presence-subscriptions.js";
import type { ReceiptService } from "./receipt-service.js";
import { isOrderRefusal } from "./send-order.js";
import { SessionLogBudget } from "./session-log-budget.js";
import { IDLE, type Session } from "./session.js";
import type { TypingRelay } from "./typing-relay.js";
import type { UserBudget } from "./user-budget.js";

export interface FrameHandlerOptions {
  /**
   * Sends of one session started and not answered yet (CIM_MAX_SENDS_IN_FLIGHT); one more is answered
   * `Error{unavailable}` at once. While Redis stalls a client that ignores pacing could otherwise hold a frame rate's
   * worth of Sends per second of the stall in memory here (50/s for the 10 s of the command timeout, burst 200).
   */
  maxSendsInFlight: number;
  /** The Sends of each user's sessions here together (the session frame rate); beyond, `unavailable` as above. */
  userSends?: UserBudget;
}

export class FrameHandler {
  private readonly failures: FailureLog;
  /** Refusals that keep the socket open are logged a few per session and window (a client can send 50 a second). */
  private readonly refusalLog = new SessionLogBudget();

  constructor(
    private readonly chat: ChatService,
    private readonly receipts: ReceiptService,
    private readonly typing: TypingRelay,
    private readonly presence: PresenceSubscriptions,
    private readonly metrics: GatewayMetrics,
    private readonly log: Logger,
    private readonly options: FrameHandlerOptions,
  ) {
    this.failures = new FailureLog(log);
  }

  /**
   * Handles one binary message. Before login, frames wait for each other. Once logged in, each frame is
   * decoded and started at once, so the stores of a burst are pipelined to Redis in arrival order (Redis
   * runs them in that order); their outcomes (acks, errors) are still sent in arrival order, except the refusal of
   * a Send beyond CIM_MAX_SENDS_IN_FLIGHT, which is sent at once (refuseSend), and the answer to the resend that
   * the session's held Sends wait for (send-order.ts), which is sent as soon as it is known.
   */
  receive(session: Session, data: Buffer, isBinary: boolean): void {
    session.lastSeen = Date.now();
    if (!session.loggedIn) {
      session.loginReceived = true;
      this.chain(session, session.queue.then(() => this.beforeLogin(session, data, isBinary)));
      return;
    }
    let work: Promise<void>;
    let awaited = false;
    try {
      const frame = this.decode(data, isBinary);
      awaited = frame.kind === "send" && this.chat.isAwaited(session, frame.body);
      work = this.afterLogin(session, frame);
    } catch (error) {
      this.fail(session, error); // a malformed frame closes the socket now, before later frames run
      return;
    }
    // The resend that held Sends wait for is answered at once: behind them, its refusal (Redis still down) never
    // reached the client, which then never resent it, and the grace dropped it from the line, out of order.
    if (awaited) return void work.catch((error: unknown) => this.fail(session, error));
    if (session.queue === IDLE) return this.chain(session, work); // nothing in flight: its outcome comes next
    work.catch(() => undefined); // handled in order, below
    this.chain(session, session.queue.then(() => work));
  }

  /** Makes `tail` the session's queue: a failure is answered, and the queue is IDLE again when the last frame is done. */
  private chain(session: Session, tail: Promise<void>): void {
    const done: Promise<void> = tail.then(
      () => {
        if (session.queue === done) session.queue = IDLE;
      },
      (error: unknown) => {
        this.fail(session, error);
        if (session.queue === done) session.queue = IDLE;
      },
    );
    session.queue = done;
  }

  private decode(data: Buffer, isBinary: boolean): Frame {
    if (!isBinary) throw new GatewayError(ErrorCode.BadRequest, "text frames are not allowed", SessionClose.Malformed);
    let frame: Frame;
    try {
      frame = decodeFrame(data);
    } catch (error) {
      if (error instanceof FrameDecodeError) throw new GatewayError(ErrorCode.BadRequest, error.message, SessionClose.Malformed);
      throw error;
    }
    if (!CLIENT_FRAME_KINDS.has(frame.kind)) throw new GatewayError(ErrorCode.BadRequest, `${frame.kind} is not a client frame`, SessionClose.Malformed);
    return frame;
  }

  private async beforeLogin(session: Session, data: Buffer, isBinary: boolean): Promise<void> {
    if (!session.isOpen) return;
    const frame = this.decode(data, isBinary);
    if (session.loggedIn) return this.afterLogin(session, frame);
    if (frame.kind !== "login") throw new GatewayError(ErrorCode.Unauthorized, "the first frame must be Login", LoginClose.BadToken);
    return this.chat.login(session, frame.body).catch((error: unknown) => {
      if (error instanceof GatewayError) throw error;
      throw new GatewayError(ErrorCode.Unavailable, "login failed, retry", LoginClose.ServerFailure, { cause: error });
    });
  }

  private async afterLogin(session: Session, frame: Frame): Promise<void> {
    if (!session.isOpen) return;
    if (!session.limiter.admit(frame.kind === "ping" ? "ping" : "other")) {
      throw new GatewayError(ErrorCode.RateLimited, "rate limit exceeded", SessionClose.RateLimited);
    }
    switch (frame.kind) {
      case "ping":
        return session.send({ kind: "pong", body: { ts: frame.body.ts } });
      case "send": {
        const { clientMsgId } = frame.body;
        // Before the first await: the refusal leaves now, ahead of the outcomes of the Sends in flight.
        if (session.sendsInFlight >= this.options.maxSendsInFlight && !this.chat.isAwaited(session, frame.body)) {
          this.chat.refused(session, frame.body);
          return this.refuseSend(session, clientMsgId);
        }
        if (this.options.userSends && !this.options.userSends.take(session.user!.userId) && !this.chat.isAwaited(session, frame.body)) {
          this.chat.refused(session, frame.body);
          return this.refuseUserSend(session, clientMsgId);
        }
        session.sendsRefused = 0;
        session.sendsInFlight++;
        const timer = this.metrics.sendSeconds.startTimer();
        try {
          const ack = await this.chat.send(session, frame.body).catch((error: unknown) => {
            throw GatewayError.forSend(error, clientMsgId);
          });
          session.send({ kind: "sendAck", body: ack });
          timer();
        } finally {
          session.sendsInFlight--;
        }
        return;
      }
      case "delivered":
        return this.receipts.delivered(session, frame.body);
      case "read":
        return this.receipts.read(session, frame.body);
      case "presenceSubscribe":
        return this.presence.subscribe(session, frame.body);
      case "typing":
        return this.typing.typing(session, frame.body);
      case "typingSubscribe":
        return this.typing.subscribe(session, frame.body);
      case "login":
        throw new GatewayError(ErrorCode.BadRequest, "already logged in", SessionClose.Malformed);
    }
  }

  /**
   * Answers a Send beyond CIM_MAX_SENDS_IN_FLIGHT with `unavailable` (the SDK keeps it and resends it with the same
   * clientMsgId), without touching Redis; the session stays open. One log line per streak of refusals of a
   * session, and at most one per window for the whole gateway (leftOut counts the streaks not logged).
   */
  private refuseSend(session: Session, clientMsgId: string): void {
    this.metrics.sendsRefused.inc();
    this.metrics.errors.inc({ code: ErrorCode.Unavailable });
    if (session.sendsRefused++ === 0) {
      const fields = { remote: session.remote, userId: session.user?.userId, inFlight: session.sendsInFlight, limit: this.options.maxSendsInFlight };
      this.failures.throttled("sends in flight", fields, "refusing Sends beyond CIM_MAX_SENDS_IN_FLIGHT until some are answered (Redis slow?); one line per streak");
    }
    session.send({ kind: "error", body: { code: ErrorCode.Unavailable, message: `${this.options.maxSendsInFlight} Sends of this session are in flight: resend later`, clientMsgId } });
  }

  /** Answers a Send over its user's rate here with `unavailable`, as refuseSend; logged within the session's budget. */
  private refuseUserSend(session: Session, clientMsgId: string): void {
    this.metrics.sendsRefused.inc();
    this.metrics.errors.inc({ code: ErrorCode.Unavailable });
    this.logRefusal(session, { remote: session.remote, userId: session.user?.userId }, "refused Send: the user's sessions here send faster than one session may");
    session.send({ kind: "error", body: { code: ErrorCode.Unavailable, message: "this user's sessions send too fast together: resend later", clientMsgId } });
  }

  /** A refusal that closes the socket is logged once anyway; one that keeps it open within the session's budget. */
  private logRefusal(session: Session, fields: Record<string, unknown> & { closeCode?: number }, message: string): void {
    const budget = fields.closeCode ? { leftOut: 0 } : this.refusalLog.take(session);
    if (budget) this.log.info(budget.leftOut ? { ...fields, leftOut: budget.leftOut } : fields, message);
  }

  private fail(session: Session, error: unknown): void {
    if (!session.isOpen) return; // already closing: the first failure was logged and answered
    const who = { remote: session.remote, userId: session.user?.userId };
    if (error instanceof GatewayError) {
      if (isOrderRefusal(error)) this.failures.throttled("sends refused in order", who, "refusing Sends after an earlier one of their conversation was not stored, until it is resent (Redis outage); once per window");
      else if (error.internal) this.failures.failed(who, `request failed: ${error.message}`, error.cause);
      else if (!error.logged) this.logRefusal(session, { ...who, code: error.code, closeCode: error.closeCode }, `rejected frame: ${error.message}`);
      this.metrics.errors.inc({ code: error.code });
      session.send({ kind: "error", body: { code: error.code, message: error.message, clientMsgId: error.clientMsgId } });
      if (error.closeCode) {
        this.metrics.closes.inc({ code: String(error.closeCode) });
        session.close(error.closeCode, error.message.slice(0, 120));
      }
      return;
    }
    // Redis down or a bug: tell the client the request failed, keep the socket.
    this.failures.failed(who, "frame handling failed", error);
    this.metrics.errors.inc({ code: ErrorCode.Unavailable });
    session.send({ kind: "error", body: { code: ErrorCode.Unavailable, message: "temporarily unavailable, retry", clientMsgId: "" } });
  }
}
