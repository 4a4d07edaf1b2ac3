// Receipts from clients: Delivered (a private message reached this user) and Read (this user read a conversation
// up to a message). Each is checked against Redis, kept there so a device that misses the relay learns it at its
// next login, and relayed to every device concerned. Anything unverifiable is dropped (logged, not answered).
import type { Logger } from "pino";
import { CONVERSATION_ID, DECIMAL_ID, ROOM_ID, type Delivered, type Read } from "@cim/protocol";
import type { BusPublisher, InboxStore, MessageStore, ReadStore, ReceiptStore } from "@cim/state";
import type { BlockList } from "./block-list.js";
import type { Membership } from "./membership.js";
import type { Session } from "./session.js";
import { SessionLogBudget } from "./session-log-budget.js";

export interface ReceiptServiceDeps {
  /** `hasAccount`: a peer whose account was deleted is told nothing, and nothing is kept on its keys for it. */
  messages: Pick<MessageStore, "holds" | "hasAccount">;
  inboxes: Pick<InboxStore, "acknowledgeFrom">;
  reads: Pick<ReadStore, "setRead">;
  receipts: Pick<ReceiptStore, "delivered" | "read">;
  membership: Pick<Membership, "isMember">;
  /** Between users who block each other no receipt is told (nor kept for the peer's next login). */
  blocks: Pick<BlockList, "hides">;
  bus: Pick<BusPublisher, "toUser">;
  log: Logger;
}

export class ReceiptService {
  private readonly dropLog = new SessionLogBudget();

  constructor(private readonly deps: ReceiptServiceDeps) {}

  /**
   * Records a private message's receipt (offline delivery resumes after it) and relays it to every device of the
   * sender. Only a message of this user's inbox sent by `from` counts; a receipt without `from` (the first protocol's
   * Delivered{msgId, by}) counts for the message of the inbox it names, whoever sent it.
   */
  async delivered(session: Session, frame: Delivered): Promise<void> {
    const { inboxes, receipts, bus } = this.deps;
    const userId = session.user!.userId;
    const valid = (frame.from === "" || DECIMAL_ID.test(frame.from)) && DECIMAL_ID.test(frame.msgId);
    const from = valid ? await inboxes.acknowledgeFrom(userId, frame.msgId, frame.from) : null;
    if (from === null) return this.drop(session, "receipt dropped: no such message to this user from that sender", frame.msgId, frame.from);
    if (from === userId) return; // its own message, from another device: nobody to tell
    if (this.deps.blocks.hides(userId, from) || !(await this.deps.messages.hasAccount(from))) return;
    await receipts.delivered(from, userId, frame.msgId);
    await bus.toUser(from, { type: "delivered", to: from, msgId: frame.msgId, by: userId });
  }

  /**
   * Moves this user's read position in a conversation forward to a message it holds; every device of the user
   * learns it, and in a private chat the peer's devices see it as "seen".
   */
  async read(session: Session, frame: Read): Promise<void> {
    const { messages, reads, receipts, membership, bus } = this.deps;
    const userId = session.user!.userId;
    const { conversation, msgId } = frame;
    const valid = CONVERSATION_ID.test(conversation) && DECIMAL_ID.test(msgId) && conversation !== userId;
    const room = ROOM_ID.test(conversation);
    if (!valid || (room && !membership.isMember(userId, conversation)) || !(await messages.holds({ userId, conversation, msgId }))) {
      return this.drop(session, "read position dropped: no such message in a conversation of this user", msgId, conversation);
    }
    if (!(await reads.setRead(userId, conversation, msgId))) return; // not newer: nothing changed
    const relays = [bus.toUser(userId, { type: "read", to: userId, conversation, msgId, by: userId })];
    if (!room && !this.deps.blocks.hides(userId, conversation) && (await messages.hasAccount(conversation))) {
      await receipts.read(conversation, userId, msgId);
      relays.push(bus.toUser(conversation, { type: "read", to: conversation, conversation: userId, msgId, by: userId }));
    }
    await Promise.all(relays);
  }

  private drop(session: Session, why: string, msgId: string, other: string): void {
    // A few lines per session and window: a client may send 50 bad receipts a second.
    const budget = this.dropLog.take(session);
    if (budget) this.deps.log.info({ remote: session.remote, userId: session.user?.userId, msgId: msgId.slice(0, 24), other: other.slice(0, 24), leftOut: budget.leftOut }, why);
  }
}
