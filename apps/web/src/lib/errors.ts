// Turns SDK and route errors into sentences for the login screen and the dashboard.
import { CimApiError, CloseError } from "@cim/client";
import { ErrorCode } from "@cim/protocol";

/** A short, human explanation of why a register, login or resume failed. */
export function describeError(error: unknown): string {
  if (error instanceof CimApiError) {
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
        return "Too many attempts. Wait a moment and try again.";
      case "unreachable":
        return "The server cannot be reached. Check your connection.";
      case ErrorCode.BadRequest:
        return error.message;
      default:
        return error.message || `Request failed (${error.status}).`;
    }
  }
  if (error instanceof CloseError) return `Could not open a session on the chat server (${error.code}). Try again.`;
  return error instanceof Error ? error.message : String(error);
}

/** True when a stored login can no longer be used (expired or forged token). */
export function isAuthFailure(error: unknown): boolean {
  return (error instanceof CimApiError && error.status === 401) || (error instanceof CloseError && error.code === 4401);
}
