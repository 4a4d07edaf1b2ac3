// The events a CimClient emits, and the methods through which apps subscribe to them.
import type { ChatMessage, Delivered, Presence } from "@cim/protocol";
import { Listeners } from "./emitter.js";
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
    session: new Listeners<StoredLogin>(),
    duplicate: new Listeners<ChatMessage>(),
  };
}

export type ClientEmitters = ReturnType<typeof createEmitters>;

/** The base of CimClient: each `on*` adds a listener and returns an unsubscribe function. */
export class ClientEvents {
  protected readonly events: ClientEmitters = createEmitters();

  /** Called for every message received (the seed's message callback). */
  onMessage(handler: (message: ChatMessage) => void): () => void {
    return this.events.message.add(handler);
  }

  onPresence(handler: (presence: Presence) => void): () => void {
    return this.events.presence.add(handler);
  }

  /** A receipt: user `by` received your private message `msgId`. */
  onDelivered(handler: (receipt: Delivered) => void): () => void {
    return this.events.delivered.add(handler);
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

  /** Errors not tied to a Send: rejected login, replaced session, refused token, route unreachable. */
  onError(handler: (error: Error) => void): () => void {
    return this.events.error.add(handler);
  }
}
