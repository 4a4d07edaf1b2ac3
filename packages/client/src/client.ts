// CimClient: login through route, one gateway session at a time (a GatewayLink), reconnect, acknowledged sends, reads.
import { MAX_PRESENCE_SUBSCRIPTIONS, MAX_TYPING_SUBSCRIPTIONS, SessionClose, TERMINAL_CLOSE_CODES, type ChatMessage, type Delivered, type ErrorBody, type FrameInput, type LoginAck, type Presence, type Read, type RoomEvent, type RoomEventKind, type SendAck, type Typing } from "@cim/protocol";
import { backoffDelay } from "./backoff.js";
import { conversationOfSend, sendTargetOf } from "./conversation.js";
import { DeliveredReceipts } from "./delivered-receipts.js";
import { CloseError, isFinal } from "./errors.js";
import { budgetFor, FrameBudget, sendsInFlightFor } from "./frame-budget.js";
import { GatewayLink } from "./gateway-link.js";
import { Inbound } from "./inbound.js";
import { Outbox } from "./outbox.js";
import { ReadMarks } from "./read-marks.js";
import { ClientRequests, type HistoryInput, type HttpSendInput } from "./requests.js";
import { CimApiError, ROUTE_ATTEMPT_TIMEOUT_MS, ROUTE_TIMEOUT_MS, RouteApi, type GatewayAddress, type HistoryMessage, type LoginAnswer, type OnlineUser } from "./route-api.js";
import type { SocketLike } from "./socket.js";
import { TokenRefresh } from "./token-refresh.js";
import { SessionList } from "./session-list.js";
import { TypingThrottle } from "./typing.js";
import type { CimClientOptions, ClientLogger, ClientStats, ConnectionState, Cursors, SendInput, StoredLogin } from "./types.js";

/** Attempts to open the first session of a login (or a resumed one) before `logIn`/`resume` give up. */
const FIRST_OPEN_ATTEMPTS = 3;
/**
 * A Send unanswered this long (a healthy gateway answers in milliseconds) holds back the newer ones: its store waits
 * for Redis, and a newer Send written meanwhile could be stored first when Redis comes back.
 */
const STALL_AFTER_MS = 2_000;

export class CimClient extends ClientRequests {
  readonly api: RouteApi;
  private link: GatewayLink | null = null;
  private login: StoredLogin | null = null;
  private currentGateway: GatewayAddress | null = null;
  private currentState: ConnectionState = "idle";
  private readonly outbox: Outbox;
  private readonly refresh: TokenRefresh;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private attempt = 0;
  /** The device said it has no network (`network(false)`), and has not said since that it is back. */
  private deviceOffline = false;
  /** The gateway the next reconnect asks route to avoid (none after a token expiry: that gateway is fine). */
  private avoidGateway: string | undefined;
  private readonly options: Required<Omit<CimClientOptions, "fetch" | "createSocket">> & Pick<CimClientOptions, "createSocket">;
  private readonly inbound: Inbound;
  private readonly reads: ReadMarks;
  /** The users whose presence this client watches (subscribePresence). */
  private readonly presenceList = new SessionList(MAX_PRESENCE_SUBSCRIPTIONS, "subscribePresence", "userIds");
  /** The conversations whose typing this client shows (subscribeTyping); written only to a gateway that takes it. */
  private readonly typingList = new SessionList(MAX_TYPING_SUBSCRIPTIONS, "subscribeTyping", "conversations");
  private typingListTaken = false;
  private readonly typingThrottle = new TypingThrottle();
  /** Every frame but Login and Pings is written within it: the gateway closes a session over its limit (4429). */
  private readonly budget = new FrameBudget();
  /** Sends written and not yet answered at most (`sendsInFlightFor` the session's LoginAck). */
  private sendsInFlight = sendsInFlightFor({});
  private readonly receipts: DeliveredReceipts;

