// One client socket: its login state, liveness, rate limit and a bounded outgoing buffer. Delivery keeps its
// cursors in its own structures (RoomReader, InboxDelivery), not here.
import { randomUUID } from "node:crypto";
import type { WebSocket } from "ws";
import { encodeFrame, SessionClose, type Frame } from "@cim/protocol";
import { FrameLimiter } from "./rate-limiter.js";

export interface SessionUser {
  userId: string;
  userName: string;
  sessionId: string;
  /** The login epoch the login began in (its token's): a later password change or "sign out other devices" ends it. */
  loginEpoch: number;
}

/** The TCP peer of a socket (a net.Socket): Node keeps its address once read, even after the socket closed. */
export interface Peer {
  readonly remoteAddress?: string;
  readonly remotePort?: number;
}

export interface SessionLimits {
  maxBufferedBytes: number;
  ratePerSec: number;
  rateBurst: number;
  /** The client's heartbeat interval: a Ping at half this pace or slower is never refused. */
  heartbeatMs: number;
  /** Called once when the session is cut off for reading too slowly (one function shared by every session). */
  onSlowConsumer?: (session: Session) => void;
}

const TERMINATE_AFTER_CLOSE_MS = 2_000;

/** The queue of a session with no frame in flight: one settled promise shared by every session (issue 13). */
export const IDLE: Promise<void> = Promise.resolve();

export class Session {
  /** Made when first asked for: a UUID string costs about 450 bytes of heap, and most sockets are never named. */
  private id: string | undefined;
  user: SessionUser | null = null;
  /** The client said at Login that it takes MessageBatch frames (Login.messageBatches); else one Message frame each. */
  messageBatches = false;
  /**
   * The place LoginGate reserved for this socket on all gateways until a write of the user's sessions here counts it
   * (PresenceKeeper), or its login failed (ChatService): cleared then.
   */
  loginReservation: string | undefined = undefined;
  /** Set once LoginAck is sent: from then on frames are started as they arrive (FrameHandler). */
  loggedIn = false;
  /** When the socket opened: it must log in within the login timeout (the gateway's sweep closes it otherwise). */
  readonly openedAt = Date.now();
  /**
   * Set when the first frame (the Login) arrives: from then on the login timeout no longer applies in full, since the
   * client did its part; a login slowed by a storm is let finish (SessionSweep bounds it at a few timeouts).
   */
  loginReceived = false;
  lastSeen = this.openedAt;
  /** When its token expires (milliseconds since the epoch), once logged in; the gateway's sweep closes it then. */
  expiresAt = Infinity;
  /** Every frame after login takes a token from it, Pings included. */
  readonly limiter: FrameLimiter;
  /**
   * Frames of one session are handled one after another, so its messages keep their order: the last frame's
   * outcome, or IDLE once nothing is in flight (FrameHandler).
   */
  queue: Promise<void> = IDLE;
  /** Sends started and not yet answered (FrameHandler's; bounded by CIM_MAX_SENDS_IN_FLIGHT). */
  sendsInFlight = 0;
  /** Sends refused since the last one started: the refusals' streak, logged once (FrameHandler's). */
  sendsRefused = 0;
  private closing = false;
  /** Bytes handed to the socket by sendBytes: less its bufferedAmount, what the kernel has taken (stalledFor). */
  private sentBytes = 0;
  /** The most the kernel had taken at a check, and when that last grew or the buffer was found empty. */
  private drainedMark = 0;
  private drainedAt = this.openedAt;

  /**
   * `limits` is one object shared by every session of the gateway: it holds nothing of this session. `origin` is
   * the client's address for logs, or its TCP peer, whose address is only formatted when a log line needs it.
   */
  constructor(readonly socket: WebSocket, private readonly limits: SessionLimits, private readonly origin: string | Peer) {
    this.limiter = new FrameLimiter(limits.ratePerSec, limits.rateBurst, limits.heartbeatMs / 2);
  }

  /** Unique per socket, across gateways: a kick names the one connection to keep. */
  get connectionId(): string {
    return (this.id ??= randomUUID());
  }

  /** The client's address in log lines ("host:port", or "client via proxy host:port" behind a trusted proxy). */
  get remote(): string {
    return typeof this.origin === "string" ? this.origin : `${this.origin.remoteAddress}:${this.origin.remotePort}`;
  }

  /** Bytes the socket may hold before its reader counts as too slow (see sendBytes). */
  get maxBufferedBytes(): number {
    return this.limits.maxBufferedBytes;
  }

  get isOpen(): boolean {
    return !this.closing && this.socket.readyState === this.socket.OPEN;
  }

  send(frame: Frame): void {
    this.sendBytes(encodeFrame(frame));
  }

  /** Sends pre-encoded bytes; a reader too slow to drain its buffer is cut off (4429). */
  sendBytes(bytes: Uint8Array): boolean {
    if (!this.isOpen) return false;
    if (this.socket.bufferedAmount > this.limits.maxBufferedBytes) {
      this.limits.onSlowConsumer?.(this);
      this.close(SessionClose.RateLimited, "slow consumer");
      return false;
    }
    this.sentBytes += bytes.length;
    this.socket.send(bytes);
    return true;
  }

  /**
   * How long the socket's unsent bytes have not drained at all, as of `now` (0 while it holds none, or its reader
   * took some since the last check): the sweep cuts off a reader that stopped reading but keeps writing, which the
   * buffer bound alone would let hold its buffer until the next message. Counted from what the kernel takes, so a
   * slow reader is moving as long as its link takes any bytes. Frame headers count as unsent, so a Pong queued
   * behind a stalled reader never looks like progress.
   */
  stalledFor(now: number): number {
    const buffered = this.socket.bufferedAmount;
    const drained = this.sentBytes - buffered;
    if (buffered === 0 || drained > this.drainedMark) {
      this.drainedMark = drained;
      this.drainedAt = now;
      return 0;
    }
    return now - this.drainedAt;
  }

  /** Closes with a code; a peer that does not complete the close handshake is terminated. */
  close(code: number, reason: string): void {
    if (this.closing) return;
    this.closing = true;
    this.socket.close(code, reason);
    setTimeout(() => this.socket.terminate(), TERMINATE_AFTER_CLOSE_MS).unref();
  }
}
