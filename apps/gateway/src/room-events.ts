// Membership events from the bus: the local membership map and room delivery follow them, and the sessions in
// the room and the member concerned get a RoomEvent frame.
import type { Logger } from "pino";
import { encodeFrame } from "@cim/protocol";
import type { ClusterMessage } from "@cim/state";
import type { Delivery } from "./delivery.js";
import type { Membership } from "./membership.js";
import type { GatewayMetrics } from "./metrics.js";
import type { Session } from "./session.js";
import type { SessionTable } from "./session-table.js";

type RoomChange = Extract<ClusterMessage, { type: "room" }>;

export interface RoomEventsDeps {
  table: SessionTable;
  membership: Membership;
  delivery: Delivery;
  metrics: GatewayMetrics;
  log: Logger;
}

export class RoomEvents {
  constructor(private readonly deps: RoomEventsDeps) {}

  handle(change: RoomChange): void {
    const { table, membership, metrics } = this.deps;
    if (membership.apply(change)) this.follow(change.userId, change.room, typeof change.after === "string" ? change.after : undefined);
    // A removal's copy on the room's channel: its copy on cim-bus:all tells the sessions.
    if (change.quiet === true) return;
    const frame = encodeFrame({ kind: "roomEvent", body: { room: change.room, name: change.name, userId: change.userId, userName: change.userName, kind: change.kind, by: change.by ?? "", byName: change.byName ?? "" } });
    const told = new Set([change.userId, ...membership.membersOf(change.room)]);
    let sent = 0;
    for (const userId of told) for (const session of table.sessionsOf(userId)) if (session.loggedIn && session.sendBytes(frame)) sent++;
    metrics.framesOut.inc({ kind: "roomEvent" }, sent);
  }

  /** After the bus was down: every local user's rooms are read again, and delivery follows what changed. */
  async refreshAll(): Promise<void> {
    for (const userId of [...this.deps.table.userIds()]) {
      const { added, removed } = await this.deps.membership.refresh(userId);
      for (const room of [...added, ...removed]) this.follow(userId, room);
    }
  }

  /**
   * The user's sessions here start or stop reading `room`, as its membership now says: after `after` when the
   * membership event names where it began, else from the room's newest message.
   */
  private follow(userId: string, room: string, after?: string): void {
    const { table, membership, delivery, log } = this.deps;
    const member = () => membership.isMember(userId, room);
    for (const session of table.sessionsOf(userId)) {
      // A session still logging in takes its rooms from the membership map when it starts.
      if (!session.loggedIn) continue;
      if (member()) delivery.rooms.joinLive(session, room, member, after).catch((error: unknown) => this.failed(session, room, error, log));
      else delivery.rooms.leave(session, room);
    }
  }

  private failed(session: Session, room: string, error: unknown, log: Logger): void {
    this.deps.metrics.busErrors.inc();
    log.error({ err: error, userId: session.user?.userId, room }, "starting a room's delivery after a membership change failed");
  }
}
