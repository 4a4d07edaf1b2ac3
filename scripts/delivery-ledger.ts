// The books of scripts/delivery-fault-probe.ts: every acknowledged send (SendAck or 202) with the devices it is for,
// and per device what arrived: lost, duplicated, out of order (per conversation stream, and per sending device of
// a private chat), and deliveries no device should have had (a removed member's).
import { compareIds, type ChatMessage } from "@cim/protocol";
import type { RecordingClient } from "@cim/devstack";

export interface ProbeDevice {
  user: number;
  client: RecordingClient;
  gateway: string;
}

export interface Acked {
  conversation: string;
  msgId: string;
  /** The device that sent it (-1: sent over HTTP, so every device of the user gets it). */
  device: number;
  user: number;
  text: string;
  /** The msgId a deletion deletes. */
  deletes?: string;
  /** The msgId an edit edits. */
  edits?: string;
}

export interface Counts {
  acked: number;
  expectedDeliveries: number;
  deliveries: number;
  missing: number;
  duplicates: number;
  outOfOrder: number;
  /** Out of order within a private chat by msgId over all its senders (two devices racing may land so). */
  privateInterleaved: number;
  unexpected: number;
  forbidden: number;
  /** Deliveries to a removed member of what was sent before its removal's 204 (allowed, not required). */
  optional: number;
  optionalPossible: number;
  droppedBySdk: number;
  /**
   * Messages (and edits) that arrived with a text that is neither as sent, nor a later edit's (a read hands an edited
   * message out with its newest text), nor "" with the message deleted (a read blanks a deleted one).
   */
  wrongText: number;
  samples: string[];
}

/** The conversation key of a received message, as the server names its stream. */
export function conversationOf(m: ChatMessage): string {
  if (m.room) return `r ${m.room}`;
  if (m.to) return `p ${[m.from, m.to].sort().join("-")}`;
  return "g";
}

export class Ledger {
  readonly acked: Acked[] = [];
  /** Per device, keys that must arrive; per device, keys that must not (sent to a room after its removal). */
  private readonly expected = new Map<number, Set<string>>();
  private readonly forbidden = new Map<number, Set<string>>();
  private readonly senderOf = new Map<string, number>();

  constructor(readonly devices: ProbeDevice[]) {}

  private readonly allowed = new Map<number, Set<string>>();

  /**
   * An acknowledged send: `must` are the devices it is for, `mustNot` those it may never reach, `may` those it may
   * reach or not (a member removed after it was sent: the removal ends delivery at once, even of what is unread).
   */
  add(sent: Acked, must: number[], mustNot: number[] = [], may: number[] = []): void {
    const key = `${sent.conversation} ${sent.msgId}`;
    this.acked.push(sent);
    this.senderOf.set(key, sent.device);
    for (const d of must) this.set(this.expected, d).add(key);
    for (const d of mustNot) this.set(this.forbidden, d).add(key);
    for (const d of may) this.set(this.allowed, d).add(key);
  }

  /**
   * A member was removed from a room: by the contract its sessions stop getting the room at once, also what they had
   * not received yet, so the room's messages sent before the removal become optional for its devices.
   */
  removed(conversation: string, devices: number[]): void {
    for (const d of devices) {
      for (const key of [...(this.expected.get(d) ?? [])]) {
        if (!key.startsWith(`${conversation} `)) continue;
        this.expected.get(d)!.delete(key);
        this.set(this.allowed, d).add(key);
      }
    }
  }

  missing(): number {
    let n = 0;
    for (const [d, keys] of this.expected) {
      const got = new Set(this.devices[d]!.client.messages.map((m) => `${conversationOf(m)} ${m.msgId}`));
      for (const key of keys) if (!got.has(key)) n++;
    }
    return n;
  }

