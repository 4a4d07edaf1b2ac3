// Turns SDK and route errors into sentences for the login screen, the dashboard and messages that were not sent.
import { CimApiError, CloseError, isAuthFailure, LoginError, OutboxFullError, SendError } from "@cim/client";
import { ErrorCode } from "@cim/protocol";

/** True when a stored login can no longer be used (a bad, expired or revoked token): the SDK's one definition. */
export { isAuthFailure };

/**
 * Why a window was signed out when its login was refused: the token expired, or the login was ended on another
 * device (a password change, "Sign out other devices", a logout); route and the gateways answer both alike.
 */
export const LOGIN_ENDED = "You were signed out: your session has expired or was ended on another device. Please log in again.";

/** A short, human explanation of why a register, login or resume failed. */
export function describeError(error: unknown): string {
  if (error instanceof CimApiError) return describeApiError(error);
  if (error instanceof LoginError) {
    if (error.code === ErrorCode.Unauthorized) return LOGIN_ENDED;
    if (error.code === ErrorCode.RateLimited) return "Too many attempts. Wait a moment and try again.";
    return "The chat server is briefly unavailable. Trying again…";
  }
  if (error instanceof CloseError) return `Could not open a session on the chat server (${error.code}). Try again.`;
  if (error instanceof OutboxFullError) return error.message;
  return error instanceof Error ? error.message : String(error);
}

/**
 * Why a password change or sign-out of the other devices failed: a 401 is route's own words (a wrong current
 * password, or this login ended), never the login screen's "wrong user name or password".
 */
export function describeAccountError(error: unknown): string {
  if (error instanceof CimApiError && error.code === ErrorCode.Unauthorized) return sentence(error.message || "the current password is wrong");
  return describeError(error);
}

/**
 * Refusals that the same message can never get past by being sent again: the users block each other, the room or the
 * user is gone, the message itself is refused. Such a message offers Delete only; a Retry would fail the same way.
 */
const FINAL_SEND_ERRORS: ReadonlySet<string> = new Set([ErrorCode.Blocked, ErrorCode.NotMember, ErrorCode.UnknownRecipient, ErrorCode.PayloadTooLarge, ErrorCode.BadRequest]);

/** True when sending the same message again may succeed (a lost connection, a rate limit), so Retry is offered. */
export function isRetryableSendError(error: unknown): boolean {
  return !(error instanceof SendError && FINAL_SEND_ERRORS.has(error.code));
}

/** Why an own message was not sent, as shown under it (next to Retry when `isRetryableSendError`). */
export function describeSendError(error: unknown): string {
  if (error instanceof OutboxFullError) return "Too many messages are waiting to be sent. Retry in a moment.";
  if (!(error instanceof SendError)) return "The connection was lost before the server confirmed it.";
  switch (error.code) {
    case ErrorCode.RateLimited:
      return "You are sending too fast. Wait a moment, then retry.";
    case ErrorCode.NotMember:
      return "You are no longer a member of this room.";
    case ErrorCode.Blocked:
      return sentence(error.message || "this user does not accept your messages");
    case ErrorCode.UnknownRecipient:
      return "This user does not exist any more.";
    case ErrorCode.PayloadTooLarge:
      return "The message is too long for the server.";
    default:
      return error.message ? `The server refused it: ${error.message}.` : "The server refused it.";
  }
}

function describeApiError(error: CimApiError): string {
  switch (error.code) {
    case ErrorCode.NameTaken:
      return "That user name is already taken. Choose another one.";
    case ErrorCode.Unauthorized:
      return "Wrong user name or password.";
    case ErrorCode.NoGateway:
      return "No chat server (gateway) is available right now. Try again in a moment.";
    case ErrorCode.AlreadyOnline:
      return "This user is already online in another window.";
    case ErrorCode.RateLimited:
      return error.retryAfterSeconds !== undefined
        ? `Too many attempts. Try again in ${formatWait(error.retryAfterSeconds)}.`
        : "Too many attempts. Wait a moment and try again.";
    case ErrorCode.WeakPassword:
      // The server says what is wrong (too short, too common, the name): its words are the advice.
      return sentence(error.message || "Choose a stronger password");
    case "unreachable":
      return "The server cannot be reached. Check your connection.";
    case ErrorCode.BadRequest:
      return readableBadRequest(error.message);
    default:
      return error.message || `Request failed (${error.status}).`;
  }
}

/** Route's field names as people say them. */
const FIELD_NAMES: Record<string, string> = { userName: "the user name", password: "the password", name: "the name", q: "a search" };

/**
 * Route's validation message ("userName: userName may hold letters, digits, _ . - only; ...") as sentences: the
 * field paths dropped, field names in words, each reason once.
 */
function readableBadRequest(message: string): string {
  const reasons = message.split("; ").map((reason) => {
    const text = reason.replace(/^[\w.]+: /, "").replace(/^(\w+)\b/, (word) => FIELD_NAMES[word] ?? word);
    return sentence(text);
  });
  return [...new Set(reasons.filter((reason) => reason.length > 0))].join(" ") || "The server refused the request.";
}

/** "too short" → "Too short." */
function sentence(text: string): string {
  const trimmed = text.trim();
  if (!trimmed) return "";
  return `${trimmed.charAt(0).toUpperCase()}${trimmed.slice(1)}${/[.!?]$/.test(trimmed) ? "" : "."}`;
}

function formatWait(seconds: number): string {
  if (seconds < 90) return `${Math.max(1, seconds)} second${seconds === 1 ? "" : "s"}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minutes`;
}
