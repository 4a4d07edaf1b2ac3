// Unread counts and read marks with the server: route's conversation list, markRead of the open conversation,
// Read frames (this user's other devices, a peer's "seen").
import type { CimClient, Read } from "@cim/client";
import type { ConversationList } from "./conversation-list.svelte.js";
import { isNewer, newestMsgId } from "./conversations.js";

export interface ReadSyncDeps {
  /** The store's client (null while signed out); this class never keeps it. */
  client: () => CimClient | null;
  /** The signed-in user's id, "" while not signed in. */
  me: () => string;
  conversations: ConversationList;
  /** Route's list was applied (the store fills in the previews this device lacks); `dropped`: the rooms it no longer names. */
  listed?: (dropped: Array<{ key: string; title: string }>) => void;
}

export class ReadSync {
  /** One request for route's list at a time; asks made meanwhile make exactly one more. */
  private refreshing = false;
  private refreshAgain = false;

  constructor(private readonly deps: ReadSyncDeps) {}

  /** Asks route for the user's conversations with their unread counts. */
  async refresh(): Promise<void> {
    if (this.refreshing) {
      this.refreshAgain = true;
      return;
    }
    this.refreshing = true;
    try {
      do {
        this.refreshAgain = false;
        await this.fetch();
      } while (this.refreshAgain);
    } finally {
      this.refreshing = false;
    }
  }

  /**
   * The open conversation is read up to the newest message that has been on screen while the user could see it
   * (its list tells, `ConversationList.shownUpTo`): scrolling down through unread messages reads them as they show;
   * a message below the screen stays unread, for every device, the counts and a peer's "seen".
   */
  markActiveRead(): void {
    const client = this.deps.client();
    const { conversations } = this.deps;
    const conversation = conversations.active;
    if (!client || !this.deps.me() || !conversations.onScreen) return;
    const newest = newestMsgId(conversation);
    const upTo = isNewer(conversations.shownUpTo, newest) ? newest : conversations.shownUpTo;
    if (!upTo || !isNewer(upTo, conversation.readUpTo)) return;
    conversations.read(conversation.key, upTo);
    try {
      client.markRead(conversation.key, upTo);
    } catch (error) {
      console.warn("could not mark read", error);
    }
  }

  /** A read position: this user's (from any device: unread counts sync) or a private peer's ("seen"). */
  read(read: Read): void {
    const me = this.deps.me();
    if (!me) return;
    if (read.by !== me) {
      this.deps.conversations.receipt(read.conversation, "seen", read.msgId);
    } else if (this.deps.conversations.readElsewhere(read.conversation, read.msgId)) {
      // Read up to a message older than those loaded: only route can count what is left.
      void this.refresh();
    }
  }

  private async fetch(): Promise<void> {
    const client = this.deps.client();
    if (!client) return;
    const { conversations } = this.deps;
    const mark = conversations.membershipMark;
    try {
      const [summaries, rooms] = await Promise.all([client.conversations(), client.rooms().catch(() => null)]);
      if (this.deps.client() !== client) return;
      const dropped = conversations.applySummaries(summaries, rooms, mark);
      this.markActiveRead();
      this.deps.listed?.(dropped);
    } catch (error) {
      // Live messages keep the counts going; the next reconnect or membership change asks again.
      console.warn("conversation list unavailable", error);
    }
  }
}
