// Full-jitter exponential backoff: a random delay in [0, min(max, base * 2^attempt)).

export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
}

/** The longest delay before attempt `attempt` (0-based): base · 2^attempt, at most max. */
export function backoffCeiling(attempt: number, { baseMs, maxMs }: BackoffOptions): number {
  return Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30));
}

/** The delay before reconnect attempt `attempt` (0-based). */
export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  return Math.floor(random() * backoffCeiling(attempt, options));
}
