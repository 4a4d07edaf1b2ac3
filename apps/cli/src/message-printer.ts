// Prints received messages in order, naming the recipient of what the user sent from another device, and marks them read.
import { conversationOf, type ChatMessage } from "@cim/client";
import type { ChatClient, Print } from "./chat-session.js";
import type { Directory } from "./directory.js";
import { formatMessage } from "./format.js";

export class MessagePrinter {
  /** Messages waiting for a name lookup, and those received after them (printed in order). */
  private pending = 0;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly client: Pick<ChatClient, "session" | "markRead" | "conversations">,
    private readonly directory: Directory,
    private readonly print: Print,
  ) {}

  /** Prints `message` now, or after the messages still waiting; a private one the user sent to someone not known yet by name waits for a lookup. */
  show(message: ChatMessage): void {
    const me = this.directory.me;
    const ownPrivate = Boolean(message.to) && message.from === me;
    this.directory.saw(message.from, message.fromName, Boolean(message.to) && !ownPrivate);
    if (ownPrivate) this.directory.partners.add(message.to);
    const lookUp = ownPrivate && !this.directory.users.has(message.to);
    if (!lookUp && this.pending === 0) return this.printRead(message);
    this.pending++;
    this.queue = this.queue.then(async () => {
      if (lookUp && !this.directory.users.has(message.to)) await this.learnPeers();
      this.printRead(message);
      this.pending--;
    });
  }

  /** Learns the names of the user's private peers (route's conversation list); a failure leaves them unnamed. */
  async learnPeers(): Promise<void> {
    try {
      for (const c of await this.client.conversations()) if (c.kind === "private") this.directory.saw(c.conversation, c.name);
    } catch {
      // Printed as ?(userId); the next message tries again.
    }
  }

  /** Resolves once every message received so far is printed. */
  settled(): Promise<void> {
    return this.queue;
  }

  // Printed is read: the user's other devices and the sender of a private message learn it.
  private printRead(message: ChatMessage): void {
    this.print(formatMessage(message, this.directory));
    this.client.markRead(conversationOf(message, this.directory.me), message.msgId);
  }
}
