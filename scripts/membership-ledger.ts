// Who a room message of scripts/membership-fault-probe.ts is for while members leave and join, and each device's
// messages against GET /api/history.
import { RouteApi, type HistoryMessage } from "@cim/client";
import type { Cluster } from "@cim/devstack";
import { compareWithHistory, noHistoryCounts, type HistoryCounts, type Ledger, type ProbeDevice } from "./delivery-ledger.js";

/** A leave or join: asked at `askedAt`, answered (204 / 200) at `answeredAt` (Infinity until then). */
export interface Change {
  user: number;
  kind: "join" | "leave";
  askedAt: number;
  answeredAt: number;
}

export interface Room {
  roomId: string;
  initial: Set<number>;
  /** Members as the probe's senders see them (a leaving user sends nothing more from its ask on). */
  members: Set<number>;
  changes: Change[];
}

interface Books {
  stack: Cluster;
  users: Array<{ userId: string; token: string }>;
  devices: ProbeDevice[];
  rooms: Room[];
  ledger: Ledger;
}

/**
 * Whether `user` was in `room` for the whole of [from, to]: true or false, or undefined when a change of its
 * membership was under way then (asked before `to`, answered after `from`): the message may reach it or not.
 */
export function memberThroughout(room: Room, user: number, from: number, to: number): boolean | undefined {
  const own = room.changes.filter((c) => c.user === user);
  if (own.some((c) => c.askedAt <= to && c.answeredAt >= from)) return undefined;
  const before = own.filter((c) => c.answeredAt < from).at(-1);
  return before ? before.kind === "join" : room.initial.has(user);
}

/** The devices an acknowledged send is for, those it must never reach, and those it may reach. */
export function membershipAudience(w: Books, target: { room?: string; to?: string }, sender: number, device: number, startedAt: number, ackedAt: number) {
  const must: number[] = [];
  const mustNot: number[] = [];
  const may: number[] = [];
  const room = target.room ? w.rooms.find((r) => r.roomId === target.room)! : undefined;
  const peer = target.to ? w.users.findIndex((u) => u.userId === target.to) : -1;
  for (const [i, d] of w.devices.entries()) {
    if (i === device) continue;
    const member = room ? memberThroughout(room, d.user, startedAt, ackedAt) : target.to ? d.user === sender || d.user === peer : true;
    (member === undefined ? may : member ? must : mustNot).push(i);
  }
  return { must, mustNot, may };
}

/** Every entry of one conversation's history, oldest first, page by page. */
async function wholeHistory(api: RouteApi, token: string, target: { room?: string; with?: string }) {
  const all: HistoryMessage[] = [];
  for (let before: string | undefined; ;) {
    const { messages } = await api.history(token, { ...target, limit: 200, ...(before ? { before } : {}) });
    all.unshift(...messages);
    if (messages.length < 200) return all;
    before = messages[0]!.msgId;
  }
}

/**
 * Each device against GET /api/history of its user's conversations: what history holds that the device never got
 * (its own sends aside; rooms whose membership of its user changed are left out there, as they have gaps by
 * design), what it got that history lacks, and pairs in another order than history's.
 */
export async function historyCounts(w: Books): Promise<HistoryCounts> {
  const api = new RouteApi(w.stack.route.url);
  const counts = noHistoryCounts();
  const ownOf = new Map(w.ledger.acked.map((a) => [a.msgId, a.device]));
  for (const [d, device] of w.devices.entries()) {
    const { userId, token } = w.users[device.user]!;
    const rooms = w.rooms.filter((r) => r.members.has(device.user));
    const targets: Array<{ room?: string; with?: string; gaps?: boolean }> = [{}, ...rooms.map((r) => ({ room: r.roomId, gaps: r.changes.some((c) => c.user === device.user) })), ...w.users.filter((u) => u.userId !== userId).map((u) => ({ with: u.userId }))];
    for (const { gaps, ...target } of targets) {
      const messages = await wholeHistory(api, token, target);
      compareWithHistory(counts, d, device, messages, ownOf, gaps);
    }
  }
  return counts;
}
