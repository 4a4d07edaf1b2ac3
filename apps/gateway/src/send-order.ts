// Keeps a session's Sends to one conversation in the order they came, through a Redis outage: a Send is never stored
// after a later Send of the same session and conversation was stored.
//
// How the order broke without it: while Redis is down, ioredis holds the stores in its offline queue and fails the
// whole queue every few reconnect attempts (maxRetriesPerRequest). A pipelining client gets `unavailable` for p4 and
// resends it at once, but p5..p9, written meanwhile, already wait in the next queue: they were stored when Redis came
// back, and p4's resend after them. So, per session and conversation (a lane), a line of the Sends to store in order:
// - a Send refused `unavailable` (its store failed, a store before it in the lane failed, or too many Sends were in
//   flight) keeps its place in the line until its resend (same clientMsgId) is stored or gets a final answer;
// - a Send that comes while the line is not empty takes its place at the end and is held (not answered) until it is
//   first; a Send that is first waits for the lane's store in flight, and is refused when that one failed;
// - while Redis is not ready, each Send waits for the lane's store before it (two stores in flight through an outage
//   could end up in two offline queues).
// Held, not refused: a client resending each refused Send would otherwise spin through refusals into the frame rate
// limit. While Redis is ready and the line is empty, a Send goes straight to the store: the private path's batching
// (one script call per event-loop turn) is untouched. A client that never resends a refused Send is not held for
// ever: the refusals at the head of the line not resent within the grace (CIM_SEND_RESEND_GRACE_MS) of the lane's
// last progress are dropped, and the held Sends go on one by one in their order (all at once, the first to wake
// went first: p17 stored before p15). A refused resend counts as progress: a client resending through an outage
// longer than the grace keeps its place (before, the line was dropped under it and rebuilt in refusal order).
import { ErrorCode } from "@cim/protocol";
import { GatewayError } from "./errors.js";
import type { Session } from "./session.js";

/** How long a refused Send holds the newer ones of its lane back when it is not resent (CIM_SEND_RESEND_GRACE_MS). */
export const RESEND_GRACE_MS = 10_000;

interface Lane {
  /**
   * The line of the lane's Sends to store in this order, oldest first: each refused `unavailable` until its resend is
   * stored (or gets a final answer), and each held for its turn behind them.
   */
  line: string[];
  /** The last time the lane made progress (a first refusal, a resend stored): the grace counts from it. */
  since: number;
  /** The lane's last store started in order (one at a time): true unless it failed for want of Redis. */
  tail: Promise<boolean> | undefined;
  /** The clientMsgId of that store. */
  tailOf: string;
  /** Sends held for their turn, woken at each progress. */
  waiting: Array<() => void>;
  /** The clientMsgIds of the line that are held (waiting in `turn`), as opposed to refused and not yet resent. */
  held: Set<string>;
  /** The session closed: its held Sends are dropped, not stored (see `forget`). */
  closed: boolean;
  /** The arrival number of each Send of the line: the line is in arrival order, whatever order the refusals came in. */
  arrivals: Map<string, number>;
}

const SESSION_CLOSED = "the session closed before this message's turn: it was not stored";
const OUT_OF_ORDER = "an earlier message of this conversation was not stored: resend it first, then this one";
/** A resend that came while its own earlier attempt was being stored, and that attempt failed: nothing else waits. */
const NOT_STORED = "message not stored, retry";
/** The cause of every refusal made here (a GatewayError's copies keep it): they are logged once per window. */
const REFUSED_IN_ORDER = new Error("refused in order: the store before it in its lane failed (Redis outage)");

/** True for a Send refused here because a store before it in its conversation failed (logged once per window). */
export function isOrderRefusal(error: GatewayError): boolean {
  return error.cause === REFUSED_IN_ORDER;
}

export class SendOrder {
  private readonly lanes = new WeakMap<Session, Map<string, Lane>>();
  /**
   * Per session and lane, the outcome of the last store started straight (Redis ready, nothing refused): a Send
   * that comes once Redis is not ready waits for it. Without it, p68 (queued offline) was stored when Redis came
   * back while p60, started just before the kill, failed: p60's resend went after p68..p100.
   */
  private readonly straight = new WeakMap<Session, Map<string, { tail: Promise<boolean>; of: string }>>();
  /** Per session, the number of the last Send that arrived (two stores in flight can fail in either order). */
  private readonly arrived = new WeakMap<Session, number>();

  constructor(private readonly linkReady: () => boolean, private readonly now: () => number = Date.now, private readonly graceMs = RESEND_GRACE_MS) {}

  /** The lane of a Send: its peer, or its room ("" is the group). */
  static laneOf(frame: { to?: string; room?: string }): string {
    return frame.to ? `u:${frame.to}` : `r:${frame.room ?? ""}`;
  }

