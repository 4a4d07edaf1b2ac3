// Presence changes to the sessions that watch each user (PresenceInterest). Changes that reach the gateway
// together go out as one PresenceBatch per session, the latest per user; the work runs in bounded slices that
// yield to the event loop, so a storm of logins does not starve accepts, heartbeats and other logins.
import { setImmediate as yieldToLoop } from "node:timers/promises";
import { encodeFrame, type Presence } from "@cim/protocol";
import type { GatewayMetrics } from "./metrics.js";
import { PresenceDamper, type PresenceDamperOptions } from "./presence-damper.js";
import type { PresenceInterest } from "./presence-interest.js";
import type { Session } from "./session.js";

/** One frame carries at most this many changes. */
const FRAME_PRESENCES = 500;
/** Session-changes handled before the loop yields (setImmediate) to sockets and timers. */
const SLICE_WORK = 2_000;

/** The frame of some presence bodies: a plain Presence for one, else a PresenceBatch. */
export function encodePresences(presences: readonly Presence[]): Uint8Array {
  return presences.length === 1 ? encodeFrame({ kind: "presence", body: presences[0]! }) : encodeFrame({ kind: "presenceBatch", body: { presences: [...presences] } });
}

export class PresenceFanOut {
  private pending = new Map<string, Presence>();
  private draining = false;
  /** Sessions whose answer to a PresenceSubscribe is being read: their changes wait here until it is sent. */
  private readonly held = new Map<Session, Map<string, Presence>>();

  /** Bounds each user's changes handed out per window (a flapping user). */
  private readonly damper: PresenceDamper;

  /** `hides(userId, other)`: no change of `other` goes to `userId`'s sessions (they block each other). */
  constructor(
    private readonly interest: Pick<PresenceInterest, "watchers" | "watches">,
    private readonly metrics: GatewayMetrics,
    private readonly hides: (userId: string, other: string) => boolean = () => false,
    damping: Partial<PresenceDamperOptions> = {},
  ) {
    this.damper = new PresenceDamper((presence) => this.queue(presence), damping);
  }

  /** A change from the bus: queued now, unless its user changed too often of late (then at its window's end). */
  offer(presence: Presence): void {
    if (this.interest.watchers(presence.userId).size === 0) return; // nobody here asked
    this.damper.offer(presence);
  }

  /** Queues a change; what is queued together is sent together, soon. */
  private queue(presence: Presence): void {
    this.pending.delete(presence.userId); // re-insert: the order of the latest changes is kept
    this.pending.set(presence.userId, presence);
    if (!this.draining) {
      this.draining = true;
      setImmediate(() => void this.drain());
    }
  }

  /** Keeps the session's changes back (its current state is being read) until `release`. */
  hold(session: Session): void {
    if (!this.held.has(session)) this.held.set(session, new Map());
  }

  /** Ends a hold: the changes kept back, the latest per user, in order. */
  release(session: Session): Presence[] {
    const held = this.held.get(session);
    this.held.delete(session);
    return held ? [...held.values()] : [];
  }

  private async drain(): Promise<void> {
    try {
      while (this.pending.size > 0) {
        const changes = [...this.pending.values()];
        this.pending = new Map();
        for (let i = 0; i < changes.length; i += FRAME_PRESENCES) await this.send(changes.slice(i, i + FRAME_PRESENCES));
      }
    } finally {
      this.draining = false;
    }
  }

  private async send(changes: Presence[]): Promise<void> {
    let work = 0;
    const perSession = new Map<Session, Presence[]>();
    for (const change of changes) {
      for (const session of this.interest.watchers(change.userId)) {
        const list = perSession.get(session);
        if (list) list.push(change);
        else perSession.set(session, [change]);
        if (++work % SLICE_WORK === 0) await yieldToLoop();
      }
    }
    const shared = new Map<Presence, Uint8Array>();
    let sent = 0;
    for (const [session, list] of perSession) {
      // Checked now, not when the list was made: the session may have changed its list or started a hold since.
      const viewer = session.user?.userId ?? "";
      const current = list.filter((change) => this.interest.watches(session, change.userId) && !this.hides(viewer, change.userId));
      const held = this.held.get(session);
      if (held) {
        for (const change of current) {
          held.delete(change.userId);
          held.set(change.userId, change);
        }
      } else if (current.length === 1) {
        const change = current[0]!;
        let bytes = shared.get(change);
        if (!bytes) shared.set(change, (bytes = encodePresences(current)));
        if (session.sendBytes(bytes)) sent++;
      } else if (current.length > 1 && session.sendBytes(encodePresences(current))) {
        sent += current.length;
      }
      work += list.length;
      if (work >= SLICE_WORK) {
        work = 0;
        this.metrics.framesOut.inc({ kind: "presence" }, sent);
        sent = 0;
        await yieldToLoop();
      }
    }
    this.metrics.framesOut.inc({ kind: "presence" }, sent);
  }
}
