// PresenceSubscribe: a session names the users whose presence it wants (replacing its previous list); it is
// answered with their current state as one PresenceBatch, then gets their changes (PresenceFanOut).
import type { Logger } from "pino";
import { DECIMAL_ID, ErrorCode, MAX_PRESENCE_SUBSCRIPTIONS, type PresenceSubscribe } from "@cim/protocol";
import type { SessionStore } from "@cim/state";
import { GatewayError } from "./errors.js";
import { encodePresences, yieldToLoop, type PresenceFanOut } from "./presence-fan-out.js";
import type { PresenceInterest } from "./presence-interest.js";
import type { Session } from "./session.js";

export interface PresenceSubscriptionsDeps {
  interest: PresenceInterest;
  fanOut: PresenceFanOut;
  sessions: Pick<SessionStore, "presenceOf">;
  log: Logger;
}

export class PresenceSubscriptions {
  /** Per session, the number of its latest PresenceSubscribe: only the latest one answers. */
  private readonly generations = new WeakMap<Session, number>();

  constructor(private readonly deps: PresenceSubscriptionsDeps) {}

  /** Replaces the session's list and answers with the current state of every listed user that exists. */
  async subscribe(session: Session, frame: PresenceSubscribe): Promise<void> {
    const userIds = [...new Set(frame.userIds)];
    if (userIds.length > MAX_PRESENCE_SUBSCRIPTIONS) throw new GatewayError(ErrorCode.BadRequest, `PresenceSubscribe names at most ${MAX_PRESENCE_SUBSCRIPTIONS} userIds; the previous list stays`);
    if (!userIds.every((id) => DECIMAL_ID.test(id))) throw new GatewayError(ErrorCode.BadRequest, "PresenceSubscribe names userIds (decimal strings); the previous list stays");
    const generation = (this.generations.get(session) ?? 0) + 1;
    this.generations.set(session, generation);
    const { interest, fanOut } = this.deps;
    fanOut.hold(session);
    let answered = false;
    try {
      await interest.replace(session, userIds);
      const states = await this.deps.sessions.presenceOf(userIds);
      if (this.generations.get(session) !== generation) return; // a newer list answers instead
      session.send({ kind: "presenceBatch", body: { presences: states } });
      answered = true;
    } finally {
      // The changes kept back while reading follow the answer, so the last word is the latest change.
      if (this.generations.get(session) === generation) {
        const held = fanOut.release(session).filter((change) => interest.watches(session, change.userId));
        if (answered && held.length) session.sendBytes(encodePresences(held));
      }
    }
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
      await this.subscribe(session, { userIds: [...this.deps.interest.watched(session)] }).catch((error: unknown) =>
        this.deps.log.warn({ err: error, userId: session.user?.userId }, "re-reading presence after the bus came back failed"));
      if (++refreshed % 100 === 0) await yieldToLoop();
    }
    this.deps.log.info({ sessions: refreshed }, "presence lists answered again after the bus came back");
  }
}
