// The caller's own password, checked before a change that needs it (a new password, the account's deletion).
import { ErrorCode } from "@cim/protocol";
import type { Account } from "@cim/state";
import type { TokenClaims } from "@cim/token";
import type { Services } from "./context.js";
import { ApiError } from "./errors.js";
import { loginAttemptKey } from "./password-attempts.js";
import { verifyPassword } from "./password.js";

/** What a refusal says: the log line and the 401's message. */
export interface OwnPasswordRefusal {
  logLine: string;
  message: string;
}

/**
 * Checks `password` against the caller's account, one attempt at a time per login (on every route process), its
 * guesses slowed like guesses at login before the costly hash: a stolen token cannot guess it fast. `check` runs on
 * the account before the hash (a new password's rules). Returns the account; 401 when it is gone or the password is
 * wrong (counted, and `refusal` logged).
 */
export async function verifyOwnPassword(s: Services, user: TokenClaims, password: string, refusal: OwnPasswordRefusal, check?: (account: Account) => void): Promise<Account> {
  return s.loginAttempts.run(loginAttemptKey(user.sessionId), async () => {
    await s.guard.checkPasswordChange(user);
    const found = await s.accounts.byId(user.userId);
    if (!found) throw new ApiError(401, ErrorCode.Unauthorized, "this account no longer exists");
    check?.(found);
    if (!(await verifyPassword(password, found.passwordHash))) {
      await s.guard.passwordChangeFailed(user);
      s.log.info({ userId: user.userId }, refusal.logLine);
      throw new ApiError(401, ErrorCode.Unauthorized, refusal.message);
    }
    await s.guard.passwordChangeSucceeded(user);
    return found;
  });
}
