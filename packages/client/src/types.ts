// The client's public shapes: options, connection states, stored logins, cursors, sends, statistics.
import type { BackoffOptions } from "./backoff.js";
import type { SocketFactory } from "./socket.js";

export type ConnectionState = "idle" | "connecting" | "online" | "reconnecting" | "closed";

export interface CimClientOptions {
  /** Route's base URL, e.g. http://127.0.0.1:8080 ("" for the page's own origin). */
  routeUrl: string;
  /** Opens a WebSocket; defaults to the global WebSocket (browsers, Node 22+). */
  createSocket?: SocketFactory;
  fetch?: typeof fetch;
  /** Resend an unacknowledged Send after this long. */
  resendAfterMs?: number;
  backoff?: BackoffOptions;
  /** While the device says it has no network (`network(false)`), the pause between reconnect attempts (default
   * 60 s): an attempt then only fails, and `network(true)` tries at once anyway. */
  offlineRetryMs?: number;
  /** Answer private messages with Delivered automatically. */
  autoDelivered?: boolean;
  /** A connection that has not reached LoginAck this long after it was opened is given up (and retried). */
  loginTimeoutMs?: number;
  /** The most messages that may wait for their SendAck; `send` rejects with OutboxFullError beyond it. */
  maxUnacknowledged?: number;
  /** Renew the session's token through route this long before it expires (at most half its lifetime). */
  refreshBeforeExpiryMs?: number;
  /** Where the client reports anomalies (dropped duplicates); defaults to the console. */
  logger?: ClientLogger;
  /**
   * A Read sent by `markRead` counts as in flight until the gateway echoes the new position back (as the
   * user's own Read) or this long has passed; meanwhile newer marks of that conversation wait, the newest wins.
   */
  readTimeoutMs?: number;
  /** A route call (login, reconnect, history, ...) unanswered this long fails as `unreachable` (default 30 s). */
  requestTimeoutMs?: number;
  /**
   * A login unanswered this long is asked once more on a fresh request (the first left open), within
   * requestTimeoutMs, and `onRouteRetry` is told (default 8 s).
   */
  routeAttemptTimeoutMs?: number;
}

export interface ClientLogger {
  warn(message: string): void;
}

/** Counters an app can show or check; they only grow during the client's life. */
export interface ClientStats {
  /** Messages dropped because their msgId was not newer than the last one seen in their stream. */
  duplicatesDropped: number;
  /** Messages this client sent itself (their msgId came in its SendAck) that came back: dropped without a warning. */
  ownEchoesDropped: number;
}

/**
 * Where this client is in each stream it receives ("" = nowhere yet): the last msgId seen in the group, among
 * its private messages (the inbox: every private message to or from the user), and in each room by roomId.
 */
export interface Cursors {
  group: string;
  inbox: string;
  rooms: Record<string, string>;
}

/** What a tab or process needs to resume its login without the password. */
export interface StoredLogin {
  userId: string;
  userName: string;
  token: string;
  /** The login's logout token (LoginAnswer), when route gave one. */
  logoutToken?: string;
}

/** A message to the group (neither `to` nor `room`), to one user (`to`: userId) or to a room (`room`: roomId). */
export interface SendInput {
  to?: string;
  /** A roomId the user is a member of (`everyone` is the group); exclusive with `to`. */
  room?: string;
  text: string;
  /** Reuse to make a retry idempotent; generated when absent. */
  clientMsgId?: string;
  /** A message of the same conversation this one quotes. */
  replyTo?: string;
  /** The user's own message of the same conversation this edits (`text` is its new text), or with `delete` deletes. */
  editOf?: string;
  delete?: boolean;
  /** A message (anyone's) of the same conversation this reacts to with `reaction` ("" takes the reaction back); `text` is ignored. */
  reactTo?: string;
  reaction?: string;
}
