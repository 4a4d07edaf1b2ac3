// Full-jitter exponential backoff: a random delay in [0, min(max, base * 2^attempt)).

export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
}

/** The delay before reconnect attempt `attempt` (0-based). */
export function backoffDelay(attempt: number, { baseMs, maxMs }: BackoffOptions, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * ceiling);
}
