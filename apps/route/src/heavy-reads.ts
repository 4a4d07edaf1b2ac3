// What a heavy read costs of its user's budget (AbuseGuard.heavyRead, CIM_HEAVY_READS_PER_USER per window): the
// online list, a room's member pages, name searches and last-seen read name indexes and accounts by the hundred or thousand, and the
// cap of requests in progress (user-requests.ts) bounded how many ran at once, never how often.
import type { Services } from "./context.js";

/** A page (up to 200 users shown, up to 2,000 index entries read). */
export const PAGE_COST = 1;
/** The whole list without paging parameters (old clients) costs what the pages of this many showing it would. */
export const WHOLE_LIST_USERS_PER_COST = 200;
/**
 * A name search (GET /api/users): up to 50 index entries and their accounts and online states, a member page's work
 * at most. The web app asks once the typing pauses for `searchDelayMs` (200 ms): a person typing without a break spends
 * at most 300 a minute of the 3,000.
 */
export const USER_SEARCH_COST = 1;
/** GET /api/users/last-seen costs 1 per this many users named (the web app names one). */
export const LAST_SEEN_USERS_PER_COST = 10;

/** The cost of the whole list of `users` users (every online user, or every member of a room): at least 1. */
export function wholeListCost(users: number): number {
  return Math.max(1, Math.ceil(users / WHOLE_LIST_USERS_PER_COST));
}

/** The cost of a last-seen of `users` users. */
export function lastSeenCost(users: number): number {
  return Math.max(1, Math.ceil(users / LAST_SEEN_USERS_PER_COST));
}

/** Charges `cost` to `userId`'s heavy reads; throws 429 rate_limited (Retry-After) past the limit. */
export async function chargeHeavyRead(s: Pick<Services, "guard" | "log">, userId: string, cost: number, path: string): Promise<void> {
  await s.guard.heavyRead(userId, cost, () =>
    s.log.info({ userId, path }, "heavy read refused: user over CIM_HEAVY_READS_PER_USER, answered 429 until its window ends"));
}
