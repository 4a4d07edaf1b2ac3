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
}

export interface ClientLogger {
  warn(message: string): void;
}

/** Counters an app can show or check; they only grow during the client's life. */
export interface ClientStats {
  /** Messages dropped because their msgId was not newer than the last one seen in their stream. */
  duplicatesDropped: number;
}

/** The newest msgId this client has seen in the group and among its private messages ("" = none). */
export interface Cursors {
  group: string;
  inbox: string;
}

/** What a tab or process needs to resume its login without the password. */
export interface StoredLogin {
  userId: string;
  userName: string;
  token: string;
}

export interface SendInput {
  to?: string;
  text: string;
  /** Reuse to make a retry idempotent; generated when absent. */
  clientMsgId?: string;
}
