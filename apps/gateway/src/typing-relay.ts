// Typing indicators: a session's Typing frames, checked and thinned, relayed over the bus (never stored) to the
// sessions of the conversation's other members on every gateway.
import type { Logger } from "pino";
import { CONVERSATION_ID, EVERYONE_ROOM, ROOM_ID, type Typing } from "@cim/protocol";
import type { BusPublisher, ClusterMessage } from "@cim/state";
import type { BlockList } from "./block-list.js";
import type { Membership } from "./membership.js";
import type { Session } from "./session.js";
import type { SessionTable } from "./session-table.js";
import { SessionLogBudget } from "./session-log-budget.js";

type TypingMessage = Extract<ClusterMessage, { type: "typing" }>;

/** One session's Typing frames for one conversation closer together than this are dropped (clients send every ~3 s). */
export const TYPING_MIN_INTERVAL_MS = 1_000;
/** Conversations remembered per session; beyond it the memory starts over (a client naming thousands gains nothing). */
const MAX_REMEMBERED = 200;

export interface TypingRelayDeps {
  table: SessionTable;
  membership: Pick<Membership, "isMember" | "membersOf">;
  /** Users who block each other (either way) see nothing of each other typing, in private chats and rooms. */
  blocks: Pick<BlockList, "hides">;
  bus: Pick<BusPublisher, "toUser" | "toRoom">;
  log: Logger;
  now?: () => number;
}

export class TypingRelay {
  /** When each session last relayed a Typing, per conversation. */
  private readonly last = new WeakMap<Session, Map<string, number>>();

  /** Drops are logged a few per session and window: a client may send 50 Typing frames a second. */
  private readonly dropLog: SessionLogBudget;

  constructor(private readonly deps: TypingRelayDeps) {
    this.dropLog = new SessionLogBudget(deps.now);
  }

  /** A client's Typing: relayed when it names a conversation of the user and is not too soon after the last. */
  async typing(session: Session, frame: Typing): Promise<void> {
    const { userId, userName } = session.user!;
    const { conversation } = frame;
    const room = ROOM_ID.test(conversation);
    if (!CONVERSATION_ID.test(conversation) || conversation === userId || (room && !this.deps.membership.isMember(userId, conversation))) {
      const budget = this.dropLog.take(session);
      if (budget) this.deps.log.info({ remote: session.remote, userId, conversation: conversation.slice(0, 24), leftOut: budget.leftOut }, "typing dropped: not a conversation of this user");
      return;
    }
    if (!this.admit(session, conversation)) return;
    if (!room && this.deps.blocks.hides(userId, conversation)) return;
    if (room) await this.deps.bus.toRoom(conversation, { type: "typing", conversation, userId, userName });
    else await this.deps.bus.toUser(conversation, { type: "typing", conversation: userId, userId, userName, to: conversation });
  }

  /** A Typing from the bus: to the local sessions of the other members (of `to` for a private chat). */
  handle(message: TypingMessage): void {
    const { table, membership } = this.deps;
    const body = { conversation: message.conversation, userId: message.userId, userName: message.userName };
    let sessions: Iterable<Session>;
    if (message.to) sessions = table.sessionsOf(message.to);
    else if (message.conversation === EVERYONE_ROOM) sessions = table.users();
    else sessions = [...membership.membersOf(message.conversation)].flatMap((member) => table.sessionsOf(member));
    for (const session of sessions) {
      const reader = session.user?.userId;
      if (session.loggedIn && reader !== undefined && reader !== message.userId && !this.deps.blocks.hides(reader, message.userId)) session.send({ kind: "typing", body });
    }
  }

  private admit(session: Session, conversation: string): boolean {
    const now = (this.deps.now ?? Date.now)();
    let last = this.last.get(session);
    if (!last || last.size >= MAX_REMEMBERED) this.last.set(session, (last = new Map()));
    const previous = last.get(conversation);
    if (previous !== undefined && now - previous < TYPING_MIN_INTERVAL_MS) return false;
    last.set(conversation, now);
    return true;
  }
}
