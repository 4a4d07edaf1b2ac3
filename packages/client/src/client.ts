// CimClient, the SDK's client: what goes over one gateway session (sends resent until acknowledged, receipts, read
// marks, presence and typing lists, all within the gateway's frame budget) and what comes back (inbound.ts). The
// session itself, its login, reconnects and token, is ClientConnection's (client-connection.ts); route's calls,
// ClientRequests' (requests.ts).
import { MAX_PRESENCE_SUBSCRIPTIONS, MAX_TYPING_SUBSCRIPTIONS, type ChatMessage, type Delivered, type ErrorBody, type Frame, type FrameInput, type LoginAck, type Presence, type Read, type RoomEvent, type RoomEventKind, type SendAck, type Typing } from "@cim/protocol";
import { ClientConnection } from "./client-connection.js";
import { conversationOfSend, sendTargetOf } from "./conversation.js";
import { DeliveredReceipts } from "./delivered-receipts.js";
import { budgetFor, FrameBudget, sendsInFlightFor } from "./frame-budget.js";
import { Inbound } from "./inbound.js";
import { Outbox } from "./outbox.js";
import { ReadMarks } from "./read-marks.js";
import type { HistoryInput, HttpSendInput } from "./requests.js";
import type { HistoryMessage, OnlineUser } from "./route-api.js";
import { SessionList } from "./session-list.js";
import { TypingThrottle } from "./typing.js";
import type { CimClientOptions, ClientLogger, ClientStats, ConnectionState, Cursors, SendInput, StoredLogin } from "./types.js";

/**
 * A Send unanswered this long (a healthy gateway answers in milliseconds) holds back the newer ones: its store waits
 * for Redis, and a newer Send written meanwhile could be stored first when Redis comes back.
 */
const STALL_AFTER_MS = 2_000;

export class CimClient extends ClientConnection {
  private readonly outbox: Outbox;
  private readonly inbound: Inbound;
  private readonly reads: ReadMarks;
  /** The users whose presence this client watches (subscribePresence). */
  private readonly presenceList = new SessionList(MAX_PRESENCE_SUBSCRIPTIONS, "subscribePresence", "userIds");
  /** The conversations whose typing this client shows (subscribeTyping); written only to a gateway that takes it. */
  private readonly typingList = new SessionList(MAX_TYPING_SUBSCRIPTIONS, "subscribeTyping", "conversations");
  private typingListTaken = false;
  private readonly typingThrottle = new TypingThrottle();
  /** Every frame but Login and Pings is written within it: the gateway closes a session over its limit (4429). */
  private readonly budget = new FrameBudget();
  /** Sends written and not yet answered at most (`sendsInFlightFor` the session's LoginAck). */
  private sendsInFlight = sendsInFlightFor({});
  private readonly receipts: DeliveredReceipts;

  constructor(options: CimClientOptions) {
    super(options);
    this.outbox = new Outbox(this.options.maxUnacknowledged);
    const markDelivered = this.options.autoDelivered ? (message: ChatMessage) => this.markDelivered(message) : () => undefined;
    this.reads = new ReadMarks({
      write: (read) => this.writeBudgeted({ kind: "read", body: read }),
      timeoutMs: this.options.readTimeoutMs,
    });
    this.receipts = new DeliveredReceipts({
      write: ({ from, msgId }) => this.writeBudgeted({ kind: "delivered", body: { msgId, by: "", from } }),
      retryMs: this.options.readTimeoutMs,
    });
    this.inbound = new Inbound({
      outbox: this.outbox,
      events: this.events,
      logger: this.options.logger,
      me: () => this.login?.userId ?? "",
      markDelivered,
      ownRead: (read) => this.reads.confirmed(read, Date.now()),
      requestFailed: () => {
        this.reads.failed(Date.now());
        this.receipts.failed(Date.now());
      },
    });
  }

  /** Counters of anomalies (dropped duplicates) and of own sends come back, for the app to show or check. */
  get stats(): Readonly<ClientStats> {
    return { ...this.inbound.stats };
  }

  /** Messages this client sent that the gateway has not acknowledged yet. */
  get unacknowledged(): number {
    return this.outbox.size;
  }