  constructor(options: CimClientOptions) {
    super();
    const logger: ClientLogger = console;
    this.options = { resendAfterMs: 5_000, backoff: { baseMs: 300, maxMs: 10_000 }, offlineRetryMs: 60_000, autoDelivered: true, loginTimeoutMs: 20_000, maxUnacknowledged: 1_000, refreshBeforeExpiryMs: 60_000, readTimeoutMs: 3_000, requestTimeoutMs: ROUTE_TIMEOUT_MS, routeAttemptTimeoutMs: ROUTE_ATTEMPT_TIMEOUT_MS, logger, ...options };
    this.api = new RouteApi(options.routeUrl, options.fetch, this.options.requestTimeoutMs, {
      attemptTimeoutMs: this.options.routeAttemptTimeoutMs,
      onRetry: (info) => this.events.routeRetry.emit(info),
    });
    this.outbox = new Outbox(this.options.maxUnacknowledged);
    const markDelivered = this.options.autoDelivered ? (message: ChatMessage) => this.markDelivered(message) : () => undefined;
    this.reads = new ReadMarks({
      write: (read) => this.writeBudgeted({ kind: "read", body: read }),
      timeoutMs: this.options.readTimeoutMs,
    });
    this.receipts = new DeliveredReceipts({
      write: ({ from, msgId }) => this.writeBudgeted({ kind: "delivered", body: { msgId, by: "", from } }),
      retryMs: this.options.readTimeoutMs,
    });
    this.inbound = new Inbound({
      outbox: this.outbox,
      events: this.events,
      logger: this.options.logger,
      me: () => this.login?.userId ?? "",
      markDelivered,
      ownRead: (read) => this.reads.confirmed(read, Date.now()),
      requestFailed: () => {
        this.reads.failed(Date.now());
        this.receipts.failed(Date.now());
      },
    });
    this.refresh = new TokenRefresh({
      renew: () => this.api.reconnect(this.requireToken()).then((answer) => answer.token),
      renewed: (token) => this.renewed(token),
      refused: (error) => this.end(error),
      beforeMs: this.options.refreshBeforeExpiryMs,
      backoff: this.options.backoff,
    });
  }

  get state(): ConnectionState {
    return this.currentState;
  }

  /** The logged-in user and token, for sessionStorage; null before login. */
  get session(): StoredLogin | null {
    return this.login;
  }

  get gateway(): GatewayAddress | null {
    return this.currentGateway;
  }

  /** Counters of anomalies (dropped duplicates) and of own sends come back, for the app to show or check. */
  get stats(): Readonly<ClientStats> {
    return { ...this.inbound.stats };
  }

  /** Messages this client sent that the gateway has not acknowledged yet. */
  get unacknowledged(): number {
    return this.outbox.size;
  }

  /**
   * What this client has seen, per stream; sent at every (re)login so the gateway replays exactly what came
   * after. After the first LoginAck every stream has one (the gateway says where it started those without).
   */
  get cursors(): Cursors {
    return this.inbound.cursors.value;
  }

  /** Restores cursors kept elsewhere (a reloaded page's stored messages), before `resume`; `rooms` may be left out. */
  set cursors(cursors: Omit<Cursors, "rooms"> & { rooms?: Cursors["rooms"] }) {
    this.inbound.cursors.value = cursors;
  }

  register(userName: string, password: string): Promise<{ userId: string; userName: string }> {
    return this.api.register(userName, password);
  }

  /** Logs in through route and opens the session on the gateway it picked. */
  async logIn(userName: string, password: string): Promise<StoredLogin> {
    const answer = await this.api.login(userName, password);
    await this.openOrClose(answer);
    return this.login!;
  }

  /** Resumes a stored login (a reloaded tab): asks route for a live gateway with the token. */
  async resume(stored: StoredLogin): Promise<StoredLogin> {
    this.login = stored;
    const answer = await this.api.reconnect(stored.token).catch((error: unknown) => {
      this.setState("closed");
      throw error;
    });
    await this.openOrClose(answer);
    return this.login!;
  }

  /**
   * Sends to the group (neither `to` nor `room`), to one user (`to`) or to a room (`room`); resolves on SendAck,
   * resent until acknowledged. Rejects with OutboxFullError when `maxUnacknowledged` messages are already
   * waiting, with SendError `not_member` for a room the user is not in. The message does not come back to this
   * client (the user's other devices get it).
   */
  send(input: SendInput): Promise<SendAck> {
    if (this.currentState === "closed" || this.currentState === "idle") return Promise.reject(new Error("not logged in"));
    if (input.to && input.room) return Promise.reject(new TypeError("send: `to` and `room` are exclusive"));
    const clientMsgId = input.clientMsgId ?? newClientMsgId();
    const events = {
      ...(input.replyTo ? { replyTo: input.replyTo } : {}), ...(input.editOf ? { editOf: input.editOf, delete: input.delete === true } : {}),
      ...(input.reactTo ? { reactTo: input.reactTo, reaction: input.reaction ?? "" } : {}),
    };
    const body = { clientMsgId, to: input.to ?? "", text: input.delete || input.reactTo ? "" : input.text, ...(input.room ? { room: input.room } : {}), ...events };
    this.typingThrottle.reset(conversationOfSend(body));
    const acked = this.outbox.add({ kind: "send", body });
    this.flushOutbox();
    return acked;
  }

