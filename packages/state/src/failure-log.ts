// Logs failures caused by an unavailable Redis (down, stalled, a silent link) once per kind and window, with how
// many were left out, rather than one error with a stack per frame, session, room or request during an outage
// (gateways and route). Any other failure (a bug) is still logged every time. Other warnings that can repeat per
// frame (a gateway's Sends refused beyond CIM_MAX_SENDS_IN_FLIGHT) use the same window.
import { isRedisUnavailable } from "./redis.js";

/** What it needs of a logger (pino's). */
export interface FailureLogger {
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

/** At most one line per kind of Redis failure this often. */
export const FAILURE_LOG_WINDOW_MS = 10_000;

export class FailureLog {
  private readonly kinds = new Map<string, { loggedAt: number; left: number }>();

  constructor(private readonly log: FailureLogger, private readonly windowMs = FAILURE_LOG_WINDOW_MS) {}

  /** Logs `error` under `message`; `cause` is what decides whether Redis was unavailable. */
  failed(fields: Record<string, unknown>, message: string, error: unknown): void {
    if (!isRedisUnavailable(error)) {
      this.log.error({ ...fields, err: error }, message);
      return;
    }
    this.throttled(`${message}: ${(error as Error).message}`, { ...fields, err: (error as Error).message }, `${message} (Redis unavailable; once per window, leftOut counts the others)`);
  }

  /** Logs a warning of `kind` unless one was logged less than a window ago (then only counts it in leftOut). */
  throttled(kind: string, fields: Record<string, unknown>, message: string): void {
    const now = Date.now();
    const seen = this.kinds.get(kind);
    if (seen && now - seen.loggedAt < this.windowMs) {
      seen.left++;
      return;
    }
    this.log.warn({ ...fields, leftOut: seen?.left ?? 0, windowMs: this.windowMs }, message);
    this.kinds.set(kind, { loggedAt: now, left: 0 });
  }
}
