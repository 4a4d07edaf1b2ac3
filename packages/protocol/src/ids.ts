// msgIds and userIds are decimal strings: compared by length, then text, with no number parsing.

/**
 * A userId or msgId as it appears on the wire: "0" or a number without leading zeros (ids compare as text by length,
 * so a padded "0001764…" outranked every real id: a Read of one froze the reader's position, a deletion naming one
 * was applied by nobody).
 */
export const DECIMAL_ID = /^(0|[1-9][0-9]{0,19})$/;

/** The largest msgId a Redis stream can hold (its ids are unsigned 64-bit numbers). */
export const MAX_MSG_ID = "18446744073709551615";

/** True for a decimal id a stream can hold (1-20 digits, at most MAX_MSG_ID): a bigger one is no msgId. */
export function isMsgId(value: string): boolean {
  return DECIMAL_ID.test(value) && compareIds(value, MAX_MSG_ID) <= 0;
}

/** A client's clientMsgId: what gateways and route accept for dedupe. */
export const CLIENT_MSG_ID = /^[A-Za-z0-9_:.-]{1,64}$/;

/** Orders decimal id strings numerically: negative when a < b, 0 when equal, positive when a > b. */
export function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

/** The room every user is in and nobody can leave: CIM's group. */
export const EVERYONE_ROOM = "everyone";

/** A roomId: "everyone", or "r" and a decimal number. */
export const ROOM_ID = /^(everyone|r[0-9]{1,20})$/;

/** A conversation as a client names it: a roomId, or the peer's userId for a private chat. */
export const CONVERSATION_ID = /^(everyone|r[0-9]{1,20}|0|[1-9][0-9]{0,19})$/;
