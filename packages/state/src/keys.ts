// Redis key and channel names of CONTRACT.md (prefix `cim-`), in one place.
import { compareIds, EVERYONE_ROOM } from "@cim/protocol";

export const keys = {
  account: (userId: string) => `cim-account:${userId}`,
  /** A canonical user name (NFKC, case-folded, look-alikes mapped) -> userId. */
  accountName: (nameKey: string) => `cim-account-name:${nameKey}`,
  accountSeq: "cim-account-seq",
  online: "cim-online",
  /** Set of userIds with a session on one gateway: released when that gateway dies. */
  gatewayUsers: (gatewayId: string) => `cim-gw-users:${gatewayId}`,
  /**
   * Set of the gateway ids whose `cim-gw-users:` set may hold users (each claim adds its gateway; a release that
   * leaves the set empty takes it out): route's start finds the gateways to release here, not by SCAN.
   */
  gatewaysWithUsers: "cim-gateways:with-users",
  /** Set once the index above holds every gateway of the data written before it existed (one SCAN, at a route's start). */
  gatewaysWithUsersIndexed: "cim-gateways:with-users:indexed",
  /** A logged-out token's session id, kept until the token would have expired. */
  revoked: (sessionId: string) => `cim-revoked:${sessionId}`,
  /** Prefix of route's rate limiters (rate-limiter-flexible keys, each with its own expiry). */
  rateLimitPrefix: "cim-rl",
  /** Hash gatewayId -> when a route last saw it in ZooKeeper (ms): a restarted route still reports the missing ones. */
  gatewaysSeen: "cim-gateways:seen",
  /** A gateway's lease (its instance, with an expiry it renews): lapsed, the gateway has gone silent to Redis. */
  gatewayLease: (gatewayId: string) => `cim-gw-lease:${gatewayId}`,
  /** "releasing" or "released": a route released a gateway whose lease lapsed while ZooKeeper could not tell. */
  gatewayReleased: (gatewayId: string) => `cim-gw-released:${gatewayId}`,
  /** Held by the route process sweeping messages past the age limit this interval (retention.ts), lapsing with it. */
  retentionSweep: "cim-sweep:retention",
  /** Count of messages accepted, for the admin rate. */
  messageCount: "cim-stats:messages",
  /**
   * The last batch a message counter added (message-count.ts): its hash tag is messageCount's name, so both lie in one
   * slot and one script holds both; it begins with `cim-` like every key (it was `{cim-stats:messages}:counted:*`).
   */
  messageCountMark: (counter: string) => `cim-stats-counted:{cim-stats:messages}:${counter}`,
} as const;

/**
 * Conversation keys (docs/CONVERSATIONS.md): every key of one conversation shares the hash tag {c:<conv>}, every
 * key of one user {u:<userId>}, so each script touches one Redis Cluster slot.
 */
export const conv = {
  /** The Redis-internal key of a conversation: a roomId, or `p<lo>-<hi>` for a private chat. */
  ofRoom: (roomId: string) => roomId,
  ofPair: (a: string, b: string): string => (compareIds(a, b) <= 0 ? `p${a}-${b}` : `p${b}-${a}`),
  /** The conversation of a message from `from`: the private chat with `to`, else its room (`""`: the group). */
  ofMessage: (from: string, to: string, room: string): string => (to ? conv.ofPair(from, to) : conv.ofRoom(room || EVERYONE_ROOM)),
  messages: (convKey: string) => `cim-c:{c:${convKey}}:msgs`,
  /** The conversation's deleted msgIds (score: the msgId), the newest deletionsKept(maxLen), never lapsing: its replies' quotes of them are blanked (deleted-quotes.ts). */
  deletions: (convKey: string) => `cim-c:{c:${convKey}}:deletions`,
  /**
   * The conversation's edited msgIds, each scored by its newest edit's msgId (an integer below 2^53), the newest
   * deletionsKept(maxLen) edits, never lapsing, and the mark `complete`: a message and its earlier edits are handed
   * out with the newest text (edit-notes.ts).
   */
  edits: (convKey: string) => `cim-c:{c:${convKey}}:edits`,
  dedupe: (convKey: string, userId: string, clientMsgId: string) => `cim-c:{c:${convKey}}:dedupe:${userId}:${clientMsgId}`,
  roomMeta: (roomId: string) => `cim-c:{c:${roomId}}:meta`,
  roomMembers: (roomId: string) => `cim-c:{c:${roomId}}:members`,
  /** `<canonical name key>\0<userId>` per member, score 0: the members by name, for pages (room-member-index.ts). */
  roomMemberNames: (roomId: string) => `cim-c:{c:${roomId}}:member-names`,
  /** userId -> the room's newest msgId when that member joined or was invited ("0": none): where its sessions start. */
  roomJoined: (roomId: string) => `cim-c:{c:${roomId}}:joined`,
  /** What happened to the room itself (renames), for history: a stream capped at ROOM_EVENTS_KEPT entries. */
  roomEvents: (roomId: string) => `cim-c:{c:${roomId}}:events`,
} as const;

