// One socket to a gateway: open, Login, LoginAck (or the first failure before it), heartbeat, frames, its end.
import { ClientClose, decodeFrame, encodeFrame, UnknownFrameError, type Frame, type FrameInput, type LoginAck } from "@cim/protocol";
import { CloseError, LoginError } from "./errors.js";
import type { SocketFactory, SocketLike } from "./socket.js";

/** WebSocket's own code for a connection lost without a close frame (also used for one that never opened). */
export const ABNORMAL_CLOSURE = 1006;
/** The heartbeat until a LoginAck names one. */
const DEFAULT_HEARTBEAT_MS = 15_000;
/** WebSocket readyState values. */
const SOCKET_OPEN = 1;
const SOCKET_CLOSED = 3;

export interface GatewayLinkOptions {
  url: string;
  createSocket: SocketFactory;
  loginTimeoutMs: number;
  /** The Login frame, built when the socket opens (so it carries the cursors of that moment). */
  login: () => FrameInput;
  /** The LoginAck arrived: called before any later frame is handled and before `ready` resolves. */
  established: (ack: LoginAck) => void;
  /** Every other frame, those before LoginAck too. */
  frame: (frame: Frame) => void;
  /** Bytes that are not a frame. */
  undecodable: (error: Error) => void;
  /** The socket closed after LoginAck, not through `close()`. */
  lost: (code: number, reason: string) => void;
  /** Each heartbeat tick after LoginAck (at most a second apart). */
  tick: (now: number) => void;
}

/**
 * Owns one socket. `ready` settles on LoginAck, or rejects on the first failure before it (an Error frame,
 * a close, a browser refusing the URL, no LoginAck within `loginTimeoutMs`); the socket is closed then.
 * After LoginAck: a Ping after `heartbeatMs` without sending, and the link is dropped (close 4000) after
 * three heartbeats without any frame.
 */
export class GatewayLink {
  readonly ready: Promise<void>;
  private readonly socket: SocketLike;
  private ended = false;
  private lastSent = 0;
  private lastReceived = 0;
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly options: GatewayLinkOptions) {
    const socket = options.createSocket(options.url);
    socket.binaryType = "arraybuffer";
    this.socket = socket;
    this.ready = new Promise((resolve, reject) => {
      let settled = false;
      const settle = (error?: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(loginTimer);
        if (!error) return resolve();
        // The caller (logIn, resume, reconnect) decides what comes next; this socket is done.
        this.close(1000, "login failed");
        reject(error);
      };
      // Nothing may wait forever: a connection that never opens, or a gateway that never answers the Login.
      const loginTimer = setTimeout(() => settle(new CloseError(ABNORMAL_CLOSURE, `no LoginAck within ${options.loginTimeoutMs} ms`)), options.loginTimeoutMs);
      socket.onopen = () => this.write(options.login());
      socket.onmessage = (event) => {
        const frame = this.ended ? null : this.decode(event.data);
        if (!frame) return;
        if (settled) return options.frame(frame);
        if (frame.kind === "loginAck") {
          this.startHeartbeat(frame.body.heartbeatMs || DEFAULT_HEARTBEAT_MS);
          options.established(frame.body);
          settle();
        } else if (frame.kind === "error" && !frame.body.clientMsgId) {
          // Mapped by its code: only `unauthorized` ends the login (isFinal); `unavailable` and the like are retried.
          settle(new LoginError(frame.body.code, frame.body.message));
        } else {
          options.frame(frame);
        }
      };
      socket.onclose = (event) => {
        if (this.ended) return;
        this.end();
        if (!settled) settle(new CloseError(event.code, event.reason));
        else options.lost(event.code, event.reason);
      };
      socket.onerror = () => {
        // Normally onclose follows with the code. A browser that refuses the URL itself (CSP connect-src) reports
        // an error on a socket that is already CLOSED and never sends a close event.
        if (socket.readyState === SOCKET_CLOSED) setTimeout(() => socket.onclose?.({ code: ABNORMAL_CLOSURE, reason: "refused by the browser" }), 0);
      };
    });
    // A caller that lets go of the link (close) may never look at `ready` again.
    this.ready.catch(() => undefined);
  }

  /** Writes a frame; false when the socket is not open (or this link has ended). */
  write(frame: FrameInput): boolean {
    if (this.ended || this.socket.readyState !== SOCKET_OPEN) return false;
    this.socket.send(encodeFrame(frame));
    this.lastSent = Date.now();
    return true;
  }

  /** Stops listening and closes the socket; nothing is reported any more (`lost` is not called). */
  close(code: number, reason: string): void {
    if (this.ended) return;
    this.end();
    this.socket.close(code, reason);
  }

  /**
   * Closes a dead socket and reports it lost now: a frozen or cut-off gateway never answers the close handshake,
   * which `ws` waits 30 s for and browsers up to a minute, all that time "online" with nothing arriving.
   */
  private drop(code: number, reason: string): void {
    this.end();
    this.socket.close(code, reason);
    this.options.lost(code, reason);
  }

  private end(): void {
    this.ended = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private decode(data: unknown): Frame | null {
    this.lastReceived = Date.now();
    try {
      return decodeFrame(new Uint8Array(data as ArrayBuffer));
    } catch (error) {
      // A frame kind newer than this client (a gateway grown since): not an error, nothing to do with it.
      if (!(error instanceof UnknownFrameError)) this.options.undecodable(error as Error);
      return null;
    }
  }

  private startHeartbeat(heartbeatMs: number): void {
    this.lastReceived = Date.now();
    const tick = Math.max(50, Math.min(1_000, Math.floor(heartbeatMs / 3)));
    this.timer = setInterval(() => {
      const now = Date.now();
      if (now - this.lastSent >= heartbeatMs) this.write({ kind: "ping", body: { ts: now } });
      this.options.tick(now);
      // No Pong or anything else for three heartbeats: the link is dead even if TCP has not noticed.
      if (now - this.lastReceived > heartbeatMs * 3) this.drop(ClientClose.HeartbeatLost, "heartbeat lost");
    }, tick);
  }
}