  /**
   * Runs `store` for the Send `clientMsgId` of `laneId`, in order with the lane's other Sends (see above). A store
   * failure other than a GatewayError (Redis down, timed out) counts as refused `unavailable`.
   */
  run<T>(session: Session, laneId: string, clientMsgId: string, store: () => Promise<T>): Promise<T> {
    const arrival = this.arrival(session);
    const lane = this.lanes.get(session)?.get(laneId);
    if (lane) this.expire(lane);
    const calm = !lane || (!lane.tail && lane.line.length === 0);
    if (calm && this.linkReady()) return this.straightOn(session, laneId, clientMsgId, this.watch(session, laneId, clientMsgId, arrival, store));
    const ordered = lane ?? this.laneFor(session, laneId);
    return this.inTurn(session, laneId, ordered, clientMsgId, arrival, store);
  }

  /**
   * A Send that is not the one to resend first waits for its turn (held, not refused: a client resending what was
   * refused would otherwise spin through refusals into the frame rate limit), then for the lane's store in flight,
   * and is refused when that one failed for want of Redis.
   */
  private async inTurn<T>(session: Session, laneId: string, lane: Lane, clientMsgId: string, arrival: number, store: () => Promise<T>): Promise<T> {
    await this.turn(lane, clientMsgId, arrival);
    const before = lane.tail ? { tail: lane.tail, of: lane.tailOf } : this.straight.get(session)?.get(laneId);
    const result = (async () => {
      // The store before failed: this one is refused too. When that store was this Send's own earlier attempt (a
      // client that resent before its answer came), the refusal says only that it was not stored.
      if (before && !(await before.tail)) throw this.refuse(lane, clientMsgId, arrival, before.of === clientMsgId ? NOT_STORED : OUT_OF_ORDER);
      return this.watch(session, laneId, clientMsgId, arrival, store);
    })();
    const tail = result.then(() => true, (error: unknown) => !failedForOutage(error));
    lane.tail = tail;
    lane.tailOf = clientMsgId;
    void tail.then(() => {
      if (lane.tail !== tail) return;
      lane.tail = undefined;
      if (lane.line.length === 0 && lane.waiting.length === 0) this.lanes.get(session)?.delete(laneId);
    });
    return result;
  }

  /** Notes a store started straight as the lane's last (see `straight`), until it settles. */
  private straightOn<T>(session: Session, laneId: string, clientMsgId: string, result: Promise<T>): Promise<T> {
    let tails = this.straight.get(session);
    if (!tails) this.straight.set(session, (tails = new Map()));
    const tail = result.then(() => true, (error: unknown) => !failedForOutage(error));
    const entry = { tail, of: clientMsgId };
    tails.set(laneId, entry);
    void tail.then(() => {
      if (tails.get(laneId) === entry) tails.delete(laneId);
    });
    return result;
  }

  /**
   * True for the resend of the Send the lane's held ones wait for: admitted beyond CIM_MAX_SENDS_IN_FLIGHT, since
   * the held Sends count there and would otherwise keep out the one they wait for.
   */
  isAwaited(session: Session, laneId: string, clientMsgId: string): boolean {
    return this.lanes.get(session)?.get(laneId)?.line[0] === clientMsgId;
  }

  /** A Send refused before its store (CIM_MAX_SENDS_IN_FLIGHT): the newer ones of its lane wait for its resend. */
  refused(session: Session, laneId: string, clientMsgId: string, arrival = this.arrival(session)): void {
    this.refuse(this.lanes.get(session)?.get(laneId) ?? this.laneFor(session, laneId), clientMsgId, arrival);
  }

  /**
   * The session closed: its held Sends are dropped, not stored. Its client resends them, oldest first, on its next
   * session; stored here after the grace they would go before the refused one it resends first.
   */
  forget(session: Session): void {
    for (const lane of this.lanes.get(session)?.values() ?? []) {
      lane.closed = true;
      for (const resume of lane.waiting.splice(0)) resume();
    }
    this.lanes.delete(session);
  }

  /** Waits while Sends before this one are in the line (at most the grace after the last progress). */
  private async turn(lane: Lane, clientMsgId: string, arrival: number): Promise<void> {
    // Its place in the line, after every Send refused or held that came before it.
    if (!this.isNext(lane, clientMsgId)) this.place(lane, clientMsgId, arrival);
    lane.held.add(clientMsgId);
    try {
      while (!this.isNext(lane, clientMsgId)) {
        if (lane.closed) throw new GatewayError(ErrorCode.Unavailable, SESSION_CLOSED);
        const wait = this.graceMs - (this.now() - lane.since);
        // The store in flight (the awaited resend's, taking long through an outage) is progress: its outcome decides.
        if (wait <= 0 && lane.tail) await lane.tail;
        else if (wait <= 0) this.giveUp(lane);
        if (wait <= 0) continue;
        // Woken by progress or by the grace's end, whichever comes first; the timer goes with the wait. Left running,
        // every progress added a timer to each held Send: 50 held behind a refusal left 1,275 for the grace.
        await new Promise<void>((resolve) => {
          const timer = setTimeout(() => wake(), wait + 1);
          timer.unref();
          const wake = () => {
            clearTimeout(timer);
            resolve();
          };
          lane.waiting.push(wake);
        });
      }
    } finally {
      lane.held.delete(clientMsgId);
    }
  }

