// The message hook: handlers called for every message that reaches this tab (received, acknowledged own, history).
import type { ChatMessage, StoredLogin } from "@cim/client";

export type MessageSource = "received" | "sent" | "history";

export interface MessageContext {
  /** The logged-in user of this tab. */
  me: StoredLogin;
  source: MessageSource;
  /** Display name of the other user of a private conversation; "" for the group. */
  peerName: string;
}

export type MessageHandler = (message: ChatMessage, context: MessageContext) => void | Promise<void>;

/** A list of message handlers; a failing handler is logged and does not stop the others. */
export class MessageHooks {
  private readonly handlers = new Set<MessageHandler>();

  /** Adds a handler called for every message; returns a function that removes it. */
  onMessage(handler: MessageHandler): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  emit(message: ChatMessage, context: MessageContext): void {
    for (const handler of this.handlers) {
      try {
        const result = handler(message, context);
        if (result instanceof Promise) result.catch((error: unknown) => console.error("message hook failed", error));
      } catch (error) {
        console.error("message hook failed", error);
      }
    }
  }
}
