// The fault test: 20 users on 2 gateways, 6 of them with a second device, 3 rooms, exchange 2,000 group, room and
// private messages at a steady rate while one gateway is killed with SIGKILL and restarted and Redis is restarted.
// Every message that got a SendAck must reach every device it is for exactly once: a group message every device
// but the one that sent it, a room message every device of every member but the sender's, a private message
// every device of the recipient and the sender's other devices. In order: per room and in the group, and per
// sending device in a private chat (two devices of one user sending at once have no order between them).
// Some sends are edits and deletions of the sending device's earlier messages: events like any message, held
// to the same guarantees, and each must arrive naming the message it changes.
import { afterAll, beforeAll, expect, it } from "vitest";
import { RouteApi, type SendAck } from "@cim/client";
import { RecordingClient, startCluster, waitUntil, type Cluster } from "@cim/devstack";
import { compareIds } from "@cim/protocol";
import { TEST_PASSWORD } from "./test-support.js";

const USERS = 20;
const SECOND_DEVICES = 6;
const ROOMS = 3;
const ROOM_MEMBERS = 8;
const MESSAGES = 2_000;
const RATE_PER_SEC = 100;
const GROUP_SHARE = 0.15;
const ROOM_SHARE = 0.35;
/** Of the sends, this share edit (or, one in four, delete) an acknowledged earlier message of the same device. */
const EDIT_SHARE = 0.1;

interface Device {
  user: number;
  client: RecordingClient;
}

let cluster: Cluster;
const userIds: string[] = [];
const devices: Device[] = [];
const rooms: Array<{ roomId: string; members: Set<number> }> = [];
let seed = 42;
const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;

beforeAll(async () => {
  cluster = await startCluster({ gateways: 2, gatewayEnv: { CIM_RATE_PER_SEC: "1000", CIM_RATE_BURST: "1000" } });
  const api = new RouteApi(cluster.route.url);
  const names = Array.from({ length: USERS }, (_, i) => `u${i}-${Math.random().toString(36).slice(2, 8)}`);
  const tokens: string[] = [];
  for (const name of names) {
    userIds.push((await api.register(name, TEST_PASSWORD)).userId);
    tokens.push((await api.login(name, TEST_PASSWORD)).token);
  }
  // Rooms first: each device learns its user's rooms when it logs in. Users with two devices are in every room.
  for (let r = 0; r < ROOMS; r++) {
    const members = new Set<number>(Array.from({ length: SECOND_DEVICES }, (_, i) => i));
    while (members.size < ROOM_MEMBERS) members.add(Math.floor(random() * USERS));
    const [owner, ...others] = [...members];
    const { roomId } = await api.createRoom(tokens[owner!]!, { name: `faults ${r}`, visibility: "private" });
    for (const member of others) await api.invite(tokens[owner!]!, roomId, userIds[member]!);
    rooms.push({ roomId, members });
  }
  const logIn = async (user: number) => {
    const client = new RecordingClient(cluster.route.url, { resendAfterMs: 1_000, backoff: { baseMs: 100, maxMs: 1_000 } });
    await client.logIn(names[user]!, TEST_PASSWORD);
    devices.push({ user, client });
  };
  for (let user = 0; user < USERS; user++) await logIn(user);
  for (let user = 0; user < SECOND_DEVICES; user++) await logIn(user);
});
afterAll(async () => {
  for (const { client } of devices) client.close();
  await cluster?.stop();
});

interface Sent {
  device: number;
  to: number | null;
  room: number | null;
  text: string;
  /** The msgId this event edits or deletes. */
  editOf?: string;
  delete?: boolean;
}

/** The devices a message is for. */
function recipients(m: Sent): number[] {
  const sender = devices[m.device]!.user;
  return devices.flatMap(({ user }, d) => {
    if (d === m.device) return [];
    if (m.room !== null) return rooms[m.room]!.members.has(user) ? [d] : [];
    if (m.to !== null) return user === m.to || user === sender ? [d] : [];
    return [d];
  });
}

