// Route's one error class: an HTTP status and a code for the `{"error":{"code","message"}}` body.
import type { ContentfulStatusCode } from "hono/utils/http-status";

/** Retry-After of a request refused while Redis is unavailable (it reconnects every 2 s at most). */
export const REDIS_RETRY_AFTER_SECONDS = 2;

export class ApiError extends Error {
  override readonly name = "ApiError";
  /** Extra response headers, such as Retry-After of a 429. */
  readonly headers: Record<string, string>;
  constructor(readonly status: ContentfulStatusCode, readonly code: string, message: string, options?: { cause?: unknown; headers?: Record<string, string> }) {
    super(message, options);
    this.headers = options?.headers ?? {};
  }
}
