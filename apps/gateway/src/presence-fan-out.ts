// Presence to every session. Changes that reach the gateway together (a gateway's users released at once)
// go out as one PresenceBatch per session, the latest state per user: one write per reader, not one per change.
import { encodeFrame, type Presence } from "@cim/protocol";
import type { GatewayMetrics } from "./metrics.js";
import type { SessionTable } from "./session-table.js";

/** One frame carries at most this many changes. */
const FRAME_PRESENCES = 500;

function encodePresences(presences: Presence[]): Uint8Array {
  return presences.length === 1 ? encodeFrame({ kind: "presence", body: presences[0]! }) : encodeFrame({ kind: "presenceBatch", body: { presences } });
}

export class PresenceFanOut {
  private pending = new Map<string, Presence>();
  private flushScheduled = false;

  constructor(private readonly table: SessionTable, private readonly metrics: GatewayMetrics) {}

  /** Queues a change; everything queued in this tick is sent at the end of it. */
  offer(presence: Presence): void {
    this.pending.delete(presence.userId); // re-insert: the order of the latest changes is kept
    this.pending.set(presence.userId, presence);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  private flush(): void {
    this.flushScheduled = false;
    const all = [...this.pending.values()];
    this.pending = new Map();
    for (let i = 0; i < all.length; i += FRAME_PRESENCES) this.send(all.slice(i, i + FRAME_PRESENCES));
  }

  private send(presences: Presence[]): void {
    const about = new Set(presences.map((p) => p.userId));
    const shared = encodePresences(presences);
    let sent = 0;
    for (const session of this.table.users()) {
      const userId = session.user!.userId;
      // A user is not told about itself; the rare reader inside the batch gets its own copy.
      if (!about.has(userId)) {
        if (session.sendBytes(shared)) sent += presences.length;
        continue;
      }
      const others = presences.filter((p) => p.userId !== userId);
      if (others.length && session.sendBytes(encodePresences(others))) sent += others.length;
    }
    this.metrics.framesOut.inc({ kind: "presence" }, sent);
  }
}
