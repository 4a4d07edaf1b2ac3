// CimClient: login through route, one gateway session at a time, heartbeat, reconnect, acknowledged sends.
import { compareIds, decodeFrame, encodeFrame, ErrorCode, TERMINAL_CLOSE_CODES, type ChatMessage, type Delivered, type ErrorBody, type Frame, type FrameInput, type Presence, type SendAck } from "@cim/protocol";
import { backoffDelay } from "./backoff.js";
import { Listeners } from "./emitter.js";
import { CloseError, SendError } from "./errors.js";
import { Outbox } from "./outbox.js";
import { CimApiError, RouteApi, type GatewayAddress, type HistoryMessage, type LoginAnswer, type OnlineUser } from "./route-api.js";
import type { SocketLike } from "./socket.js";
import type { CimClientOptions, ConnectionState, Cursors, SendInput, StoredLogin } from "./types.js";

export class CimClient {
  readonly api: RouteApi;
  private socket: SocketLike | null = null;
  private login: StoredLogin | null = null;
  private currentGateway: GatewayAddress | null = null;
  private currentState: ConnectionState = "idle";
  private readonly outbox = new Outbox();
  private heartbeatMs = 15_000;
  private lastSent = 0;
  private lastReceived = 0;
  private timer: ReturnType<typeof setInterval> | null = null;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private attempt = 0;
  private readonly options: Required<Omit<CimClientOptions, "fetch" | "createSocket">> & Pick<CimClientOptions, "createSocket">;

  private readonly messageListeners = new Listeners<ChatMessage>();
  private readonly presenceListeners = new Listeners<Presence>();
  private readonly deliveredListeners = new Listeners<Delivered>();
  private readonly stateListeners = new Listeners<ConnectionState>();
  private readonly errorListeners = new Listeners<Error>();
  private readonly gapListeners = new Listeners<{ message: string }>();
  private seen: Cursors = { group: "", inbox: "" };