  /** True when the line is empty, or `clientMsgId` is first in it (a refused Send's resend, or a held Send). */
  private isNext(lane: Lane, clientMsgId: string): boolean {
    return lane.line.length === 0 || lane.line[0] === clientMsgId;
  }

  /** Runs a store and notes its outcome: stored or finally answered (no longer refused), or refused for want of Redis. */
  private async watch<T>(session: Session, laneId: string, clientMsgId: string, arrival: number, store: () => Promise<T>): Promise<T> {
    try {
      const stored = await store();
      this.settle(session, laneId, clientMsgId);
      return stored;
    } catch (error) {
      if (failedForOutage(error)) this.refused(session, laneId, clientMsgId, arrival);
      else this.settle(session, laneId, clientMsgId);
      throw error;
    }
  }

  private settle(session: Session, laneId: string, clientMsgId: string): void {
    const lane = this.lanes.get(session)?.get(laneId);
    const index = lane?.line.indexOf(clientMsgId) ?? -1;
    if (index < 0) return;
    lane!.line.splice(index, 1);
    lane!.arrivals.delete(clientMsgId);
    lane!.since = this.now();
    for (const resume of lane!.waiting.splice(0)) resume();
    if (lane!.line.length === 0 && !lane!.tail) this.lanes.get(session)?.delete(laneId);
  }

  /**
   * Remembers a refused Send (after the others; a refused resend keeps its place) and returns the refusal. A first
   * refusal, or the awaited one's resend refused again, restarts the grace: the client is still resending.
   */
  private refuse(lane: Lane, clientMsgId: string, arrival: number, message = OUT_OF_ORDER): GatewayError {
    if (lane.line[0] === clientMsgId) lane.since = this.now();
    this.place(lane, clientMsgId, arrival);
    return new GatewayError(ErrorCode.Unavailable, message, undefined, { cause: REFUSED_IN_ORDER });
  }

  /**
   * Puts a Send in the line by arrival (a resend keeps its place). Stores in flight together through an outage fail
   * in any order, and a Send refused beyond CIM_MAX_SENDS_IN_FLIGHT meanwhile: appended, p22 went after p70.
   */
  private place(lane: Lane, clientMsgId: string, arrival: number): void {
    if (lane.arrivals.has(clientMsgId)) return;
    lane.arrivals.set(clientMsgId, arrival);
    const after = lane.line.findIndex((id) => lane.arrivals.get(id)! > arrival);
    const index = after < 0 ? lane.line.length : after;
    lane.line.splice(index, 0, clientMsgId);
    if (index === 0) lane.since = this.now();
  }

  private arrival(session: Session): number {
    const arrival = (this.arrived.get(session) ?? 0) + 1;
    this.arrived.set(session, arrival);
    return arrival;
  }

  /** Forgets the refusals of a client that did not resend them within the grace. */
  private expire(lane: Lane): void {
    if (lane.line.length > 0 && !lane.tail && this.now() - lane.since > this.graceMs) this.giveUp(lane);
  }

  /**
   * Drops the refusals at the head of the line (not resent): the first held Send goes on, and the others follow it
   * in their order as each is settled. The grace starts again for a refusal further down the line.
   */
  private giveUp(lane: Lane): void {
    while (lane.line.length > 0 && !lane.held.has(lane.line[0]!)) lane.arrivals.delete(lane.line.shift()!);
    lane.since = this.now();
    for (const resume of lane.waiting.splice(0)) resume();
  }

  private laneFor(session: Session, laneId: string): Lane {
    let lanes = this.lanes.get(session);
    if (!lanes) this.lanes.set(session, (lanes = new Map()));
    const lane: Lane = { line: [], since: this.now(), tail: undefined, tailOf: "", waiting: [], held: new Set(), closed: false, arrivals: new Map() };
    lanes.set(laneId, lane);
    return lane;
  }
}

/** A failure that leaves the Send to be resent (`unavailable`), as opposed to a final answer (not_found, blocked, ...). */
function failedForOutage(error: unknown): boolean {
  return !(error instanceof GatewayError) || error.code === ErrorCode.Unavailable;
}
