// Attempts at a password (a login of a name from an address, a password change or an account deletion by a login)
// run one at a time per key on this process: each is checked against its limits before the costly hash and counted
// after it, so attempts sent at once all passed a check made before any was counted, and all were hashed.
import { rateLimited } from "./abuse-guard.js";
import type { UserRequests } from "./user-requests.js";

/** Attempts of one key waiting for the one in progress; more are answered 429 (Retry-After: 1). */
export const PASSWORD_ATTEMPTS_WAITING = 64;

/** The key of a login's own attempts (password change, account deletion): `|` starts no address. */
export const loginAttemptKey = (sessionId: string) => `|${sessionId}`;

/** Runs `attempt` once the attempts of `key` before it are done (checked and counted). */
export async function oneAtATime<T>(attempts: UserRequests, key: string, attempt: () => Promise<T>): Promise<T> {
  if ((await attempts.enter(key)) === "refused") throw rateLimited("too many attempts at this password at once", 1);
  try {
    return await attempt();
  } finally {
    attempts.leave(key);
  }
}