  /**
   * Reacts to message `msgId` of `conversation` (a roomId, `everyone`, or the peer's userId; anyone's message) with
   * one emoji, replacing the user's earlier reaction there: a `send` of a reaction event (`reactTo`), resolved on
   * its SendAck. Rejects with SendError `bad_request` for anything but one emoji, `not_found` for no such message.
   */
  react(conversation: string, msgId: string, emoji: string): Promise<SendAck> {
    return this.send({ ...sendTargetOf(conversation), text: "", reactTo: msgId, reaction: emoji });
  }

  /** Takes the user's reaction to message `msgId` of `conversation` back (a reaction event with no emoji). */
  unreact(conversation: string, msgId: string): Promise<SendAck> {
    return this.send({ ...sendTargetOf(conversation), text: "", reactTo: msgId, reaction: "" });
  }

  /**
   * The user is typing in `conversation` (a roomId, `everyone`, or the peer's userId): call on every keystroke; a
   * Typing frame goes out at most every 3 s per conversation, only while online (it is never queued).
   */
  typing(conversation: string): void {
    if (this.currentState === "online" && this.typingThrottle.due(conversation, Date.now())) this.writeBudgeted({ kind: "typing", body: { conversation } });
  }

  /**
   * Tells the sender of a private message that it arrived (done automatically unless autoDelivered is off). A
   * receipt counts up to its msgId: when many arrive at once, only the newest per sender may go out.
   */
  markDelivered(message: ChatMessage): void {
    if (message.to && message.from !== this.login?.userId && this.currentState === "online") this.receipts.received(message.from, message.msgId, Date.now());
  }

  /**
   * The user has read `conversation` (a roomId, `everyone`, or the peer's userId) up to `msgId`. Sent as a
   * Read frame, at most one per conversation in flight (the newest mark wins), kept across reconnects; the
   * user's devices get it back through `onRead`, and in a private chat the peer sees it as "seen".
   */
  markRead(conversation: string, msgId: string): void {
    this.reads.mark(conversation, msgId, Date.now());
  }

  /**
   * Watches the presence of these users (at most MAX_PRESENCE_SUBSCRIPTIONS, 500), replacing the previous list;
   * an empty list stops. The gateway answers with their current state, then their changes, all through
   * `onPresence`; the list is sent again after every reconnect. Without a list the client gets no presence.
   * Subscribe to what is on screen: the people in view, open conversations, room members shown.
   */
  subscribePresence(userIds: readonly string[]): void {
    if (this.presenceList.set(userIds)) this.writeLists();
  }

  /** The users whose presence this client watches. */
  get presenceSubscription(): readonly string[] {
    return this.presenceList.current;
  }

  /**
   * Shows typing only in these conversations (the open one; at most MAX_TYPING_SUBSCRIPTIONS, 20), replacing the
   * previous list; an empty list shows none. Until it is called the client gets the typing of every conversation of
   * its user, as before. Sent again after every reconnect, to gateways that take it (LoginAck's `typingSubscribe`):
   * an older gateway goes on sending every conversation's typing.
   */
  subscribeTyping(conversations: readonly string[]): void {
    if (this.typingList.set(conversations)) this.writeLists();
  }

  /**
   * The device's network went away (`online` false: the browser's `offline` event) or came back. Going away drops
   * a live session at once, since its socket may hang until the heartbeat gives up, and retries with backoff;
   * coming back retries at once. Sends wait in the outbox either way and go after the next LoginAck.
   */
  network(online: boolean): void {
    this.deviceOffline = !online;
    if (!online) {
      if (this.currentState === "reconnecting" && this.reconnectTimer) {
        // Already waiting: wait the offline pause instead of failing attempts that log an error each.
        clearTimeout(this.reconnectTimer);
        this.scheduleReconnect();
      }
      if (this.currentState !== "online" || !this.link) return;
      this.dropLink()?.close(1000, "network offline");
      this.setState("reconnecting");
      this.avoidGateway = undefined;
      this.scheduleReconnect();
      return;
    }
    if (this.currentState !== "reconnecting" || !this.reconnectTimer) return;
    clearTimeout(this.reconnectTimer);
    this.attempt = 0;
    this.reconnectNow();
  }