  /**
   * What this client has seen, per stream; sent at every (re)login so the gateway replays exactly what came
   * after. After the first LoginAck every stream has one (the gateway says where it started those without).
   */
  get cursors(): Cursors {
    return this.inbound.cursors.value;
  }

  /** Restores cursors kept elsewhere (a reloaded page's stored messages), before `resume`; `rooms` may be left out. */
  set cursors(cursors: Omit<Cursors, "rooms"> & { rooms?: Cursors["rooms"] }) {
    this.inbound.cursors.value = cursors;
  }

  /**
   * Sends to the group (neither `to` nor `room`), to one user (`to`) or to a room (`room`); resolves on SendAck,
   * resent until acknowledged. Rejects with OutboxFullError when `maxUnacknowledged` messages are already
   * waiting, with SendError `not_member` for a room the user is not in. The message does not come back to this
   * client (the user's other devices get it).
   */
  send(input: SendInput): Promise<SendAck> {
    if (this.state === "closed" || this.state === "idle") return Promise.reject(new Error("not logged in"));
    if (input.to && input.room) return Promise.reject(new TypeError("send: `to` and `room` are exclusive"));
    const clientMsgId = input.clientMsgId ?? newClientMsgId();
    const events = {
      ...(input.replyTo ? { replyTo: input.replyTo } : {}), ...(input.editOf ? { editOf: input.editOf, delete: input.delete === true } : {}),
      ...(input.reactTo ? { reactTo: input.reactTo, reaction: input.reaction ?? "" } : {}),
    };
    const body = { clientMsgId, to: input.to ?? "", text: input.delete || input.reactTo ? "" : input.text, ...(input.room ? { room: input.room } : {}), ...events };
    this.typingThrottle.reset(conversationOfSend(body));
    const acked = this.outbox.add({ kind: "send", body });
    this.flushOutbox();
    return acked;
  }

  /**
   * Reacts to message `msgId` of `conversation` (a roomId, `everyone`, or the peer's userId; anyone's message) with
   * one emoji, replacing the user's earlier reaction there: a `send` of a reaction event (`reactTo`), resolved on
   * its SendAck. Rejects with SendError `bad_request` for anything but one emoji, `not_found` for no such message.
   */
  react(conversation: string, msgId: string, emoji: string): Promise<SendAck> {
    return this.send({ ...sendTargetOf(conversation), text: "", reactTo: msgId, reaction: emoji });
  }

  /** Takes the user's reaction to message `msgId` of `conversation` back (a reaction event with no emoji). */
  unreact(conversation: string, msgId: string): Promise<SendAck> {
    return this.send({ ...sendTargetOf(conversation), text: "", reactTo: msgId, reaction: "" });
  }

  /**
   * The user is typing in `conversation` (a roomId, `everyone`, or the peer's userId): call on every keystroke; a
   * Typing frame goes out at most every 3 s per conversation, only while online (it is never queued).
   */
  typing(conversation: string): void {
    if (this.state === "online" && this.typingThrottle.due(conversation, Date.now())) this.writeBudgeted({ kind: "typing", body: { conversation } });
  }

  /**
   * Tells the sender of a private message that it arrived (done automatically unless autoDelivered is off). A
   * receipt counts up to its msgId: when many arrive at once, only the newest per sender may go out.
   */
  markDelivered(message: ChatMessage): void {
    if (message.to && message.from !== this.login?.userId && this.state === "online") this.receipts.received(message.from, message.msgId, Date.now());
  }

  /**
   * The user has read `conversation` (a roomId, `everyone`, or the peer's userId) up to `msgId`. Sent as a
   * Read frame, at most one per conversation in flight (the newest mark wins), kept across reconnects; the
   * user's devices get it back through `onRead`, and in a private chat the peer sees it as "seen".
   */
  markRead(conversation: string, msgId: string): void {
    this.reads.mark(conversation, msgId, Date.now());
  }