  count(): Counts {
    const c: Counts = { acked: this.acked.length, expectedDeliveries: 0, deliveries: 0, missing: this.missing(), duplicates: 0, outOfOrder: 0, privateInterleaved: 0, unexpected: 0, forbidden: 0, optional: 0, optionalPossible: 0, droppedBySdk: 0, wrongText: 0, samples: [] };
    const sample = (line: string) => c.samples.length < 12 && c.samples.push(line);
    for (const keys of this.expected.values()) c.expectedDeliveries += keys.size;
    for (const keys of this.allowed.values()) c.optionalPossible += keys.size;
    for (const [d, { client }] of this.devices.entries()) {
      c.droppedBySdk += client.stats.duplicatesDropped;
      const seen = new Set<string>();
      const last = new Map<string, string>();
      for (const m of client.messages) {
        c.deliveries++;
        const key = `${conversationOf(m)} ${m.msgId}`;
        if (seen.has(key)) {
          c.duplicates++;
          sample(`dup d${d} ${key} ${m.text}`);
        }
        seen.add(key);
        if (this.forbidden.get(d)?.has(key)) {
          c.forbidden++;
          sample(`forbidden d${d} ${key} ${m.text}`);
        } else if (this.allowed.get(d)?.has(key)) {
          c.optional++;
        } else if (!this.expected.get(d)?.has(key)) {
          c.unexpected++;
          sample(`unexpected d${d} ${key} ${m.text}`);
        }
        if (!this.textFits(m)) {
          c.wrongText++;
          sample(`text d${d} ${key} '${m.text}'`);
        }
        const sender = this.senderOf.get(key);
        const stream = m.room || !m.to ? conversationOf(m) : `${conversationOf(m)} from ${sender === -1 ? "http" : `d${sender}`}`;
        const previous = last.get(stream);
        if (previous && compareIds(m.msgId, previous) <= 0) {
          c.outOfOrder++;
          sample(`order d${d} ${stream} ${previous} then ${m.msgId} ${m.text}`);
        }
        last.set(stream, m.msgId);
        if (m.to && !m.room) {
          const whole = conversationOf(m);
          const before = last.get(`all ${whole}`);
          if (before && compareIds(m.msgId, before) <= 0) c.privateInterleaved++;
          last.set(`all ${whole}`, m.msgId);
        }
      }
    }
    for (const [d, keys] of this.expected) {
      const got = new Set(this.devices[d]!.client.messages.map((m) => `${conversationOf(m)} ${m.msgId}`));
      for (const key of keys) if (!got.has(key)) sample(`missing d${d} ${key}`);
    }
    return c;
  }

  /**
   * True when a received message carries a text it may: as sent, a later acknowledged edit's of the message it shows,
   * or "" once that message is deleted (deletions and reactions carry none to check; an unacknowledged send is not known).
   */
  private textFits(m: ChatMessage): boolean {
    if (m.deleted || m.reactTo) return true;
    const conversation = conversationOf(m);
    const sent = this.acked.find((a) => a.conversation === conversation && a.msgId === m.msgId);
    if (!sent || m.text === sent.text) return true;
    const shown = m.editOf || m.msgId;
    if (m.text === "") return this.acked.some((a) => a.conversation === conversation && a.deletes === shown);
    return this.acked.some((a) => a.conversation === conversation && a.edits === shown && a.text === m.text && compareIds(a.msgId, m.msgId) > 0);
  }

  private set(map: Map<number, Set<string>>, d: number): Set<string> {
    let keys = map.get(d);
    if (!keys) map.set(d, (keys = new Set()));
    return keys;
  }
}

/** What the probes find comparing each device with GET /api/history, and a few examples. */
export interface HistoryCounts {
  historyMissing: number;
  historyExtra: number;
  historyOrder: number;
  historySamples: string[];
}

export const noHistoryCounts = (): HistoryCounts => ({ historyMissing: 0, historyExtra: 0, historyOrder: 0, historySamples: [] });

/**
 * Device `d` against the history of one conversation (oldest first): entries history holds that the device never got
 * (its own sends aside, as `ownOf` names their devices; not counted with `gaps`, a membership that changed), entries
 * it got that history lacks, and pairs it got in another order than history's.
 */
export function compareWithHistory(counts: HistoryCounts, d: number, device: ProbeDevice, history: ReadonlyArray<{ msgId: string } & ChatMessage>, ownOf: ReadonlyMap<string, number>, gaps = false): void {
  const key = history[0] ? conversationOf(history[0]) : "";
  const wanted = history.filter((m) => ownOf.get(m.msgId) !== d).map((m) => m.msgId);
  const got = [...new Set(device.client.messages.filter((m) => conversationOf(m) === key).map((m) => m.msgId))];
  const inHistory = new Set(history.map((m) => m.msgId));
  const note = (what: string) => void (counts.historySamples.length < 8 && counts.historySamples.push(what));
  if (!gaps) {
    for (const id of wanted.filter((id) => !got.includes(id))) {
      counts.historyMissing++;
      note(`d${d} never got ${key} ${id}`);
    }
  }
  for (const id of got.filter((id) => !inHistory.has(id))) {
    counts.historyExtra++;
    note(`d${d} got ${id}, not in history`);
  }
  const order = got.filter((id) => inHistory.has(id));
  const expected = wanted.filter((id) => order.includes(id));
  counts.historyOrder += order.filter((id, i) => expected[i] !== id).length;
}
