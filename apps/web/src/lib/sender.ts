// Own messages: shown at once as "sending", sent through the client (or kept until the tab is signed in), then
// marked sent on SendAck (and passed to the message hook) or failed. Until their SendAck they are also kept in the
// tab's view memory: a reload (offline, or before the gateway answered) shows them again and sends them once more.
import { conversationOf, SendError, type ChatMessage, type CimClient, type StoredLogin } from "@cim/client";
import { ErrorCode } from "@cim/protocol";
import type { ConversationList } from "./conversation-list.svelte.js";
import type { UiMessage } from "./conversations.js";
import type { DeliveryWatch } from "./delivery-watch.svelte.js";
import { describeSendError, isRetryableSendError } from "./errors.js";
import type { MessageHooks } from "./message-hook.js";
import { savedUnsent, saveUnsent, type Unsent } from "./view-memory.js";

interface Outgoing {
  conversationKey: string;
  clientMsgId: string;
  to: string;
  room: string;
  text: string;
  replyTo: string;
}

export interface SenderDeps {
  /** The store's client (null while signed out); this class never keeps it. */
  client: () => CimClient | null;
  /** Signed in (not still resuming): sends go out now, else they wait. */
  ready: () => boolean;
  me: () => StoredLogin | null;
  conversations: ConversationList;
  hooks: MessageHooks;
  /** The user is not in the room any more (left on another device): route's list says so. */
  notMember: () => void;
  /** Told when each send goes out and when it settles ("messages are delayed"). */
  watch: DeliveryWatch;
}

export class Sender {
  /** Sends typed before a client was online (a reloaded tab still resuming). */
  private outbox: Outgoing[] = [];

  constructor(private readonly deps: SenderDeps) {}

  /** Sends `text` to the visible conversation, quoting `replyTo` (a msgId there) when given. */
  send(text: string, replyTo = ""): void {
    const me = this.deps.me();
    const body = text.trim();
    if (!me || !body) return;
    const conversation = this.deps.conversations.active;
    const clientMsgId = crypto.randomUUID();
    const room = conversation.kind === "room" ? conversation.key : "";
    const message: UiMessage = { id: clientMsgId, msgId: "", clientMsgId, from: me.userId, fromName: me.userName, to: conversation.peerId, room, text: body, ts: Date.now(), own: true, status: "sending", replyTo };
    this.deps.conversations.addOwn(conversation, message);
    const outgoing = { conversationKey: conversation.key, clientMsgId, to: conversation.peerId, room, text: body, replyTo };
    this.keep({ ...outgoing, title: conversation.title, ts: message.ts });
    this.dispatch(outgoing);
  }

  /** A reload: the own messages not confirmed before it show again as "sending", and go out once signed in. */
  restore(): void {
    const me = this.deps.me();
    if (!me) return;
    for (const unsent of savedUnsent(me.userId)) {
      const { conversationKey, title, ts, ...outgoing } = unsent;
      const conversation = this.deps.conversations.ensure(conversationKey, title);
      if (conversation.messages.some((m) => m.clientMsgId === unsent.clientMsgId)) continue;
      const message: UiMessage = { id: unsent.clientMsgId, msgId: "", clientMsgId: unsent.clientMsgId, from: me.userId, fromName: me.userName, to: unsent.to, room: unsent.room, text: unsent.text, ts, own: true, status: "sending", replyTo: unsent.replyTo };
      this.deps.conversations.addOwn(conversation, message);
      this.outbox.push({ conversationKey, ...outgoing });
    }
  }

  /** Drops an own message that was not sent (the user gave up on it). */
  discard(conversationKey: string, clientMsgId: string): void {
    this.deps.conversations.discard(conversationKey, clientMsgId);
    this.forget(clientMsgId);
  }

  /** A failed own message of `conversationKey` goes out again under its first clientMsgId (the gateway dedupes). */
  retry(conversationKey: string, message: UiMessage): void {
    if (!message.own || message.status !== "failed" || message.failedForGood) return;
    message.status = "sending";
    message.failure = undefined;
    this.dispatch({ conversationKey, clientMsgId: message.clientMsgId, to: message.to, room: message.room, text: message.text, replyTo: message.replyTo ?? "" });
  }

  /** Signed in: what waited goes out. */
  flush(): void {
    for (const outgoing of this.outbox.splice(0)) this.dispatch(outgoing);
  }

  /** Signed out: what waited is marked not sent. */
  failWaiting(): void {
    for (const outgoing of this.outbox.splice(0)) this.deps.conversations.failed(outgoing.conversationKey, outgoing.clientMsgId, "You were signed out before it was sent.");
    const me = this.deps.me();
    if (me) saveUnsent(me.userId, []);
  }

  private keep(unsent: Unsent): void {
    const me = this.deps.me();
    if (me) saveUnsent(me.userId, [...savedUnsent(me.userId), unsent]);
  }

  /** Confirmed, refused for good or given up: no reload sends it again. */
  private forget(clientMsgId: string): void {
    const me = this.deps.me();
    if (!me) return;
    const unsent = savedUnsent(me.userId);
    if (unsent.some((u) => u.clientMsgId === clientMsgId)) saveUnsent(me.userId, unsent.filter((u) => u.clientMsgId !== clientMsgId));
  }

  private dispatch(outgoing: Outgoing): void {
    const client = this.deps.client();
    if (!client || !this.deps.ready()) {
      this.outbox.push(outgoing);
      return;
    }
    this.deps.watch.started(outgoing.clientMsgId);
    client.send({ clientMsgId: outgoing.clientMsgId, to: outgoing.to || undefined, room: outgoing.room || undefined, text: outgoing.text, replyTo: outgoing.replyTo || undefined }).then(
      (ack) => {
        this.deps.watch.settled(outgoing.clientMsgId);
        this.forget(outgoing.clientMsgId);
        const acked = this.deps.conversations.acknowledged(outgoing.conversationKey, ack.clientMsgId, ack.msgId, ack.ts);
        if (acked) this.sent(acked);
      },
      (error: unknown) => {
        this.deps.watch.settled(outgoing.clientMsgId);
        if (error instanceof SendError || this.deps.client() === client) {
          this.deps.conversations.failed(outgoing.conversationKey, outgoing.clientMsgId, describeSendError(error), !isRetryableSendError(error));
          if (!isRetryableSendError(error)) this.forget(outgoing.clientMsgId);
        }
        if (error instanceof SendError && error.code === ErrorCode.NotMember) this.deps.notMember();
        if (error instanceof SendError && error.code === ErrorCode.UnknownRecipient) this.deps.conversations.peerGone(outgoing.conversationKey);
      },
    );
  }

  /** The message hook sees an own message once it has its msgId. */
  private sent(message: UiMessage): void {
    const me = this.deps.me();
    if (!me) return;
    const chat: ChatMessage = { msgId: message.msgId, from: message.from, fromName: message.fromName, to: message.to, text: message.text, ts: message.ts, room: message.room, replyTo: message.replyTo ?? "" };
    const conversation = this.deps.conversations.get(conversationOf(chat, me.userId));
    this.deps.hooks.emit(chat, { me, source: "sent", peerName: conversation?.kind === "private" ? conversation.title : "" });
  }
}