  protected override get deviceIsOffline(): boolean {
    return this.deviceOffline;
  }

  /** Logs out at route (clears route and online state) and closes the session. */
  async logout(): Promise<void> {
    const token = this.login?.token;
    this.close();
    if (token) await this.api.logout(token);
  }

  /** Closes the session without logging out; pending sends are rejected. */
  close(): void {
    this.setState("closed");
    this.dropLink()?.close(1000, "client closed");
    this.outbox.rejectAll(new Error("client closed"));
  }

  protected requireToken(): string {
    if (!this.login) throw new Error("not logged in");
    return this.login.token;
  }

  /**
   * Opens the first session of a login or a resumed one. When the gateway route picked cannot be reached (it has
   * just died, and route has not noticed yet) or answers `unavailable`, asks route for another gateway, avoiding
   * that one, with backoff, up to FIRST_OPEN_ATTEMPTS attempts in all; a refused token ends it at once. On failure
   * the client is closed and the last error thrown.
   */
  private async openOrClose(first: LoginAnswer): Promise<void> {
    let answer = first;
    const closed = () => this.currentState === "closed" || !this.login;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.open(answer);
        return;
      } catch (error) {
        if (isFinal(error) || attempt >= FIRST_OPEN_ATTEMPTS || closed()) {
          this.close();
          throw error;
        }
        this.options.logger.warn(`gateway ${answer.gateway.id} could not be reached (${(error as Error).message}): asking route for another`);
      }
      try {
        await new Promise((resolve) => setTimeout(resolve, backoffDelay(attempt - 1, this.options.backoff)));
        if (closed()) throw new Error("client closed");
        answer = await this.api.reconnect(this.login!.token, answer.gateway.id);
      } catch (error) {
        this.close();
        throw error;
      }
    }
  }

  /** Opens a socket to the answer's gateway and logs in; settles on LoginAck, or on the first failure before it. */
  private open(answer: LoginAnswer): Promise<void> {
    this.login = { userId: answer.userId, userName: answer.userName, token: answer.token };
    this.currentGateway = answer.gateway;
    this.setState(this.currentState === "reconnecting" ? "reconnecting" : "connecting");
    const link: GatewayLink = new GatewayLink({
      url: answer.gateway.wsUrl,
      createSocket: this.options.createSocket ?? ((url: string) => new WebSocket(url) as unknown as SocketLike),
      loginTimeoutMs: this.options.loginTimeoutMs,
      login: () => ({ kind: "login", body: { token: answer.token, ...this.inbound.cursors.forLogin(), messageBatches: true } }),
      established: (ack) => this.loggedIn(answer.token, ack),
      frame: (frame) => this.inbound.handle(frame),
      undecodable: (error) => this.events.error.emit(error),
      lost: (code, reason) => this.linkLost(link, code, reason),
      tick: (now) => this.flushBudgeted(now),
    });
    this.link = link;
    return link.ready.catch((error: unknown) => {
      if (this.link === link) this.dropLink();
      throw error;
    });
  }

  private loggedIn(token: string, ack: LoginAck): void {
    this.attempt = 0;
    // A LoginAck came over the network: a browser still saying offline is wrong, and route calls may go again.
    this.deviceOffline = false;
    this.inbound.loggedIn(ack);
    this.setState("online");
    this.stopTimers();
    this.refresh.plan(token);
    this.events.session.emit({ ...this.login! });
    // The gateway's frame budget of a new session starts full, and so does ours; what waited goes out within it.
    const now = Date.now();
    this.budget.reset(budgetFor(ack));
    this.sendsInFlight = sendsInFlightFor(ack);
    this.presenceList.loggedIn((list) => list.length > 0);
    this.typingListTaken = ack.typingSubscribe === true;
    this.typingList.loggedIn((_, chosen) => chosen && this.typingListTaken);
    this.outbox.unsent();
    this.reads.resend(now);
    this.receipts.resend(now);
    this.flushBudgeted(now);
  }

  private linkLost(link: GatewayLink, code: number, reason: string): void {
    if (this.link !== link) return;
    this.dropLink();
    this.onSocketLost(code, reason);
  }

  /** Forgets the live link and stops its timers; returns it for the caller to close, if it must. */
  private dropLink(): GatewayLink | null {
    const link = this.link;
    this.link = null;
    this.stopTimers();
    return link;
  }

  private onSocketLost(code: number, reason: string): void {
    if (this.currentState === "closed") return;
    if (TERMINAL_CLOSE_CODES.has(code)) return this.end(new CloseError(code, reason));
    this.setState("reconnecting");
    if (code === SessionClose.TokenExpired) {
      // Renew through route and log in again at once, on any gateway; a 401 there ends the login.
      this.avoidGateway = undefined;
      this.reconnectNow();
      return;
    }
    this.avoidGateway = this.currentGateway?.id;
    this.scheduleReconnect();
  }

  /** Reconnects on the next turn, without backoff. */
  private reconnectNow(): void {
    this.reconnectTimer = setTimeout(() => void this.reconnect(), 0);
  }

  /** The next attempt after full-jitter backoff, or after route's Retry-After when that is longer; while the device
   * has no network, after `offlineRetryMs` (its return tries at once). */
  private scheduleReconnect(retryAfterSeconds = 0): void {
    const backoff = this.deviceOffline ? this.options.offlineRetryMs : backoffDelay(this.attempt++, this.options.backoff);
    const delay = Math.max(backoff, retryAfterSeconds * 1000);
    this.reconnectTimer = setTimeout(() => void this.reconnect(), delay);
  }

  private async reconnect(): Promise<void> {
    this.reconnectTimer = null;
    if (this.currentState !== "reconnecting" || !this.login) return;
    try {
      const answer = await this.api.reconnect(this.login.token, this.avoidGateway);
      await this.open(answer);
    } catch (error) {
      if (this.currentState !== "reconnecting") return;
      if (isFinal(error)) return this.end(error as Error);
      this.scheduleReconnect(error instanceof CimApiError ? (error.retryAfterSeconds ?? 0) : 0);
    }
  }

  /** A fresh token from the planned refresh: the live session keeps going, the next login uses it. */
  private renewed(token: string): void {
    if (!this.login || this.currentState === "closed") return;
    this.login = { ...this.login, token };
    this.events.session.emit({ ...this.login });
  }

  /** The login is over (refused token, replaced session): report why and close. */
  private end(error: Error): void {
    this.events.error.emit(error);
    this.close();
  }

  /**
   * Writes what waits for the frame budget, receipts and marks first (few: one per sender, conversation or list),
   * then the Sends that are due, oldest first; what the budget does not allow goes out at the next ticks.
   */
  private flushBudgeted(now: number): void {
    this.receipts.flush(now);
    this.reads.tick(now);
    this.writeLists();
    this.flushOutbox();
  }

  /**
   * Writes the Sends that are due (new ones, and those unanswered for `resendAfterMs`), as many as the frame budget
   * allows, in order; only while online (a reconnect sends everything after LoginAck).
   */
  private flushOutbox(): void {
    if (this.currentState !== "online") return;
    const frames = this.outbox.due(Date.now(), this.options.resendAfterMs, this.budget.available(), this.sendsInFlight, Math.min(STALL_AFTER_MS, this.options.resendAfterMs));
    this.budget.spend(frames.length);
    for (const frame of frames) this.write(frame);
  }

  private writeLists(): void {
    this.presenceList.flush((userIds) => this.writeBudgeted({ kind: "presenceSubscribe", body: { userIds } }));
    if (this.typingListTaken) this.typingList.flush((conversations) => this.writeBudgeted({ kind: "typingSubscribe", body: { conversations } }));
  }

  /** Writes a frame if the session is online and the frame budget allows one now; false otherwise. */
  private writeBudgeted(frame: FrameInput): boolean {
    return this.currentState === "online" && this.link !== null && this.budget.take() && this.write(frame);
  }

  /** Writes a frame to the live socket; false when there is none. */
  private write(frame: FrameInput): boolean {
    return this.link?.write(frame) ?? false;
  }

  private stopTimers(): void {
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    this.refresh.stop();
  }

  private setState(state: ConnectionState): void {
    if (this.currentState === state) return;
    this.currentState = state;
    this.events.state.emit(state);
  }
}

function newClientMsgId(): string {
  return typeof crypto !== "undefined" && "randomUUID" in crypto ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

export type { ChatMessage, Delivered, ErrorBody, Presence, Read, RoomEvent, RoomEventKind, SendAck, Typing, HistoryMessage, OnlineUser };
export type { CimClientOptions, ClientLogger, ClientStats, ConnectionState, Cursors, HistoryInput, HttpSendInput, SendInput, StoredLogin };
