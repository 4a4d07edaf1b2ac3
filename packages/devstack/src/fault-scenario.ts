// The fault scenario the fault tests share: users on 2 gateways, some with a second device, in rooms, exchange
// group, room and private messages at a steady rate while faults happen at set points; then it counts, per
// device, what every acknowledged message should have reached. Layouts and faults are the caller's. Some sends
// are edits, deletions and reactions of the sending device's earlier messages: events like any message, held to
// the same guarantees, and each must arrive naming the message it changes. Some messages go over POST
// /api/messages (sent again with their clientMsgId after a 503, as a client would): every device of the user gets those.
import { RouteApi, type SendAck } from "@cim/client";
import { RecordingClient, sendHttpUntilStored } from "./clients.js";
import { startCluster, type Cluster, type ClusterOptions } from "./cluster.js";
import { waitUntil } from "./services.js";
import { compareIds, type ChatMessage } from "@cim/protocol";
/** Every scenario user's password (the scenario also runs outside vitest: scripts/cluster-fault-probe.ts). */
const TEST_PASSWORD = "cim-fault-pass-1";

export interface FaultScenarioOptions {
  stack: ClusterOptions;
  users?: number;
  secondDevices?: number;
  rooms?: number;
  roomMembers?: number;
  messages?: number;
  ratePerSec?: number;
  /** Faults by the index of the message before which each starts (not awaited: sending goes on meanwhile). */
  faults: (stack: Cluster, done: (name: string) => void) => Map<number, () => Promise<void>>;
  /** How long to wait for every acknowledged message to arrive, after the last send. */
  settleMs?: number;
  /** Runs once the stack is up, before any user logs in (to add a gateway the users then spread over). */
  prepare?: (stack: Cluster) => Promise<void>;
}

export interface FaultSummary {
  sent: number;
  acked: number;
  byKind: { group: number; room: number; private: number; edits: number; deletions: number; reactions: number; overHttp: number };
  devices: number;
  expectedDeliveries: number;
  deliveries: number;
  /** Acknowledged messages that never reached a device they were for (counted per device). */
  missing: number;
  /** Acknowledged messages that reached no device they were for at all. */
  lostMessages: number;
  duplicates: number;
  /** Duplicates by stream kind: group, room, private. */
  duplicatesByKind: Record<string, number>;
  /**
   * Deliveries of a message whose msgId a message of another conversation that reached the same device also has
   * (two masters' clocks in one microsecond): not duplicates, but what keying by msgId alone counted as such.
   */
  sharedMsgIds: number;
  droppedBySdk: number;
  unexpected: number;
  outOfOrder: number;
  /** Events that arrived naming another message than they were sent for, or deleting when sent as an edit. */
  wrongEvents: number;
  /**
   * Messages and edits that arrived with a text none of theirs: as sent, an acknowledged edit's of the message, or ""
   * once a deletion of it was acknowledged (a catch-up hands the newest text out). Reactions are not checked.
   */
  wrongText: number;
  /** Where the out-of-order deliveries were: `group`, `room` or `private`. */
  outOfOrderByKind: Record<string, number>;
  faults: string[];
  /**
   * Each fault as it was done, with how many sends had been made by then: a step takes its time (a kill first asks
   * which node to kill, several processes under load) and the sends catch up after a stall, so the index a fault was
   * started at says little of which messages came before it.
   */
  faultsAt: Array<{ fault: string; afterSends: number }>;
  seconds: number;
  /** A few of the missing and unexpected deliveries, `device conversation msgId text`, for diagnosis. */
  samples: { missing: string[]; unexpected: string[]; wrongText?: string[] };
  /**
   * Each acknowledged message that reached none of its recipients (at most SAMPLES), `conversation msgId text: ...`
   * saying whether history (route's GET /api/history, read after the settle) holds it: stored but never delivered (a
   * reader passed it) or not stored (lost although acknowledged), with the msgIds history has around it.
   */
  lostInHistory: string[];
}

interface Sent {
  device: number;
  to: number | null;
  room: number | null;
  text: string;
  /** The msgId this event edits or deletes. */
  editOf?: string;
  delete?: boolean;
  /** The msgId this reaction is to. */
  reactTo?: string;
  /** Sent over POST /api/messages: no device sent it, so the sending device gets it too. */
  http?: boolean;
}

const GROUP_SHARE = 0.15;
const ROOM_SHARE = 0.35;
/** Of the sends, this share edit (or, one in four, delete) an acknowledged earlier message of the same device. */
export const EDIT_SHARE = 0.1;
/** Of the other sends, this share react to such a message, and of the plain messages this share go over HTTP. */
export const REACT_SHARE = 0.05;
export const HTTP_SHARE = 0.05;
/** Missing and unexpected deliveries listed in a summary, at most. */
const SAMPLES = 10;

