// The events a CimClient emits, and the methods through which apps subscribe to them.
import type { BlockEvent, ChatMessage, Delivered, ErrorBody, Presence, Read, RoomEvent, Typing } from "@cim/protocol";
import { Listeners } from "./emitter.js";
import type { RouteRetryInfo } from "./route-api.js";
import type { ConnectionState, StoredLogin } from "./types.js";

/** One listener list per event. */
export function createEmitters() {
  return {
    message: new Listeners<ChatMessage>(),
    presence: new Listeners<Presence>(),
    delivered: new Listeners<Delivered>(),
    state: new Listeners<ConnectionState>(),
    error: new Listeners<Error>(),
    gap: new Listeners<{ message: string }>(),
    sendRetry: new Listeners<ErrorBody>(),
    routeRetry: new Listeners<RouteRetryInfo>(),
    session: new Listeners<StoredLogin>(),
    duplicate: new Listeners<ChatMessage>(),
    read: new Listeners<Read>(),
    roomEvent: new Listeners<RoomEvent>(),
    typing: new Listeners<Typing>(),
    block: new Listeners<BlockEvent>(),
  };
}

export type ClientEmitters = ReturnType<typeof createEmitters>;

/** The base of CimClient: each `on*` adds a listener and returns an unsubscribe function. */
export class ClientEvents {
  protected readonly events: ClientEmitters = createEmitters();

  /**
   * Called for every message received (the seed's message callback), in every conversation: `room` names a
   * room message ("" for the group and private ones). A message with `from` equal to this user was sent from
   * another device of the user: show it like one typed here. What this client sent itself never comes back.
   */
  onMessage(handler: (message: ChatMessage) => void): () => void {
    return this.events.message.add(handler);
  }

  /**
   * Presence of the users watched with `subscribePresence`: their state when subscribed (the gateway's answer),
   * then each change. Nothing arrives for users not in the list.
   */
  onPresence(handler: (presence: Presence) => void): () => void {
    return this.events.presence.add(handler);
  }

  /** A receipt: user `by` received your private message `msgId`. */
  onDelivered(handler: (receipt: Delivered) => void): () => void {
    return this.events.delivered.add(handler);
  }

  /**
   * A read position: `by` is this user (its position in `conversation`, set from this or another device: unread
   * counts sync) or the peer of a private chat, `conversation` then being the peer's userId ("seen" up to msgId).
   */
  onRead(handler: (read: Read) => void): () => void {
    return this.events.read.add(handler);
  }

  /** A membership change of a room the user is in, joined, left or was invited to (kind `joined|left|invited`). */
  onRoomEvent(handler: (event: RoomEvent) => void): () => void {
    return this.events.roomEvent.add(handler);
  }

  /**
   * User `userId` is typing in `conversation` (a roomId, `everyone`, or the typist's userId for a private chat);
   * the indicator lapses after about 5 s without another (TypingState keeps that).
   */
  onTyping(handler: (typing: Typing) => void): () => void {
    return this.events.typing.add(handler);
  }

  /**
   * This user blocked `userId` (`blocked`) or unblocked it, from this or another device (a gateway's `BlockEvent`).
   * Changes made while the client was not connected are not told: read `blocks()` again after a reconnect. Two
   * quick changes may come in the other order: `event.order` (0 from an older server) says which is newer, and
   * `blockList()` the list's order.
   */
  onBlock(handler: (event: BlockEvent) => void): () => void {
    return this.events.block.add(handler);
  }

  onState(handler: (state: ConnectionState) => void): () => void {
    return this.events.state.add(handler);
  }

  /** The login changed: a new session, or a renewed token (keep the newest for a reload). */
  onSession(handler: (login: StoredLogin) => void): () => void {
    return this.events.session.add(handler);
  }

  /** A message dropped because its msgId was not newer than the last one seen in its stream (counted in `stats`). */
  onDuplicate(handler: (message: ChatMessage) => void): () => void {
    return this.events.duplicate.add(handler);
  }

  /** The gateway could not replay everything missed (the streams were trimmed): load history instead. */
  onGap(handler: (gap: { message: string }) => void): () => void {
    return this.events.gap.add(handler);
  }

  /**
   * The gateway could not store a Send for now (code `unavailable`, e.g. its Redis is down): the Send stays in
   * the outbox and is sent again; `message` says why. Its promise settles later, on SendAck or a final error.
   */
  onSendRetry(handler: (error: ErrorBody) => void): () => void {
    return this.events.sendRetry.add(handler);
  }

  /**
   * A login got no answer from route within `routeAttemptTimeoutMs` and is asked once more (route frozen or hung):
   * an app can say that the server is not answering and that it keeps trying.
   */
  onRouteRetry(handler: (info: RouteRetryInfo) => void): () => void {
    return this.events.routeRetry.add(handler);
  }

  /** Errors not tied to a Send: rejected login, replaced session, refused token, route unreachable. */
  onError(handler: (error: Error) => void): () => void {
    return this.events.error.add(handler);
  }
}
