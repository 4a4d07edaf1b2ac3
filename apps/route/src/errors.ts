// Route's one error class: an HTTP status and a code for the `{"error":{"code","message"}}` body.
import type { ContentfulStatusCode } from "hono/utils/http-status";

export class ApiError extends Error {
  override readonly name = "ApiError";
  constructor(readonly status: ContentfulStatusCode, readonly code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
