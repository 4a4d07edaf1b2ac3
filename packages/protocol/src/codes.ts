// The close codes and error codes of CONTRACT.md, one table per lifecycle stage.

/** Close codes used while a socket is being authenticated. */
export const LoginClose = {
  /** The Login token is missing, forged or expired. */
  BadToken: 4401,
  /** No Login frame arrived within the login timeout. */
  LoginTimeout: 4408,
  /** The login could not be completed for a server-side failure (Redis unavailable): WebSocket's own code, retry. */
  ServerFailure: 1011,
} as const;

/** Close codes used on an established session. */
export const SessionClose = {
  /** A frame could not be decoded, had no body, or is not allowed from a client. */
  Malformed: 4400,
  /** The socket sent nothing (not even Ping) for the idle timeout. */
  IdleTimeout: 4408,
  /** The same user logged in again elsewhere (login policy `replace`). */
  Replaced: 4409,
  /** The client sent faster than its rate limit, or read too slowly. */
  RateLimited: 4429,
  /** A frame was larger than the gateway's maximum payload (ws enforces it). */
  TooLarge: 1009,
  /** The gateway is shutting down; reconnect through route. */
  GoingAway: 1001,
  /** The session's token expired while connected: refresh it through route (`/api/reconnect`) and log in again. */
  TokenExpired: 4440,
  /** The login was revoked (logout elsewhere): do not reconnect. */
  Revoked: 4401,
} as const;

/** Close codes a client uses on its own socket. */
export const ClientClose = {
  /** Nothing (not even Pong) came for three heartbeats: the gateway is gone or frozen; the client reconnects. */
  HeartbeatLost: 4000,
} as const;

/** Close codes after which a client must not reconnect on its own. */
export const TERMINAL_CLOSE_CODES: ReadonlySet<number> = new Set([LoginClose.BadToken, SessionClose.Replaced]);

/** Error codes carried by `Error` frames and by HTTP error bodies. */
export const ErrorCode = {
  BadRequest: "bad_request",
  Unauthorized: "unauthorized",
  Forbidden: "forbidden",
  NotFound: "not_found",
  NameTaken: "name_taken",
  AlreadyOnline: "already_online",
  /** Login policy `multi`: the user already has CIM_MAX_DEVICES live sessions. */
  TooManyDevices: "too_many_devices",
  NoGateway: "no_gateway",
  UnknownRecipient: "unknown_recipient",
  /** A send to, or history of, a room the user is not a member of. */
  NotMember: "not_member",
  /** Recovery could not start where the client asked: the stream was trimmed; load history instead. */
  HistoryTrimmed: "history_trimmed",
  PayloadTooLarge: "payload_too_large",
  RateLimited: "rate_limited",
  /** A JSON endpoint got a body that is not `application/json`. */
  UnsupportedMediaType: "unsupported_media_type",
  /** An HTTP path that exists, asked with a method it does not take (`405`, with `Allow`). */
  MethodNotAllowed: "method_not_allowed",
  /**
   * A private message between users who block each other (either way), refused and not stored: the message says
   * which way. A client that does not know the code shows it as any refused Send.
   */
  Blocked: "blocked",
  /** PUT /api/blocks: the caller blocks the most users it may already. */
  TooManyBlocks: "too_many_blocks",
  /** A password too short or too common. */
  WeakPassword: "weak_password",
  Unavailable: "unavailable",
  Internal: "internal",
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/**
 * The reason of a `4401` close, and the message of an `unauthorized` answer (a Login's Error frame, a route 401), when
 * the login's account was deleted: a client tells its user so rather than "session expired".
 */
export const ACCOUNT_DELETED = "account deleted";

/** The header of route's `204` to `POST /api/logout/others` saying how many other logins it ended ("0": none). */
export const LOGINS_ENDED_HEADER = "Cim-Logins-Ended";

/** Longest message text, in UTF-16 code units, accepted by gateways and route. */
export const MAX_TEXT_LENGTH = 4000;

/** Longest message search query (`GET /api/search`'s `q`), in UTF-16 code units. */
export const MAX_SEARCH_QUERY_LENGTH = 100;

/**
 * A gateway's per-session limits unless configured (CIM_RATE_PER_SEC, CIM_RATE_BURST, CIM_MAX_SENDS_IN_FLIGHT), as
 * LoginAck names them: what a client assumes when LoginAck does not say (a gateway before those fields).
 */
export const DEFAULT_SESSION_LIMITS = { ratePerSec: 50, rateBurst: 200, maxSendsInFlight: 200 } as const;

/** Most userIds one PresenceSubscribe may name; a longer list is answered `Error{bad_request}` and changes nothing. */
export const MAX_PRESENCE_SUBSCRIPTIONS = 500;

/** Most conversations one TypingSubscribe may name; a longer list is answered `Error{bad_request}` and changes nothing. */
export const MAX_TYPING_SUBSCRIPTIONS = 20;
