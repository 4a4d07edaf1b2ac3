// What the gateway pushes about the chat, applied to the store's parts: messages (announced unless muted or from a
// blocked user), presence, receipts, room events, typing, this user's blocks made elsewhere, send retries.
import { conversationOf, type ChatMessage, type CimClient, type Presence, type RoomEvent, type StoredLogin } from "@cim/client";
import type { Attention } from "./attention.svelte.js";
import type { Blocks } from "./blocks.svelte.js";
import type { ChatFeatures } from "./chat-features.svelte.js";
import type { ConversationList } from "./conversation-list.svelte.js";
import { kindOf, UNNAMED_PEER_TITLE } from "./conversations.js";
import { isolate } from "./bidi.js";
import type { DeliveryWatch } from "./delivery-watch.svelte.js";
import { mentionsUser } from "./mentions.js";
import { isEvent } from "./message-events.js";
import type { MessageHooks } from "./message-hook.js";
import type { Mutes } from "./mutes.svelte.js";
import type { OnlinePanel } from "./online-panel.svelte.js";
import type { ReadSync } from "./read-sync.js";
import type { RoomMembers } from "./room-members.svelte.js";
import { addedText } from "./room-notices.js";
import { saveReceipts } from "./view-memory.js";

export interface IncomingDeps {
  me: () => StoredLogin | null;
  conversations: ConversationList;
  sync: ReadSync;
  features: ChatFeatures;
  attention: Attention;
  mutes: Mutes;
  blocks: Blocks;
  hooks: MessageHooks;
  /** The member list shown, and the one offered after an `@`. */
  members: RoomMembers;
  mentionable: RoomMembers;
  online: OnlinePanel;
  delivery: DeliveryWatch;
  /** Asks route for the conversation list again (a room or a peer this tab did not know). */
  refresh: () => void;
  /** Tells the user about their own removal from room `roomId` ("You were removed from …"). */
  notice: (text: string, roomId: string) => void;
  /** Tells the user someone added them to room `roomId` ("ann added you to …"): it appeared in the list without a word. */
  added: (text: string, roomId: string) => void;
  /** A RoomEvent of this user's own joining or invitation was heard live (no need to tell it again at the next list). */
  heardRoom?: (roomId: string) => void;
  /** This user read conversation `key` on another device (a Read frame of theirs). */
  readElsewhere: (key: string) => void;
  /** The SDK dropped a message as a duplicate. */
  duplicate: () => void;
}

export class Incoming {
  constructor(private readonly deps: IncomingDeps) {}

  /** Listens to what `client` pushes; returns the removals. */
  listen(client: CimClient): Array<() => void> {
    const { conversations, sync, features, blocks, delivery } = this.deps;
    return [
      client.onMessage((message) => this.message(message)),
      client.onPresence((presence) => this.presence(presence)),
      client.onDelivered((receipt) => {
        conversations.delivered(receipt);
        this.rememberReceipts();
      }),
      client.onRead((read) => {
        sync.read(read);
        if (read.by === this.deps.me()?.userId) this.deps.readElsewhere(read.conversation);
        this.rememberReceipts();
      }),
      client.onRoomEvent((event) => this.roomEvent(event)),
      client.onTyping((typing) => features.typingReceived(typing)),
      // A block or unblock (from this device or another): its chat and lists follow at once, and the rooms' unread
      // counts (a blocked user's messages are not counted) are worked out from what is loaded; route is asked only
      // for a room whose unread messages are not all here.
      client.onBlock((event) => {
        blocks.changed(event);
        if (conversations.blocksChanged(event.blocked)) this.deps.refresh();
      }),
      client.onSendRetry((error) => delivery.retrying(error.message)),
      client.onDuplicate(() => this.deps.duplicate()),
    ];
  }

  private message(message: ChatMessage): void {
    const { conversations, features, sync, blocks, mutes, attention, hooks } = this.deps;
    const me = this.deps.me();
    if (!me) return;
    const key = conversationOf(message, me.userId);
    const known = conversations.get(key);
    const peerName = kindOf(key) !== "private" ? "" : message.from === me.userId ? this.nameOf(message.to) : message.fromName;
    conversations.add(message, peerName);
    features.messageReceived(message, key);
    // A room or a peer this tab did not know yet: route's list has its name and unread count.
    if (!known && (kindOf(key) === "room" || !peerName)) this.deps.refresh();
    if (key === conversations.activeKey) sync.markActiveRead();
    // Edits and deletions change a message already told of: nothing to announce; a muted conversation is quiet
    // unless the message mentions this user; a blocked user's room messages are collapsed, so never read out. A
    // message deleted before this device caught up comes with its text "" (its deletion follows): nothing to tell.
    const mention = kindOf(key) !== "private" && mentionsUser(message.text, me.userName);
    const told = message.from !== me.userId && !isEvent(message) && message.text !== "" && !blocks.has(message.from);
    if (told && (mention || !mutes.has(key))) {
      const title = conversations.get(key)?.title ?? "";
      attention.incoming({ conversation: key, title, fromName: message.fromName, text: message.text, private: kindOf(key) === "private", mention });
    }
    hooks.emit(message, { me, source: "received", peerName });
  }

  private roomEvent(event: RoomEvent): void {
    const { conversations, members, mentionable } = this.deps;
    const me = this.deps.me();
    if (event.kind === "renamed") {
      conversations.renameRoom(event.room, event.name);
      conversations.noteRename(event.room, event.userId === me?.userId ? "You" : event.userName, event.name);
      return;
    }
    if (event.userId === me?.userId) {
      if (event.kind === "left") {
        if (event.by && event.by !== event.userId) this.deps.notice(`You were removed from ${isolate(conversations.get(event.room)?.title ?? event.name)}`, event.room);
        conversations.left(event.room);
        if (members.roomId === event.room) members.hide();
        if (mentionable.roomId === event.room) mentionable.hide();
        return;
      }
      conversations.joined(event.room, event.name);
      this.deps.heardRoom?.(event.room);
      if (event.kind === "invited" && event.byName && event.by !== me.userId) {
        conversations.noteMembership(event.room, { ...event, kind: event.kind }, me.userId);
        this.deps.added(addedText(event.byName, conversations.get(event.room)?.title ?? event.name), event.room);
      }
      this.deps.refresh();
    } else if (event.kind === "joined" || event.kind === "left" || event.kind === "invited") {
      conversations.noteMembership(event.room, { ...event, kind: event.kind }, me?.userId ?? "");
    }
    members.changed(event.room);
    mentionable.changed(event.room);
  }

  private presence(presence: Presence): void {
    this.deps.online.presence(presence);
    this.deps.conversations.rename(presence.userId, presence.userName);
    this.deps.members.presence(presence);
    this.deps.mentionable.presence(presence);
  }

  /** Kept for a reload: how far the peers' receipts went. */
  private rememberReceipts(): void {
    const me = this.deps.me();
    if (me) saveReceipts(me.userId, this.deps.conversations.receiptPositions());
  }

  /** A user's name from the online list or a private conversation's title; "" when unknown here. */
  private nameOf(userId: string): string {
    const conversation = this.deps.conversations.get(userId);
    return this.deps.online.users.find((u) => u.userId === userId)?.userName ?? (conversation && conversation.title !== UNNAMED_PEER_TITLE ? conversation.title : "");
  }
}