export const user = {
  /** Every private message to or from the user: the feed of all its devices. */
  inbox: (userId: string) => `cim-u:{u:${userId}}:inbox`,
  /** The id of the inbox's newest entry, kept beside it by the scripts that append (no read of the stream). */
  inboxLast: (userId: string) => `cim-u:{u:${userId}}:inbox-last`,
  /**
   * msgId -> inbox entry id of the messages put more than 100 entries past their msgId (an inbox step done late, on a
   * Redis Cluster), which the lookahead of a resend's or receipt's search would not reach. At most twice the inbox's
   * kept length: there the fields of entries the inbox trimmed go (message-scripts.ts `forget_trimmed`).
   */
  inboxLate: (userId: string) => `cim-u:{u:${userId}}:inbox-late`,
  /**
   * `<entry>:<msgId>` of the inbox's newest entry, on a Redis Cluster only (there an entry's id is not its msgId): the
   * next entry carries that msgId (field prevMsg), so a device naming it is known to stand at the newest trimmed entry
   * (message-scripts.ts `swap_last_msg`).
   */
  inboxLastMsg: (userId: string) => `cim-u:{u:${userId}}:inbox-last-msg`,
  /** The inbox position (an entry id) the user's devices acknowledged with Delivered. */
  acked: (userId: string) => `cim-u:{u:${userId}}:acked`,
  rooms: (userId: string) => `cim-u:{u:${userId}}:rooms`,
  read: (userId: string) => `cim-u:{u:${userId}}:read`,
  /**
   * roomId -> the ts (ms) of the room's newest event when the user last opened the room on any device: an invitation
   * no newer was seen, though no message came to move the read position past it (ReadStore.openedRoom).
   */
  roomsOpened: (userId: string) => `cim-u:{u:${userId}}:rooms-opened`,
  peers: (userId: string) => `cim-u:{u:${userId}}:peers`,
  /** Private conversations the user started with new peers in the current hour (a counter that expires with it). */
  newPeers: (userId: string) => `cim-u:{u:${userId}}:new-peers`,
  /** gatewayId -> the number of the user's sessions there, written by that gateway: online while non-empty. */
  gateways: (userId: string) => `cim-u:{u:${userId}}:gateways`,
  /**
   * `<gatewayId> <sessionId>` -> the sockets of that login (the token's sessionId) on that gateway, written with
   * `gateways` by the same script: a login seen on two gateways is a device that moved (login-gate.ts).
   */
  logins: (userId: string) => `cim-u:{u:${userId}}:logins`,
  /**
   * The user's WebSocket logins on all gateways together (`login-gate.ts`): a token bucket (hash `tokens`, `at`) that
   * expires once full again.
   */
  wsLogins: (userId: string) => `cim-u:{u:${userId}}:ws-logins`,
  /**
   * The places reserved by the user's WebSocket logins admitted and not yet written to `logins` (`login-gate.ts`): a
   * sorted set of `<gatewayId> <sessionId> <nonce>` scored by when each lapses (ms); expires with the last.
   */
  pendingLogins: (userId: string) => `cim-u:{u:${userId}}:pending-logins`,
  /** What the user's private peers confirmed: `d:<peer>` delivered up to msgId, `r:<peer>` read up to msgId. */
  receipts: (userId: string) => `cim-u:{u:${userId}}:receipts`,
  /** The userIds this user blocks (set): private messages between them are refused both ways. */
  blocks: (userId: string) => `cim-u:{u:${userId}}:blocks`,
  /** The userIds that block this user (set, the mirror of their `blocks`), so one read on this tag sees both ways. */
  blockedBy: (userId: string) => `cim-u:{u:${userId}}:blocked-by`,
  /** A counter of the changes to the user's `blocks` (incremented in the script that makes each): their order. */
  blocksOrder: (userId: string) => `cim-u:{u:${userId}}:blocks-order`,
  /**
   * Set when the account is deleted, and kept (ids are never reused): on the user's tag, so each script writing the
   * user's keys refuses in the same atomic step once the account is gone (`cim-account:<id>` lies in another slot).
   */
  gone: (userId: string) => `cim-account-gone:{u:${userId}}`,
} as const;

export const directory = {
  /** `<lowercase name>\0<roomId>`, score 0: public rooms by name prefix. */
  publicRooms: "cim-rooms:public",
  /** `<canonical name key>\0<userId>`, score 0: users by name prefix. */
  userNames: "cim-users:names",
  roomSeq: "cim-room-seq",
} as const;

export const channels = {
  /** Messages for one gateway's sessions. */
  gateway: (gatewayId: string) => `cim-bus:gw:${gatewayId}`,
  /** Messages for every gateway: group messages, presence, membership events. */
  all: "cim-bus:all",
  /**
   * Wake-ups of one room, for the gateways with a session in it. Tagged as the room's keys (one slot on a Redis
   * Cluster), so a script on them may publish on it: an owner's removal is published in its own script, before the
   * wake-up of any message stored after it (rooms.ts, REMOVE_MEMBER).
   */
  room: (roomId: string) => `cim-bus:room:{c:${roomId}}`,
  /**
   * Presence changes of the users in one bucket (`presenceBucket`), for the gateways whose sessions watch one of
   * them. The hash tag keeps each channel on one Redis Cluster slot, so it can be a sharded channel (SSUBSCRIBE).
   */
  presence: (bucket: number) => `cim-bus:presence:{p:${bucket}}`,
} as const;

/** How many presence channels users are spread over: a gateway subscribes to the buckets of the users it watches. */
export const PRESENCE_BUCKETS = 1024;

/** The presence bucket of a user: FNV-1a of its id, modulo PRESENCE_BUCKETS. */
export function presenceBucket(userId: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < userId.length; i++) hash = Math.imul(hash ^ userId.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % PRESENCE_BUCKETS;
}
