// Errors the client reports besides route's CimApiError, and which of them end a login for good.
import { ACCOUNT_DELETED, ErrorCode, LoginClose, TERMINAL_CLOSE_CODES } from "@cim/protocol";
import { CimApiError } from "./route-api.js";

/** An Error frame from the gateway that answered one Send. */
export class SendError extends Error {
  override readonly name = "SendError";
  constructor(readonly code: string, message: string, readonly clientMsgId: string) {
    super(message);
  }
}

/** The socket closed; `code` is the WebSocket close code (see @cim/protocol codes). */
export class CloseError extends Error {
  override readonly name = "CloseError";
  constructor(readonly code: number, readonly reason: string) {
    super(`connection closed (${code}${reason ? `: ${reason}` : ""})`);
  }
}

/** The gateway answered Login with an Error frame; `code` is its ErrorCode (`unauthorized`, `unavailable`, ...). */
export class LoginError extends Error {
  override readonly name = "LoginError";
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

/** `send` while `limit` messages already wait for their SendAck (a long outage): nothing more is queued. */
export class OutboxFullError extends Error {
  override readonly name = "OutboxFullError";
  constructor(readonly limit: number) {
    super(`${limit} messages are still waiting to be sent: wait until the connection is back`);
  }
}

/**
 * True when the login itself is over: route refused the token (401), or a gateway refused or revoked it
 * (close 4401, Error `unauthorized`). Anything else (unreachable, `unavailable`, `rate_limited`, 1011, ...)
 * is transient and retried.
 */
export function isAuthFailure(error: unknown): boolean {
  if (error instanceof CimApiError) return error.status === 401;
  if (error instanceof CloseError) return error.code === LoginClose.BadToken;
  if (error instanceof LoginError) return error.code === ErrorCode.Unauthorized;
  return false;
}

/**
 * True when the login ended because its account was deleted (from another device, or this one): route's 401, a
 * gateway's Login refusal or its close (4401) then say ACCOUNT_DELETED.
 */
export function isAccountDeleted(error: unknown): boolean {
  if (error instanceof CloseError) return error.code === LoginClose.BadToken && error.reason === ACCOUNT_DELETED;
  return isAuthFailure(error) && (error as Error).message === ACCOUNT_DELETED;
}

/** True when the session must not be reconnected: an auth failure, or a close such as 4409 (replaced). */
export function isFinal(error: unknown): boolean {
  return isAuthFailure(error) || (error instanceof CloseError && TERMINAL_CLOSE_CODES.has(error.code));
}