/** Starts a stack, runs the scenario, stops the stack (also on failure); resolves with what it counted. */
export async function runFaultScenario(options: FaultScenarioOptions): Promise<FaultSummary> {
  const stack = await startCluster({ gateways: 2, ...options.stack, gatewayEnv: { CIM_RATE_PER_SEC: "1000", CIM_RATE_BURST: "1000", ...options.stack.gatewayEnv } });
  const devices: Array<{ user: number; client: RecordingClient }> = [];
  try {
    await options.prepare?.(stack);
    return await run(stack, devices, options);
  } finally {
    for (const { client } of devices) client.close();
    await stack.stop();
  }
}

async function run(stack: Cluster, devices: Array<{ user: number; client: RecordingClient }>, options: FaultScenarioOptions): Promise<FaultSummary> {
  const { users = 20, secondDevices = 6, rooms: roomCount = 3, roomMembers = 8, messages = 2_000, ratePerSec = 100 } = options;
  let seed = 42;
  const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  const api = new RouteApi(stack.route.url);
  const names = Array.from({ length: users }, (_, i) => `u${i}-${Math.random().toString(36).slice(2, 8)}`);
  const userIds: string[] = [];
  const tokens: string[] = [];
  for (const name of names) {
    userIds.push((await api.register(name, TEST_PASSWORD)).userId);
    tokens.push((await api.login(name, TEST_PASSWORD)).token);
  }
  // Rooms first: each device learns its user's rooms when it logs in. Users with two devices are in every room.
  const rooms: Array<{ roomId: string; members: Set<number> }> = [];
  for (let r = 0; r < roomCount; r++) {
    const members = new Set<number>(Array.from({ length: secondDevices }, (_, i) => i));
    while (members.size < roomMembers) members.add(Math.floor(random() * users));
    const [owner, ...others] = [...members];
    const { roomId } = await api.createRoom(tokens[owner!]!, { name: `faults ${r}`, visibility: "private" });
    for (const member of others) await api.invite(tokens[owner!]!, roomId, userIds[member]!);
    rooms.push({ roomId, members });
  }
  const logIn = async (user: number) => {
    const client = new RecordingClient(stack.route.url, { resendAfterMs: 1_000, backoff: { baseMs: 100, maxMs: 1_000 } });
    await client.logIn(names[user]!, TEST_PASSWORD);
    devices.push({ user, client });
  };
  for (let user = 0; user < users; user++) await logIn(user);
  for (let user = 0; user < secondDevices; user++) await logIn(user);

  /** The devices a message is for. */
  const recipients = (m: Sent): number[] => {
    const sender = devices[m.device]!.user;
    return devices.flatMap(({ user }, d) => {
      if (d === m.device && !m.http) return [];
      if (m.room !== null) return rooms[m.room]!.members.has(user) ? [d] : [];
      if (m.to !== null) return user === m.to || user === sender ? [d] : [];
      return [d];
    });
  };

  const sent: Array<Sent & { ack: Promise<Pick<SendAck, "msgId"> | null> }> = [];
  const faults: string[] = [];
  const faultsAt: FaultSummary["faultsAt"] = [];
  const faultRuns: Array<Promise<void>> = [];
  const schedule = options.faults(stack, (name) => {
    faults.push(name);
    faultsAt.push({ fault: name, afterSends: sent.length });
  });
  /** Each device's acknowledged messages (not events), which its later edits name. */
  const editable = devices.map((): Array<Sent & { msgId: string }> => []);
  const started = Date.now();
  for (let i = 0; i < messages; i++) {
    const fault = schedule.get(i);
    if (fault) faultRuns.push(fault().catch((error: unknown) => void faults.push(`failed: ${(error as Error).message}`)));
    const device = Math.floor(random() * devices.length);
    const sender = devices[device]!.user;
    const kind = random();
    const earlier = () => editable[device]!.at(-1 - Math.floor(random() * Math.min(3, editable[device]!.length)));
    const edit = random() < EDIT_SHARE ? earlier() : undefined;
    const reactTo = !edit && random() < REACT_SHARE ? earlier() : undefined;
    const http = random() < HTTP_SHARE;
    const memberOf = rooms.map((room, r) => (room.members.has(sender) ? r : -1)).filter((r) => r >= 0);
    let m: Sent;
    if (edit) m = { device, to: edit.to, room: edit.room, text: `m${i} d${device} edits ${edit.msgId}`, editOf: edit.msgId, delete: i % 4 === 0 };
    else if (reactTo) m = { device, to: reactTo.to, room: reactTo.room, text: "", reactTo: reactTo.msgId };
    else if (kind < GROUP_SHARE) m = { device, to: null, room: null, text: `m${i} d${device}->all` };
    else if (kind < GROUP_SHARE + ROOM_SHARE && memberOf.length > 0) {
      const room = memberOf[Math.floor(random() * memberOf.length)]!;
      m = { device, to: null, room, text: `m${i} d${device}->room${room}` };
    } else {
      let to = Math.floor(random() * (users - 1));
      if (to >= sender) to++;
      m = { device, to, room: null, text: `m${i} d${device}->u${to}` };
    }
    const target = m.room !== null ? { room: rooms[m.room]!.roomId } : m.to !== null ? { to: userIds[m.to]! } : {};
    if (!edit && !reactTo) m.http = http;
    const input = { ...target, text: m.text, editOf: m.editOf, delete: m.delete, ...(m.reactTo ? { reactTo: m.reactTo, reaction: "👍" } : {}) };
    const client = devices[device]!.client;
    const ack = (m.http ? sendHttpUntilStored(client, { ...input, clientMsgId: `fault-${i}` }) : client.send(input)).catch(() => null);
    if (!m.editOf && !m.reactTo) void ack.then((answer) => answer && editable[device]!.push({ ...m, msgId: answer.msgId }));
    sent.push({ ...m, ack });
    const due = started + ((i + 1) * 1000) / ratePerSec;
    if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
  }
  await Promise.all(faultRuns);
  const acks = await Promise.all(sent.map((s) => s.ack));
  const acked = sent.map((s, i) => ({ ...s, ack: acks[i] })).filter((s): s is Sent & { ack: Pick<SendAck, "msgId"> } => s.ack !== null);

  // A msgId orders its own conversation only: two conversations' messages stored in the same microsecond (on two
  // Redis Cluster masters) share one. Messages are told apart by conversation and msgId.
  const sentKey = (m: Sent & { ack: Pick<SendAck, "msgId"> }) => {
    const conversation = m.room !== null ? `r ${rooms[m.room]!.roomId}` : m.to !== null ? `p ${[userIds[devices[m.device]!.user]!, userIds[m.to]!].sort().join("-")}` : "g";
    return `${conversation} ${m.ack.msgId}`;
  };
  // The texts each message may arrive with (see FaultSummary.wrongText), by its key; an edit's are its message's.
  const textsOf = new Map<string, Set<string>>();
  const conversationOfSent = (key: string) => key.slice(0, key.lastIndexOf(" "));
  for (const m of acked) if (!m.editOf && !m.reactTo) textsOf.set(sentKey(m), new Set([m.text]));
  for (const m of acked) {
    if (!m.editOf) continue;
    const texts = textsOf.get(`${conversationOfSent(sentKey(m))} ${m.editOf}`);
    if (texts) {
      texts.add(m.delete ? "" : m.text);
      textsOf.set(sentKey(m), texts);
    }
  }
  const receivedKey = (m: ChatMessage) => `${m.room ? `r ${m.room}` : m.to ? `p ${[m.from, m.to].sort().join("-")}` : "g"} ${m.msgId}`;
  const expected = devices.map(() => new Set<string>());
  /** The device that sent each message, and whether it sent it over HTTP (its own order then). */
  const senderOf = new Map<string, string>();
  const eventOf = new Map<string, Pick<Sent, "editOf" | "delete" | "reactTo">>();
  for (const m of acked) {
    const key = sentKey(m);
    senderOf.set(key, `${m.device}${m.http ? " over http" : ""}`);
    eventOf.set(key, { editOf: m.editOf, delete: m.delete, reactTo: m.reactTo });
    for (const d of recipients(m)) expected[d]!.add(key);
  }
  const received = () => devices.map(({ client }) => new Set(client.messages.map(receivedKey)));
  const missing = () => {
    const got = received();
    return expected.reduce((n, ids, d) => n + [...ids].filter((id) => !got[d]!.has(id)).length, 0);
  };
  await waitUntil(() => missing() === 0, options.settleMs ?? 60_000, "every acknowledged message to reach every device").catch(() => undefined);

  let deliveries = 0;
  let duplicates = 0;
  let outOfOrder = 0;
  let unexpected = 0;
  let wrongEvents = 0;
  let wrongText = 0;
  let sharedMsgIds = 0;
  const samples: FaultSummary["samples"] = { missing: [], unexpected: [], wrongText: [] };
  const outOfOrderByKind: Record<string, number> = {};
  const duplicatesByKind: Record<string, number> = {};
  for (const [d, { client }] of devices.entries()) {
    const seen = new Set<string>();
    const conversationOf = new Map<string, string>();
    const last = new Map<string, string>();
    for (const m of client.messages) {
      deliveries++;
      const kind = m.room ? "room" : m.to ? "private" : "group";
      const key = receivedKey(m);
      if (seen.has(key)) {
        duplicates++;
        duplicatesByKind[kind] = (duplicatesByKind[kind] ?? 0) + 1;
      }
      if (!expected[d]!.has(key) && unexpected++ < SAMPLES) samples.unexpected.push(`d${d} ${key} ${m.text}`);
      if (!seen.has(key) && conversationOf.has(m.msgId) && conversationOf.get(m.msgId) !== key) sharedMsgIds++;
      conversationOf.set(m.msgId, key);
      seen.add(key);
      const event = eventOf.get(key);
      const texts = textsOf.get(key);
      if (texts && !texts.has(m.text) && wrongText++ < SAMPLES) samples.wrongText!.push(`d${d} ${key} arrived as ${JSON.stringify(m.text)}, sent as ${JSON.stringify([...texts])}`);
      if (event && ((m.editOf ?? "") !== (event.editOf ?? "") || (m.deleted ?? false) !== (event.delete ?? false) || (m.reactTo ?? "") !== (event.reactTo ?? ""))) wrongEvents++;
      // Rooms and the group are one stream each; a private chat is ordered per sending device.
      const stream = m.room ? `room ${m.room}` : m.to ? `private ${[m.from, m.to].sort().join("-")} from device ${senderOf.get(key)}` : "group";
      const previous = last.get(stream);
      if (previous && compareIds(m.msgId, previous) <= 0) {
        outOfOrder++;
        outOfOrderByKind[kind] = (outOfOrderByKind[kind] ?? 0) + 1;
      }
      last.set(stream, m.msgId);
    }
  }
  const got = received();
  for (const m of acked) {
    for (const d of recipients(m)) if (!got[d]!.has(sentKey(m)) && samples.missing.length < SAMPLES) samples.missing.push(`d${d} ${sentKey(m)} ${m.text}`);
  }
  const lost = acked.filter((m) => {
    const targets = recipients(m);
    return targets.length > 0 && targets.every((d) => !got[d]!.has(sentKey(m)));
  });
  const lostInHistory: string[] = [];
  for (const m of lost.slice(0, SAMPLES)) {
    const query = m.room !== null ? { room: rooms[m.room]!.roomId } : m.to !== null ? { with: userIds[m.to]! } : {};
    lostInHistory.push(`${sentKey(m)} ${m.text}${m.http ? " (over http)" : ""}: ${await inHistory(api, tokens[devices[m.device]!.user]!, query, m.ack.msgId, m.text)}`);
  }
  return {
    sent: messages, acked: acked.length,
    byKind: {
      group: acked.filter((m) => m.to === null && m.room === null).length, room: acked.filter((m) => m.room !== null).length, private: acked.filter((m) => m.to !== null).length,
      edits: acked.filter((m) => m.editOf && !m.delete).length, deletions: acked.filter((m) => m.delete).length,
      reactions: acked.filter((m) => m.reactTo).length, overHttp: acked.filter((m) => m.http).length,
    },
    devices: devices.length, expectedDeliveries: expected.reduce((n, ids) => n + ids.size, 0), deliveries, missing: missing(), lostMessages: lost.length,
    duplicates, duplicatesByKind, sharedMsgIds, droppedBySdk: devices.reduce((n, { client }) => n + client.stats.duplicatesDropped, 0), unexpected, outOfOrder, wrongEvents, wrongText, outOfOrderByKind, faults, faultsAt,
    seconds: (Date.now() - started) / 1000, samples, lostInHistory,
  };
}

/** Whether history holds message `msgId` (with its `text`), and the msgIds it has just around it. */
async function inHistory(api: RouteApi, token: string, query: { room?: string; with?: string }, msgId: string, text: string): Promise<string> {
  try {
    // The page ending a second after it (msgIds are microseconds): the message, and what was stored just before and after.
    const { messages } = await api.history(token, { ...query, before: String(BigInt(msgId) + 1_000_000n), limit: 200 });
    const at = messages.findIndex((h) => BigInt(h.msgId) >= BigInt(msgId));
    const found = messages[at]?.msgId === msgId ? messages[at] : undefined;
    const around = messages.slice(Math.max(0, (at < 0 ? messages.length : at) - 2), (at < 0 ? messages.length : at) + 3).map((h) => h.msgId);
    const stored = !found ? "not in history" : found.text === text ? "in history" : `history has another message under it (${found.text})`;
    return `${stored} (around it: ${around.join(" ")})`;
  } catch (error) {
    return `history not read: ${(error as Error).message}`;
  }
}