it("every acknowledged message reaches every device it is for exactly once, in order, through a gateway kill and a Redis restart", async () => {
  const sent: Array<Sent & { ack: Promise<SendAck | null> }> = [];
  const faults: string[] = [];
  const schedule = new Map<number, () => Promise<void>>([
    [Math.floor(MESSAGES * 0.25), async () => {
      await cluster.gateways[0]!.stop("SIGKILL");
      faults.push("gw-a killed");
    }],
    [Math.floor(MESSAGES * 0.4), async () => {
      cluster.gateways[0] = await cluster.startGateway("gw-a");
      faults.push("gw-a restarted");
    }],
    [Math.floor(MESSAGES * 0.6), async () => {
      await cluster.redis.stop("SIGTERM");
      await cluster.redis.restart();
      faults.push("redis restarted");
    }],
  ]);

  /** Each device's acknowledged messages (not events), which its later edits name. */
  const editable = devices.map((): Array<Sent & { msgId: string }> => []);
  const started = Date.now();
  for (let i = 0; i < MESSAGES; i++) {
    const fault = schedule.get(i);
    if (fault) void fault();
    const device = Math.floor(random() * devices.length);
    const sender = devices[device]!.user;
    const kind = random();
    const edit = random() < EDIT_SHARE ? editable[device]!.at(-1 - Math.floor(random() * Math.min(3, editable[device]!.length))) : undefined;
    const memberOf = rooms.map((room, r) => (room.members.has(sender) ? r : -1)).filter((r) => r >= 0);
    let m: Sent;
    if (edit) m = { device, to: edit.to, room: edit.room, text: `m${i} d${device} edits ${edit.msgId}`, editOf: edit.msgId, delete: i % 4 === 0 };
    else if (kind < GROUP_SHARE) m = { device, to: null, room: null, text: `m${i} d${device}->all` };
    else if (kind < GROUP_SHARE + ROOM_SHARE && memberOf.length > 0) {
      const room = memberOf[Math.floor(random() * memberOf.length)]!;
      m = { device, to: null, room, text: `m${i} d${device}->room${room}` };
    } else {
      let to = Math.floor(random() * (USERS - 1));
      if (to >= sender) to++;
      m = { device, to, room: null, text: `m${i} d${device}->u${to}` };
    }
    const target = m.room !== null ? { room: rooms[m.room]!.roomId } : m.to !== null ? { to: userIds[m.to]! } : {};
    const ack = devices[device]!.client.send({ ...target, text: m.text, editOf: m.editOf, delete: m.delete }).catch(() => null);
    if (!m.editOf) void ack.then((answer) => answer && editable[device]!.push({ ...m, msgId: answer.msgId }));
    sent.push({ ...m, ack });
    const due = started + ((i + 1) * 1000) / RATE_PER_SEC;
    if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
  }
  const acks = await Promise.all(sent.map((s) => s.ack));
  const acked = sent.map((s, i) => ({ ...s, ack: acks[i] })).filter((s): s is Sent & { ack: SendAck } => s.ack !== null);

  const expected = devices.map(() => new Set<string>());
  const senderOf = new Map<string, number>();
  const eventOf = new Map<string, Pick<Sent, "editOf" | "delete">>();
  for (const m of acked) {
    senderOf.set(m.ack.msgId, m.device);
    eventOf.set(m.ack.msgId, { editOf: m.editOf, delete: m.delete });
    for (const d of recipients(m)) expected[d]!.add(m.ack.msgId);
  }
  const missing = () => expected.reduce((n, ids, d) => {
    const got = new Set(devices[d]!.client.messages.map((m) => m.msgId));
    return n + [...ids].filter((id) => !got.has(id)).length;
  }, 0);
  await waitUntil(() => missing() === 0, 60_000, "every acknowledged message to reach every device").catch(() => undefined);

  let deliveries = 0;
  let duplicates = 0;
  let outOfOrder = 0;
  let unexpected = 0;
  let wrongEvents = 0;
  for (const [d, { client }] of devices.entries()) {
    const seen = new Set<string>();
    const last = new Map<string, string>();
    for (const m of client.messages) {
      deliveries++;
      if (seen.has(m.msgId)) duplicates++;
      if (!expected[d]!.has(m.msgId)) unexpected++;
      seen.add(m.msgId);
      const event = eventOf.get(m.msgId);
      if (event && ((m.editOf ?? "") !== (event.editOf ?? "") || (m.deleted ?? false) !== (event.delete ?? false))) wrongEvents++;
      // Rooms and the group are one stream each; a private chat is ordered per sending device.
      const stream = m.room ? `room ${m.room}` : m.to ? `private ${[m.from, m.to].sort().join("-")} from device ${senderOf.get(m.msgId)}` : "group";
      const previous = last.get(stream);
      if (previous && compareIds(m.msgId, previous) <= 0) outOfOrder++;
      last.set(stream, m.msgId);
    }
  }
  const droppedBySdk = devices.reduce((n, { client }) => n + client.stats.duplicatesDropped, 0);
  const expectedDeliveries = expected.reduce((n, ids) => n + ids.size, 0);
  const byKind = {
    group: acked.filter((m) => m.to === null && m.room === null).length, room: acked.filter((m) => m.room !== null).length, private: acked.filter((m) => m.to !== null).length,
    edits: acked.filter((m) => m.editOf && !m.delete).length, deletions: acked.filter((m) => m.delete).length,
  };
  const summary = { sent: MESSAGES, acked: acked.length, byKind, devices: devices.length, expectedDeliveries, deliveries, missing: missing(), duplicates, droppedBySdk, unexpected, outOfOrder, wrongEvents, faults, seconds: (Date.now() - started) / 1000 };
  console.log(`fault test: ${JSON.stringify(summary)}`);

  expect([...faults].sort()).toEqual(["gw-a killed", "gw-a restarted", "redis restarted"]);
  expect(acked.length).toBeGreaterThan(MESSAGES * 0.95);
  expect(byKind.room).toBeGreaterThan(MESSAGES * 0.15);
  expect(byKind.edits + byKind.deletions).toBeGreaterThan(MESSAGES * EDIT_SHARE * 0.5);
  expect(wrongEvents).toBe(0);
  expect(summary.missing).toBe(0);
  expect(duplicates).toBe(0);
  expect(droppedBySdk).toBe(0);
  expect(unexpected).toBe(0);
  expect(outOfOrder).toBe(0);
  expect(deliveries).toBe(expectedDeliveries);
});
