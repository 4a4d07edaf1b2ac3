// The error every failed route call throws, and the Retry-After it may carry.

/**
 * An error answer of route: `status` is the HTTP status (0 when route could not be reached); for a 429 or 503,
 * `retryAfterSeconds` is route's Retry-After (undefined when it sent none); for a send's 503, `clientMsgId` is the id
 * it may have been stored under: send it again with that one and it is stored once.
 */
export class CimApiError extends Error {
  override readonly name = "CimApiError";
  constructor(readonly status: number, readonly code: string, message: string, readonly retryAfterSeconds?: number, readonly clientMsgId?: string) {
    super(message);
  }
}

/** Retry-After as seconds: either delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}
