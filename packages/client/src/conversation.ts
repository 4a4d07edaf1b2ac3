// How the client names a message's conversation: a roomId ("everyone" for the group), or the peer's userId.
import { EVERYONE_ROOM, ROOM_ID, type ChatMessage } from "@cim/protocol";

/** The stream a message arrives in: the group, the user's inbox (private), or one room. */
export type Stream = { kind: "group" } | { kind: "inbox" } | { kind: "room"; room: string };

/** The stream of a pushed message; a room message of `everyone` is a group message. */
export function streamOf(message: Pick<ChatMessage, "to" | "room">): Stream {
  if (message.room && message.room !== EVERYONE_ROOM) return { kind: "room", room: message.room };
  return message.to ? { kind: "inbox" } : { kind: "group" };
}

/**
 * The conversation of a message as `me` sees it (CONVERSATION_ID): its roomId, `everyone` for the group, the
 * other user's id for a private message (the recipient when `me` sent it, from any device).
 */
export function conversationOf(message: Pick<ChatMessage, "from" | "to" | "room">, me: string): string {
  if (message.room) return message.room;
  if (!message.to) return EVERYONE_ROOM;
  return message.from === me ? message.to : message.from;
}

/** The conversation a Send goes to: its room, its recipient, or `everyone`. */
export function conversationOfSend(send: { to: string; room?: string }): string {
  return send.room || send.to || EVERYONE_ROOM;
}

/** Where a Send to `conversation` (a roomId, `everyone`, or the peer's userId) goes: `{room}`, `{to}`, or the group. */
export function sendTargetOf(conversation: string): { to?: string; room?: string } {
  if (!conversation || conversation === EVERYONE_ROOM) return {};
  return ROOM_ID.test(conversation) ? { room: conversation } : { to: conversation };
}
