// TypingSubscribe: the conversations whose Typing each session shows (the web app: the open one). A Typing then goes
// to the sessions that chose its conversation, found by an index, instead of to every session of every member: a
// room of thousands, or `everyone`, costs its typists' frames to those looking at it only. A session that never
// subscribed gets every Typing of its user's conversations, as before the frame.
import { CONVERSATION_ID, ErrorCode, MAX_TYPING_SUBSCRIPTIONS, type TypingSubscribe } from "@cim/protocol";
import { GatewayError } from "./errors.js";
import type { Session } from "./session.js";

const NONE: ReadonlySet<Session> = new Set();

export class TypingInterest {
  /** Each subscribed session's list, as the session names its conversations. */
  private readonly lists = new WeakMap<Session, readonly string[]>();
  private readonly byConversation = new Map<string, Set<Session>>();
  /** Sessions with a list (until they close): when every logged-in session has one, no member list is walked. */
  private subscribedCount = 0;

  /** Replaces the session's list; a bad list is refused with `bad_request` and the previous one stays. */
  replace(session: Session, frame: TypingSubscribe): void {
    const conversations = [...new Set(frame.conversations)];
    if (conversations.length > MAX_TYPING_SUBSCRIPTIONS) throw new GatewayError(ErrorCode.BadRequest, `TypingSubscribe names at most ${MAX_TYPING_SUBSCRIPTIONS} conversations; the previous list stays`);
    if (!conversations.every((id) => CONVERSATION_ID.test(id))) throw new GatewayError(ErrorCode.BadRequest, "TypingSubscribe names conversations (a roomId, everyone, or a userId); the previous list stays");
    if (!session.isOpen) return; // closed meanwhile: forget() has run or will
    this.drop(session);
    this.lists.set(session, conversations);
    this.subscribedCount++;
    for (const conversation of conversations) {
      let sessions = this.byConversation.get(conversation);
      if (!sessions) this.byConversation.set(conversation, (sessions = new Set()));
      sessions.add(session);
    }
  }

  /** Forgets a closed session's list. */
  forget(session: Session): void {
    this.drop(session);
  }

  /** Whether the session chose its conversations (else it gets all of them). */
  subscribed(session: Session): boolean {
    return this.lists.has(session);
  }

  /** Whether the session shows Typing in `conversation` (named as the session names it). */
  shows(session: Session, conversation: string): boolean {
    const list = this.lists.get(session);
    return !list || list.includes(conversation);
  }

  /** The subscribed sessions that chose `conversation` (a snapshot: the hand-out yields between slices). */
  sessionsIn(conversation: string): readonly Session[] {
    return [...(this.byConversation.get(conversation) ?? NONE)];
  }

  /** Whether some of `loggedIn` sessions here never subscribed. */
  anyUnsubscribed(loggedIn: number): boolean {
    return loggedIn > this.subscribedCount;
  }

  private drop(session: Session): void {
    const list = this.lists.get(session);
    if (!list) return;
    this.lists.delete(session);
    this.subscribedCount--;
    for (const conversation of list) {
      const sessions = this.byConversation.get(conversation);
      sessions?.delete(session);
      if (sessions?.size === 0) this.byConversation.delete(conversation);
    }
  }
}