  constructor(options: CimClientOptions) {
    this.options = { resendAfterMs: 5_000, backoff: { baseMs: 300, maxMs: 10_000 }, autoDelivered: true, ...options };
    this.api = new RouteApi(options.routeUrl, options.fetch);
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

  /** Messages this client sent that the gateway has not acknowledged yet. */
  get unacknowledged(): number {
    return this.outbox.size;
  }

  /** Called for every message received (the seed's message callback); returns an unsubscribe function. */
  onMessage(handler: (message: ChatMessage) => void): () => void {
    return this.messageListeners.add(handler);
  }

  onPresence(handler: (presence: Presence) => void): () => void {
    return this.presenceListeners.add(handler);
  }

  /** A receipt: user `by` received your private message `msgId`. */
  onDelivered(handler: (receipt: Delivered) => void): () => void {
    return this.deliveredListeners.add(handler);
  }

  onState(handler: (state: ConnectionState) => void): () => void {
    return this.stateListeners.add(handler);
  }

  /** The gateway could not replay everything missed (the streams were trimmed): load history instead. */
  onGap(handler: (gap: { message: string }) => void): () => void {
    return this.gapListeners.add(handler);
  }

  /** What this client has seen; sent at every (re)login so the gateway replays exactly what came after. */
  get cursors(): Cursors {
    return { ...this.seen };
  }

  /** Restores cursors kept elsewhere (a reloaded page's stored messages), before `resume`. */
  set cursors(cursors: Cursors) {
    this.seen = { ...cursors };
  }

  /** Errors not tied to a Send: rejected login, replaced session, route unreachable. */
  onError(handler: (error: Error) => void): () => void {
    return this.errorListeners.add(handler);
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

  /** Sends to the group (no `to`) or to one user; resolves on SendAck, resent until acknowledged. */
  send(input: SendInput): Promise<SendAck> {
    if (this.currentState === "closed" || this.currentState === "idle") return Promise.reject(new Error("not logged in"));
    const clientMsgId = input.clientMsgId ?? newClientMsgId();
    const acked = this.outbox.add({ kind: "send", body: { clientMsgId, to: input.to ?? "", text: input.text } });
    this.flushOutbox(this.options.resendAfterMs);
    return acked;
  }

  /** Tells the sender of a private message that it arrived (done automatically unless autoDelivered is off). */
  markDelivered(message: ChatMessage): void {
    if (message.to && this.currentState === "online") this.write({ kind: "delivered", body: { msgId: message.msgId, by: "", from: message.from } });
  }

  online(): Promise<OnlineUser[]> {
    return this.api.online(this.requireToken()).then((r) => r.users);
  }

  /** One page of a conversation, oldest first: the group, or the private one `withUser`. */
  history(query: { withUser?: string; before?: string; limit?: number } = {}): Promise<HistoryMessage[]> {
    return this.api.history(this.requireToken(), { with: query.withUser, before: query.before, limit: query.limit }).then((r) => r.messages);
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
    this.stopTimers();
    const socket = this.socket;
    this.socket = null;
    socket?.close(1000, "client closed");
    this.outbox.rejectAll(new Error("client closed"));
  }

  private requireToken(): string {
    if (!this.login) throw new Error("not logged in");
    return this.login.token;
  }

  private async openOrClose(answer: LoginAnswer): Promise<void> {
    try {
      await this.open(answer);
    } catch (error) {
      this.close();
      throw error;
    }
  }

  private open(answer: LoginAnswer): Promise<void> {
    this.login = { userId: answer.userId, userName: answer.userName, token: answer.token };
    this.currentGateway = answer.gateway;
    this.setState(this.currentState === "reconnecting" ? "reconnecting" : "connecting");
    return new Promise((resolve, reject) => {
      const factory = this.options.createSocket ?? ((url: string) => new WebSocket(url) as unknown as SocketLike);
      const socket = factory(answer.gateway.wsUrl);
      socket.binaryType = "arraybuffer";
      this.socket = socket;
      let settled = false;
      const settle = (error?: Error) => {
        if (settled) return;
        settled = true;
        if (error) reject(error);
        else resolve();
      };
      socket.onopen = () => this.write({ kind: "login", body: { token: answer.token, groupAfter: this.seen.group, inboxAfter: this.seen.inbox } });
      socket.onmessage = (event) => {
        if (this.socket !== socket) return;
        this.lastReceived = Date.now();
        let frame: Frame;
        try {
          frame = decodeFrame(new Uint8Array(event.data as ArrayBuffer));
        } catch (error) {
          this.errorListeners.emit(error as Error);
          return;
        }
        if (frame.kind === "loginAck") {
          this.heartbeatMs = frame.body.heartbeatMs || this.heartbeatMs;
          this.attempt = 0;
          this.setState("online");
          this.startTimers();
          this.flushOutbox(0);
          settle();
        } else if (frame.kind === "error" && !settled && !frame.body.clientMsgId) {
          settle(new CimApiError(401, frame.body.code, frame.body.message));
        } else {
          this.handle(frame);
        }
      };
      socket.onclose = (event) => {
        if (this.socket !== socket) return;
        this.socket = null;
        this.stopTimers();
        // Before LoginAck the caller (logIn, resume, reconnect) decides what a close means.
        if (!settled) settle(new CloseError(event.code, event.reason));
        else this.onSocketLost(event.code, event.reason);
      };
      socket.onerror = () => {
        // onclose follows with the code; nothing to do here.
      };
    });
  }

  private handle(frame: Frame): void {
    switch (frame.kind) {
      case "sendAck":
        this.outbox.acknowledge(frame.body);
        return;
      case "error": {
        if (frame.body.code === ErrorCode.HistoryTrimmed) {
          this.gapListeners.emit({ message: frame.body.message });
          return;
        }
        if (!this.outbox.fail(frame.body)) this.errorListeners.emit(new SendError(frame.body.code, frame.body.message, frame.body.clientMsgId));
        return;
      }
      case "message":
        this.receive(frame.body);
        return;
      case "messageBatch":
        for (const message of frame.body.messages) this.receive(message);
        return;
      case "presence":
        this.presenceListeners.emit(frame.body);
        return;
      case "presenceBatch":
        for (const presence of frame.body.presences) this.presenceListeners.emit(presence);
        return;
      case "delivered":
        this.deliveredListeners.emit(frame.body);
        return;
      default:
        return;
    }
  }

  private receive(message: ChatMessage): void {
    // Each stream arrives in msgId order: anything not newer was seen before a reconnect.
    const key = message.to ? "inbox" : "group";
    if (this.seen[key] && compareIds(message.msgId, this.seen[key]) <= 0) return;
    this.seen[key] = message.msgId;
    this.messageListeners.emit(message);
    if (this.options.autoDelivered) this.markDelivered(message);
  }

  private onSocketLost(code: number, reason: string): void {
    if (this.currentState === "closed") return;
    if (TERMINAL_CLOSE_CODES.has(code)) {
      this.errorListeners.emit(new CloseError(code, reason));
      this.close();
      return;
    }
    this.setState("reconnecting");
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    const delay = backoffDelay(this.attempt++, this.options.backoff);
    this.reconnectTimer = setTimeout(() => void this.reconnect(), delay);
  }

  private async reconnect(): Promise<void> {
    if (this.currentState !== "reconnecting" || !this.login) return;
    try {
      const answer = await this.api.reconnect(this.login.token, this.currentGateway?.id);
      await this.open(answer);
    } catch (error) {
      if (this.currentState !== "reconnecting") return;
      const terminal = (error instanceof CimApiError && error.status === 401) || (error instanceof CloseError && TERMINAL_CLOSE_CODES.has(error.code));
      if (terminal) {
        this.errorListeners.emit(error);
        this.close();
        return;
      }
      this.scheduleReconnect();
    }
  }

  /** Sends what the outbox says is due; only while online (a reconnect sends everything after LoginAck). */
  private flushOutbox(resendAfterMs: number): void {
    if (this.currentState !== "online") return;
    for (const frame of this.outbox.due(Date.now(), resendAfterMs)) this.write(frame);
  }

  private write(frame: FrameInput): void {
    if (!this.socket || this.socket.readyState !== 1) return;
    this.socket.send(encodeFrame(frame));
    this.lastSent = Date.now();
  }

  private startTimers(): void {
    this.stopTimers();
    this.lastReceived = Date.now();
    const tick = Math.max(50, Math.min(1_000, Math.floor(this.heartbeatMs / 3)));
    this.timer = setInterval(() => {
      const now = Date.now();
      if (now - this.lastSent >= this.heartbeatMs) this.write({ kind: "ping", body: { ts: now } });
      this.flushOutbox(this.options.resendAfterMs);
      // No Pong or anything else for three heartbeats: the link is dead even if TCP has not noticed.
      if (now - this.lastReceived > this.heartbeatMs * 3) this.socket?.close(4000, "heartbeat lost");
    }, tick);
  }

  private stopTimers(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.timer = null;
    this.reconnectTimer = null;
  }

  private setState(state: ConnectionState): void {
    if (this.currentState === state) return;
    this.currentState = state;
    this.stateListeners.emit(state);
  }
}

function newClientMsgId(): string {
  return typeof crypto !== "undefined" && "randomUUID" in crypto ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

export type { ChatMessage, Delivered, ErrorBody, Presence, SendAck, HistoryMessage, OnlineUser };
export type { CimClientOptions, ConnectionState, Cursors, SendInput, StoredLogin };
