// PresenceSubscribe: a session names the users whose presence it wants (replacing its previous list); it is
// answered with their current state as one PresenceBatch, then gets their changes (PresenceFanOut). The lists of one
// user's sessions here are read within one budget of users per second (UserBudget): a list beyond it waits its turn.
import { setImmediate as yieldToLoop, setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "pino";
import { DECIMAL_ID, ErrorCode, MAX_PRESENCE_SUBSCRIPTIONS, type PresenceSubscribe } from "@cim/protocol";
import { FailureLog, type SessionStore } from "@cim/state";
import { GatewayError } from "./errors.js";
import { encodePresences, type PresenceFanOut } from "./presence-fan-out.js";
import type { BlockList } from "./block-list.js";
import type { PresenceInterest } from "./presence-interest.js";
import type { Session } from "./session.js";
import type { UserBudget } from "./user-budget.js";

export interface PresenceSubscriptionsDeps {
  interest: PresenceInterest;
  fanOut: PresenceFanOut;
  sessions: Pick<SessionStore, "presenceOf">;
  /** Users who block each other (either way) are left out of each other's answers. */
  blocks: Pick<BlockList, "hides">;
  /**
   * The users named in the lists of each user's sessions here together (CIM_PRESENCE_IDS_*_PER_USER): the bound on
   * one session (one list read at a time) let 20 sessions of one user make Redis read 20 lists at once, over and over.
   */
  budget?: Pick<UserBudget, "take" | "refillMs">;
  log: Logger;
}

/** A session's list being answered, and the newest list that came meanwhile (answered next, in its place). */
interface Answering {
  next: string[] | undefined;
}

export class PresenceSubscriptions {
  /**
   * Per session with a list being answered: at most one is read at a time, and lists that come meanwhile only
   * replace the one to read next. Reading each as it came let one session start 50 reads of 500 users a second,
   * faster than Redis answers them, until the gateway ran out of memory.
   */
  private readonly answering = new WeakMap<Session, Answering>();
  private readonly failures: FailureLog;

  constructor(private readonly deps: PresenceSubscriptionsDeps) {
    this.failures = new FailureLog(deps.log);
  }

  /**
   * A client's list: replaces the session's list and answers with the current state of every listed user that
   * exists, once the user's budget here allows reading them (newer lists sent meanwhile replace it).
   */
  async subscribe(session: Session, frame: PresenceSubscribe): Promise<void> {
    const userIds = [...new Set(frame.userIds)];
    if (userIds.length > MAX_PRESENCE_SUBSCRIPTIONS) throw new GatewayError(ErrorCode.BadRequest, `PresenceSubscribe names at most ${MAX_PRESENCE_SUBSCRIPTIONS} userIds; the previous list stays`);
    if (!userIds.every((id) => DECIMAL_ID.test(id))) throw new GatewayError(ErrorCode.BadRequest, "PresenceSubscribe names userIds (decimal strings); the previous list stays");
    return this.replace(session, userIds, true);
  }

  /** Answers `userIds` as the session's list; `paced`: within its user's budget (a frame, or another user's unblock). */
  private async replace(session: Session, userIds: string[], paced: boolean): Promise<void> {
    const inFlight = this.answering.get(session);
    if (inFlight) {
      inFlight.next = userIds; // a newer list answers instead
      return;
    }
    const state: Answering = { next: userIds };
    this.answering.set(session, state);
    try {
      for (let list = state.next; list && session.isOpen; list = state.next) {
        if (paced && !(await this.budgetAllows(session, list))) continue; // waited: the newest list is tried again
        state.next = undefined;
        await this.answer(session, list, state);
      }
    } finally {
      this.answering.delete(session);
    }
  }

  /** Takes the list's users from its user's budget; else waits until the rate has refilled them and says false. */
  private async budgetAllows(session: Session, list: readonly string[]): Promise<boolean> {
    const { budget } = this.deps;
    const cost = Math.max(1, list.length); // an empty list is a frame to answer too
    if (!budget || budget.take(session.user?.userId ?? "", cost)) return true;
    this.failures.throttled("presence lists paced", { userId: session.user?.userId, remote: session.remote }, "a user's sessions send presence lists faster than their budget here: each waits its turn (newer ones replacing it); once per window");
    await sleep(budget.refillMs(cost));
    return false;
  }

  /** Watches `userIds` for the session and sends their state, unless a newer list came meanwhile. */
  private async answer(session: Session, userIds: string[], state: Answering): Promise<void> {
    if (!session.isOpen) return; // closed meanwhile: forget() has cleaned up, nothing is watched again
    const { interest, fanOut } = this.deps;
    fanOut.hold(session);
    let answered = false;
    const viewer = session.user?.userId ?? "";
    try {
      await interest.replace(session, userIds);
      const states = (await this.deps.sessions.presenceOf(userIds)).filter((state) => !this.deps.blocks.hides(viewer, state.userId));
      if (state.next || !session.isOpen) return; // a newer list answers instead
      session.send({ kind: "presenceBatch", body: { presences: states } });
      answered = true;
    } finally {
      // The changes kept back while reading follow the answer, so the last word is the latest change.
      if (!state.next) {
        const held = fanOut.release(session).filter((change) => interest.watches(session, change.userId) && !this.deps.blocks.hides(viewer, change.userId));
        if (answered && held.length) session.sendBytes(encodePresences(held));
      }
    }
  }

  /** Answers again the lists of `sessions` that name `userId` (just unblocked: its state is news to them). */
  answerAgain(sessions: readonly Session[], userId: string): void {
    for (const session of sessions) {
      if (!this.deps.interest.watches(session, userId)) continue;
      // Within the session's user's budget: another user toggling a block (60 changes a minute) re-read this list
      // each time, 500 users per session, for one request of its own.
      this.replace(session, [...this.deps.interest.watched(session)], true).catch((error: unknown) =>
        this.deps.log.warn({ err: error, userId: session.user?.userId }, "answering a presence list again after an unblock failed"));
    }
  }

  /**
   * Tells those of `sessions` that watch `userId` it is offline: one of the two users just blocked the other, so its
   * changes stop reaching them, and the online it showed would stay (route's lists say offline for it too).
   */
  hideFrom(sessions: readonly Session[], userId: string): void {
    const offline = encodePresences([{ userId, userName: "", online: false }]);
    for (const session of sessions) if (session.loggedIn && this.deps.interest.watches(session, userId)) session.sendBytes(offline);
  }

  /** Forgets a closed session's list. */
  forget(session: Session): void {
    this.deps.interest.forget(session);
    this.deps.fanOut.release(session);
  }

  /**
   * Answers every list again, a session at a time: after the bus reconnected, changes published while it was
   * down were lost.
   */
  async refreshAll(): Promise<void> {
    await this.deps.interest.resubscribe();
    let refreshed = 0;
    for (const session of [...this.deps.interest.sessions()]) {
      if (!session.isOpen) continue;
      await this.replace(session, [...this.deps.interest.watched(session)], false).catch((error: unknown) =>
        this.deps.log.warn({ err: error, userId: session.user?.userId }, "re-reading presence after the bus came back failed"));
      if (++refreshed % 100 === 0) await yieldToLoop();
    }
    this.deps.log.info({ sessions: refreshed }, "presence lists answered again after the bus came back");
  }
}