  /**
   * Watches the presence of these users (at most MAX_PRESENCE_SUBSCRIPTIONS, 500), replacing the previous list;
   * an empty list stops. The gateway answers with their current state, then their changes, all through
   * `onPresence`; the list is sent again after every reconnect. Without a list the client gets no presence.
   * Subscribe to what is on screen: the people in view, open conversations, room members shown.
   */
  subscribePresence(userIds: readonly string[]): void {
    if (this.presenceList.set(userIds)) this.writeLists();
  }

  /** The users whose presence this client watches. */
  get presenceSubscription(): readonly string[] {
    return this.presenceList.current;
  }

  /**
   * Shows typing only in these conversations (the open one; at most MAX_TYPING_SUBSCRIPTIONS, 20), replacing the
   * previous list; an empty list shows none. Until it is called the client gets the typing of every conversation of
   * its user, as before. Sent again after every reconnect, to gateways that take it (LoginAck's `typingSubscribe`):
   * an older gateway goes on sending every conversation's typing.
   */
  subscribeTyping(conversations: readonly string[]): void {
    if (this.typingList.set(conversations)) this.writeLists();
  }

  protected loginFrame(token: string): FrameInput {
    return { kind: "login", body: { token, ...this.inbound.cursors.forLogin(), messageBatches: true } };
  }

  protected received(frame: Frame): void {
    this.inbound.handle(frame);
  }

  protected acknowledged(ack: LoginAck): void {
    this.inbound.loggedIn(ack);
  }

  protected sessionStarted(ack: LoginAck): void {
    // The gateway's frame budget of a new session starts full, and so does ours; what waited goes out within it.
    const now = Date.now();
    this.budget.reset(budgetFor(ack));
    this.sendsInFlight = sendsInFlightFor(ack);
    this.presenceList.loggedIn((list) => list.length > 0);
    this.typingListTaken = ack.typingSubscribe === true;
    this.typingList.loggedIn((_, chosen) => chosen && this.typingListTaken);
    this.outbox.unsent();
    this.reads.resend(now);
    this.receipts.resend(now);
    this.flushBudgeted(now);
  }

  protected tick(now: number): void {
    this.flushBudgeted(now);
  }

  protected closed(): void {
    this.outbox.rejectAll(new Error("client closed"));
  }

  /**
   * Writes what waits for the frame budget, receipts and marks first (few: one per sender, conversation or list),
   * then the Sends that are due, oldest first; what the budget does not allow goes out at the next ticks.
   */
  private flushBudgeted(now: number): void {
    this.receipts.flush(now);
    this.reads.tick(now);
    this.writeLists();
    this.flushOutbox();
  }

  /**
   * Writes the Sends that are due (new ones, and those unanswered for `resendAfterMs`), as many as the frame budget
   * allows, in order; only while online (a reconnect sends everything after LoginAck).
   */
  private flushOutbox(): void {
    if (this.state !== "online") return;
    const frames = this.outbox.due(Date.now(), this.options.resendAfterMs, this.budget.available(), this.sendsInFlight, Math.min(STALL_AFTER_MS, this.options.resendAfterMs));
    this.budget.spend(frames.length);
    for (const frame of frames) this.write(frame);
  }

  private writeLists(): void {
    this.presenceList.flush((userIds) => this.writeBudgeted({ kind: "presenceSubscribe", body: { userIds } }));
    if (this.typingListTaken) this.typingList.flush((conversations) => this.writeBudgeted({ kind: "typingSubscribe", body: { conversations } }));
  }

  /** Writes a frame if the session is online and the frame budget allows one now; false otherwise. */
  private writeBudgeted(frame: FrameInput): boolean {
    return this.state === "online" && this.link !== null && this.budget.take() && this.write(frame);
  }

  /** Writes a frame to the live socket; false when there is none. */
  private write(frame: FrameInput): boolean {
    return this.link?.write(frame) ?? false;
  }

}

function newClientMsgId(): string {
  return typeof crypto !== "undefined" && "randomUUID" in crypto ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

export type { ChatMessage, Delivered, ErrorBody, Presence, Read, RoomEvent, RoomEventKind, SendAck, Typing, HistoryMessage, OnlineUser };
export type { CimClientOptions, ClientLogger, ClientStats, ConnectionState, Cursors, HistoryInput, HttpSendInput, SendInput, StoredLogin };
