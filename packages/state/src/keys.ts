// Redis key and channel names of CONTRACT.md (prefix `cim-`), in one place.
import { compareIds } from "@cim/protocol";

export const keys = {
  account: (userId: string) => `cim-account:${userId}`,
  /** A canonical user name (NFKC, case-folded, look-alikes mapped) -> userId. */
  accountName: (nameKey: string) => `cim-account-name:${nameKey}`,
  accountSeq: "cim-account-seq",
  route: (userId: string) => `cim-route:${userId}`,
  online: "cim-online",
  /** Set of userIds whose route points at one gateway: cleaned up when that gateway dies. */
  gatewayUsers: (gatewayId: string) => `cim-gw-users:${gatewayId}`,
  /** The last msgId handed out: msgIds are microseconds since the epoch, strictly increasing. */
  messageSeq: "cim-msg-seq",
  /** Every private message to a user, in msgId order: delivery and offline messages read from it. */
  inbox: (userId: string) => `cim-msg:inbox:${userId}`,
  /** The last private msgId the user's client acknowledged with Delivered. */
  inboxCursor: (userId: string) => `cim-inbox-cursor:${userId}`,
  groupStream: "cim-msg:group",
  /** One stream per pair of users, the lower id first so both sides name the same stream. */
  privateStream: (a: string, b: string): string => (compareIds(a, b) <= 0 ? `cim-msg:p:${a}:${b}` : `cim-msg:p:${b}:${a}`),
  /** Dedupe record of one client message: `<msgId>:<ts>`. */
  dedupe: (userId: string, clientMsgId: string) => `cim-dedupe:${userId}:${clientMsgId}`,
  /** A logged-out token's session id, kept until the token would have expired. */
  revoked: (sessionId: string) => `cim-revoked:${sessionId}`,
  /** Prefix of route's rate limiters (rate-limiter-flexible keys, each with its own expiry). */
  rateLimitPrefix: "cim-rl",
  /** Count of messages accepted, for the admin rate. */
  messageCount: "cim-stats:messages",
} as const;

export const channels = {
  /** Messages for one gateway's sessions. */
  gateway: (gatewayId: string) => `cim-bus:gw:${gatewayId}`,
  /** Messages for every gateway: group messages and presence. */
  all: "cim-bus:all",
} as const;
