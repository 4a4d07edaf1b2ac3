// One gateway session at a time, for CimClient (client.ts): logging in through route, opening the socket, reconnecting
// with backoff, renewing the token, the connection's state. What goes over the session is CimClient's.
import { SessionClose, TERMINAL_CLOSE_CODES, type Frame, type FrameInput, type LoginAck } from "@cim/protocol";
import { backoffDelay } from "./backoff.js";
import { CloseError, isFinal } from "./errors.js";
import { GatewayLink } from "./gateway-link.js";
import { ClientRequests } from "./requests.js";
import { CimApiError, ROUTE_ATTEMPT_TIMEOUT_MS, ROUTE_TIMEOUT_MS, RouteApi, type GatewayAddress, type LoginAnswer } from "./route-api.js";
import type { SocketLike } from "./socket.js";
import { TokenRefresh } from "./token-refresh.js";
import type { CimClientOptions, ClientLogger, ConnectionState, StoredLogin } from "./types.js";

/** Attempts to open the first session of a login (or a resumed one) before `logIn`/`resume` give up. */
const FIRST_OPEN_ATTEMPTS = 3;

/** CimClientOptions with their defaults. */
export type ResolvedClientOptions = Required<Omit<CimClientOptions, "fetch" | "createSocket">> & Pick<CimClientOptions, "createSocket">;

/** The session's lifecycle; CimClient says what a session sends at its Login, receives and writes once online. */
export abstract class ClientConnection extends ClientRequests {
  readonly api: RouteApi;
  protected link: GatewayLink | null = null;
  protected login: StoredLogin | null = null;
  private currentGateway: GatewayAddress | null = null;
  private currentState: ConnectionState = "idle";
  private readonly refresh: TokenRefresh;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private attempt = 0;
  /** The device said it has no network (`network(false)`), and has not said since that it is back. */
  private deviceOffline = false;
  /** The gateway the next reconnect asks route to avoid (none after a token expiry: that gateway is fine). */
  private avoidGateway: string | undefined;
  protected readonly options: ResolvedClientOptions;

  constructor(options: CimClientOptions) {
    super();
    const logger: ClientLogger = console;
    this.options = { resendAfterMs: 5_000, backoff: { baseMs: 300, maxMs: 10_000 }, offlineRetryMs: 60_000, autoDelivered: true, loginTimeoutMs: 20_000, maxUnacknowledged: 1_000, refreshBeforeExpiryMs: 60_000, readTimeoutMs: 3_000, requestTimeoutMs: ROUTE_TIMEOUT_MS, routeAttemptTimeoutMs: ROUTE_ATTEMPT_TIMEOUT_MS, logger, ...options };
    this.api = new RouteApi(options.routeUrl, options.fetch, this.options.requestTimeoutMs, {
      attemptTimeoutMs: this.options.routeAttemptTimeoutMs,
      onRetry: (info) => this.events.routeRetry.emit(info),
    });
    this.refresh = new TokenRefresh({
      renew: () => this.api.reconnect(this.requireToken()).then((answer) => answer.token),
      renewed: (token) => this.renewed(token),
      refused: (error) => this.end(error),
      beforeMs: this.options.refreshBeforeExpiryMs,
      backoff: this.options.backoff,
    });
  }

  /** The Login frame of a session opened with `token`. */
  protected abstract loginFrame(token: string): FrameInput;
  /** A frame the gateway pushed. */
  protected abstract received(frame: Frame): void;
  /** The session's LoginAck, before the state turns online. */
  protected abstract acknowledged(ack: LoginAck): void;
  /** The session is online (state, refresh and `onSession` done): what waited goes out. */
  protected abstract sessionStarted(ack: LoginAck): void;
  /** The live link's timer: what waits for the frame budget. */
  protected abstract tick(now: number): void;
  /** The client was closed: what waits is rejected. */
  protected abstract closed(): void;

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
    this.closed();
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
    const logoutToken = answer.logoutToken ?? (this.login?.userId === answer.userId ? this.login.logoutToken : undefined);
    this.login = { userId: answer.userId, userName: answer.userName, token: answer.token, ...(logoutToken ? { logoutToken } : {}) };
    this.currentGateway = answer.gateway;
    this.setState(this.currentState === "reconnecting" ? "reconnecting" : "connecting");
    const link: GatewayLink = new GatewayLink({
      url: answer.gateway.wsUrl,
      createSocket: this.options.createSocket ?? ((url: string) => new WebSocket(url) as unknown as SocketLike),
      loginTimeoutMs: this.options.loginTimeoutMs,
      login: () => this.loginFrame(answer.token),
      established: (ack) => this.loggedIn(answer.token, ack),
      frame: (frame) => this.received(frame),
      undecodable: (error) => this.events.error.emit(error),
      lost: (code, reason) => this.linkLost(link, code, reason),
      tick: (now) => this.tick(now),
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
    this.acknowledged(ack);
    this.setState("online");
    this.stopTimers();
    this.refresh.plan(token);
    this.events.session.emit({ ...this.login! });
    this.sessionStarted(ack);
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
