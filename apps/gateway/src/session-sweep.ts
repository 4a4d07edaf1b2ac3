// The liveness sweep: closes sockets not logged in in time, idle sockets, sockets whose reader stopped draining
// their unsent bytes, and sessions whose token expired. One timer for the whole gateway instead of timers and closures per socket (memory per session).
import type { Logger } from "pino";
import { LoginClose, SessionClose } from "@cim/protocol";
import type { GatewayMetrics } from "./metrics.js";
import type { Session } from "./session.js";
import type { SessionTable } from "./session-table.js";

export interface SessionSweepDeps {
  table: SessionTable;
  idleTimeoutMs: number;
  loginTimeoutMs: number;
  /** A socket whose unsent bytes have not drained at all for this long is closed with 4429 (Session.stalledFor). */
  sendStallTimeoutMs: number;
  /** Runs on each sweep too (the admission's buckets). */
  onSweep: () => void;
  metrics: GatewayMetrics;
  log: Logger;
}

/** Token expiry is checked this often: a session outlives its token by at most about this long. */
const EXPIRY_CHECK_MS = 1_000;
const MIN_SWEEP_MS = 50;
/** A Login received in time is let run this many login timeouts from the socket's opening before it is closed. */
const SLOW_LOGIN_TIMEOUTS = 3;
const MAX_SWEEP_MS = 5_000;

export class SessionSweep {
  /** A third of the shortest timeout: a socket is closed at most a third late (short timeouts in tests hold). */
  readonly periodMs: number;
  private sweepTimer: NodeJS.Timeout | undefined;
  private expiryTimer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: SessionSweepDeps) {
    this.periodMs = Math.max(MIN_SWEEP_MS, Math.min(MAX_SWEEP_MS, Math.floor(Math.min(deps.idleTimeoutMs, deps.loginTimeoutMs, deps.sendStallTimeoutMs) / 3)));
  }

  start(): void {
    // The decisions run in the check phase, after the poll phase has read the frames waiting in the sockets: a
    // long loop iteration must not close sessions whose pings are already in their buffers.
    this.sweepTimer = setInterval(() => setImmediate(() => this.sweep()), this.periodMs);
    this.expiryTimer = setInterval(() => setImmediate(() => this.expireTokens()), EXPIRY_CHECK_MS);
  }

  stop(): void {
    clearInterval(this.sweepTimer);
    clearInterval(this.expiryTimer);
  }

  private sweep(): void {
    this.deps.onSweep();
    const now = Date.now();
    const loginDeadline = now - this.deps.loginTimeoutMs;
    const slowLoginDeadline = now - SLOW_LOGIN_TIMEOUTS * this.deps.loginTimeoutMs;
    const idleDeadline = now - this.deps.idleTimeoutMs;
    for (const session of this.deps.table.all()) {
      if (!session.isOpen) continue;
      // A Login that arrived in time but still waits for its turn (a storm) is let finish, up to a few timeouts.
      if (!session.user && session.openedAt <= (session.loginReceived ? slowLoginDeadline : loginDeadline)) this.closeUnauthenticated(session);
      else if (session.lastSeen < idleDeadline) this.closeIdle(session);
      else if (session.stalledFor(now) > this.deps.sendStallTimeoutMs) this.closeStalled(session);
    }
  }

  private expireTokens(): void {
    const now = Date.now();
    for (const session of this.deps.table.users()) if (session.expiresAt <= now && session.isOpen) this.closeExpired(session);
  }

  private closeUnauthenticated(session: Session): void {
    this.deps.log.info({ remote: session.remote }, "closing socket: no Login in time");
    this.deps.metrics.closes.inc({ code: String(LoginClose.LoginTimeout) });
    session.close(LoginClose.LoginTimeout, "no login in time");
  }

  private closeIdle(session: Session): void {
    this.deps.log.info({ remote: session.remote, userId: session.user?.userId }, "closing idle socket");
    this.deps.metrics.closes.inc({ code: String(SessionClose.IdleTimeout) });
    session.close(SessionClose.IdleTimeout, "idle timeout");
  }

  private closeStalled(session: Session): void {
    // Its close frame waits behind what it did not read: it learns of this when it reads again, or by a reset 2 s on.
    const buffered = session.socket.bufferedAmount;
    this.deps.log.warn({ remote: session.remote, userId: session.user?.userId, buffered }, "closing stalled reader: nothing of its send buffer drained within CIM_SEND_STALL_TIMEOUT_MS");
    this.deps.metrics.closes.inc({ code: String(SessionClose.RateLimited) });
    session.close(SessionClose.RateLimited, "slow consumer: stopped reading");
  }

  private closeExpired(session: Session): void {
    this.deps.log.info({ remote: session.remote, userId: session.user?.userId }, "closing session: token expired");
    this.deps.metrics.closes.inc({ code: String(SessionClose.TokenExpired) });
    session.close(SessionClose.TokenExpired, "token expired: refresh it and log in again");
  }
}
