// `node --import tsx scripts/membership-fault-probe.ts [--messages N] [--rate N] [--seed N] [--plan calm|swap]`: five users with 2-3 SDK
// devices each, spread over three gateways, talk in two public rooms, the group and private chats (messages, edits,
// deletions, reactions, read marks) while gateways are SIGKILLed and SIGSTOPped, Redis is SIGKILLed (AOF) and
// ZooKeeper restarted, members leave and join the rooms meanwhile, and one device of the user that leaves and
// joins again is offline from before its leave to after its join. Checked from the receivers' side: every
// acknowledged message exactly once and in order on every device of every member; nothing a member got after its
// leave's 204 and before its join's 200; each device against history; each user's read position the same on every
// device and in GET /api/conversations. `--plan swap` makes the leaves and joins inside other faults (a frozen
// gateway, Redis or ZooKeeper down, a gateway killed). One JSON line. Not in `npm test`.
import { readFlags } from "./cli-flags.mjs";
import { CimApiError, RouteApi, type Cursors, type SendInput, type StoredLogin } from "@cim/client";
import { compareIds, type Read } from "@cim/protocol";
import { deviceOn, inOrder, RecordingClient, startCluster, waitUntil, type Cluster } from "@cim/devstack";
import { Ledger, type ProbeDevice } from "./delivery-ledger.js";
import { PROBE_PASSWORD, registerProbeUser } from "./probe-users.js";
import { historyCounts, membershipAudience, type Room } from "./membership-ledger.js";

const values = readFlags(import.meta.url, { messages: { type: "string", default: "800" }, rate: { type: "string", default: "20" }, seed: { type: "string", default: "11" }, plan: { type: "string", default: "calm" } });
const MESSAGES = Number(values.messages);
const RATE = Number(values.rate);
/** Devices per user; each user's devices are on different gateways. */
const DEVICES = [3, 2, 3, 2, 2];
const GATEWAYS = ["gw-a", "gw-b", "gw-c"];
/** The user whose first device goes offline: the one that leaves room 0 and joins it again meanwhile. */
const OFFLINE_USER = 3;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const at = (share: number) => Math.floor(MESSAGES * share);

interface World {
  stack: Cluster;
  users: Array<{ name: string; userId: string; token: string }>;
  devices: ProbeDevice[];
  rooms: Room[];
  ledger: Ledger;
  rejected: Record<string, number>;
  /** Per device: the Read echoes of its own user, newest per conversation. */
  reads: Array<Map<string, string>>;
  /** Per user and conversation: the newest position any of its devices marked. */
  marked: Array<Map<string, string>>;
}

/** Calls `request` again after a 5xx or no answer (a fault under way), until it is answered. */
async function untilAnswered(request: () => Promise<unknown>): Promise<void> {
  for (;;) {
    try {
      await request();
      return;
    } catch (error) {
      if (!(error instanceof CimApiError && (error.status === 0 || error.status >= 500))) throw error;
      await sleep(100);
    }
  }
}

/** User `user` leaves or joins room `r` (from its last device), noting when it asked and when it was answered. */
async function change(w: World, r: number, user: number, kind: "join" | "leave"): Promise<void> {
  const room = w.rooms[r]!;
  const entry = { user, kind, askedAt: Date.now(), answeredAt: Infinity };
  room.changes.push(entry);
  if (kind === "leave") room.members.delete(user); // no new sends of its own from now on
  const client = w.devices.findLast((d) => d.user === user)!.client;
  await untilAnswered(() => (kind === "join" ? client.joinRoom(room.roomId) : client.leaveRoom(room.roomId)));
  entry.answeredAt = Date.now();
  if (kind === "join") room.members.add(user);
  else w.ledger.removed(`r ${room.roomId}`, w.devices.flatMap((d, i) => (d.user === user ? [i] : [])));
}

const freeze = async (app: { process: { child: { kill: (s: NodeJS.Signals) => boolean } } }, ms: number) => {
  app.process.child.kill("SIGSTOP");
  await sleep(ms);
  app.process.child.kill("SIGCONT");
};

/**
 * A device back after being closed (a laptop woken, a page reloaded): a new client with the stored login and the
 * cursors the old one had, which keeps what the old one received (the books count both as one device).
 */
async function comeBack(w: World, device: ProbeDevice, kept: { login: StoredLogin; cursors: Cursors }): Promise<void> {
  const client = new RecordingClient(w.stack.route.url, { resendAfterMs: 500, backoff: { baseMs: 100, maxMs: 1_000 } });
  client.messages.push(...device.client.messages);
  const d = w.devices.indexOf(device);
  client.onRead((r: Read) => void (r.by === kept.login.userId && w.reads[d]!.set(r.conversation, r.msgId)));
  client.cursors = kept.cursors;
  device.client = client;
  await client.resume(kept.login);
  device.gateway = client.gateway!.id;
}

function faults(w: World, note: (what: string) => void) {
  const offline = w.devices.find((d) => d.user === OFFLINE_USER)!;
  let kept: { login: StoredLogin; cursors: Cursors } | undefined;
  const restart = async (i: number) => void (w.stack.gateways[i] = await w.stack.startGateway(GATEWAYS[i]!));
  const away: [number, () => Promise<void>] = [at(0.05), async () => { kept = { login: offline.client.session!, cursors: offline.client.cursors }; offline.client.close(); note(`u${OFFLINE_USER}'s ${offline.gateway} device closed`); }];
  const back: [number, () => Promise<void>] = [at(0.9), async () => { await comeBack(w, offline, kept!); note(`u${OFFLINE_USER}'s device back with its cursors, on ${offline.client.gateway?.id}`); }];
  if (values.plan === "swap") {
    // The changes the default plan makes in calm moments, made inside the faults, and the other way round.
    return inOrder([
      away,
      [at(0.1), async () => { const frozen = freeze(w.stack.gateways[1]!, 10_000); await change(w, 0, 1, "leave"); await change(w, 0, OFFLINE_USER, "leave"); await frozen; note("gw-b stopped 10 s as u1 and u3 left room 0"); }],
      [at(0.3), async () => {
        await w.stack.redis.stop("SIGKILL");
        const joining = change(w, 0, 4, "join");
        await sleep(1_500);
        await w.stack.redis.restart();
        await joining;
        note("redis killed as u4 joined room 0, restarted from its AOF");
      }],
      [at(0.45), async () => { const killed = w.stack.gateways[0]!.stop("SIGKILL"); await change(w, 0, 1, "join"); await killed; await restart(0); note("gw-a killed as u1 joined room 0 again, restarted"); }],
      [at(0.6), async () => { await w.stack.zookeeper.stop("SIGKILL"); await change(w, 0, OFFLINE_USER, "join"); await change(w, 1, 4, "leave"); await sleep(3_000); await w.stack.zookeeper.restart(); note("zookeeper killed as u3 joined room 0 again and u4 left room 1, restarted"); }],
      [at(0.75), async () => { const frozen = freeze(w.stack.gateways[2]!, 8_000); await change(w, 1, 4, "join"); await frozen; note("gw-c stopped 8 s as u4 joined room 1 again"); }],
      back,
    ]);
  }
  return inOrder([
    away,
    [at(0.1), async () => { await change(w, 0, OFFLINE_USER, "leave"); await change(w, 0, 4, "join"); note("u3 left room 0, u4 joined it"); }],
    [at(0.2), async () => { const killed = w.stack.gateways[0]!.stop("SIGKILL"); await change(w, 1, 1, "leave"); await killed; note("gw-a killed as u1 left room 1"); }],
    [at(0.3), async () => { await restart(0); note("gw-a restarted"); }],
    [at(0.35), async () => { const frozen = freeze(w.stack.gateways[1]!, 10_000); await change(w, 1, 1, "join"); await frozen; note("gw-b stopped 10 s as u1 joined room 1 again"); }],
    [at(0.5), async () => { await change(w, 0, OFFLINE_USER, "join"); note("u3 joined room 0 again"); }],
    [at(0.55), async () => {
      await w.stack.redis.stop("SIGKILL");
      const leaving = change(w, 1, 2, "leave");
      await sleep(1_500);
      await w.stack.redis.restart();
      await leaving;
      note("redis killed as u2 left room 1, restarted from its AOF");
    }],
    [at(0.7), async () => { await w.stack.zookeeper.stop("SIGTERM"); await change(w, 1, 2, "join"); await sleep(3_000); await w.stack.zookeeper.restart(); note("zookeeper restarted as u2 joined room 1 again"); }],
    [at(0.8), async () => { await w.stack.gateways[2]!.stop("SIGKILL"); await sleep(2_000); await restart(2); note("gw-c killed and restarted"); }],
    back,
  ]);
}

async function setUp(stack: Cluster): Promise<World> {
  const api = new RouteApi(stack.route.url);
  const users: World["users"] = [];
  for (const u of DEVICES.keys()) {
    const { name, userId } = await registerProbeUser(api, `m${u}`);
    users.push({ name, userId, token: (await api.login(name, PROBE_PASSWORD)).token });
  }
  const rooms: Room[] = [];
  for (const members of [[0, 1, 2, 3], [0, 1, 2, 3, 4]]) {
    const { roomId } = await api.createRoom(users[0]!.token, { name: `probe ${rooms.length}`, visibility: "public" });
    for (const m of members) if (m !== 0) await api.joinRoom(users[m]!.token, roomId);
    rooms.push({ roomId, initial: new Set(members), members: new Set(members), changes: [] });
  }
  const devices: ProbeDevice[] = [];
  for (const [u, count] of DEVICES.entries()) {
    for (let k = 0; k < count; k++) {
      const client = await deviceOn(stack.route.url, users[u]!.name, PROBE_PASSWORD, GATEWAYS[(u + k) % 3]!, { resendAfterMs: 500, backoff: { baseMs: 100, maxMs: 1_000 } });
      devices.push({ user: u, client, gateway: client.gateway!.id });
    }
  }
  const reads = devices.map(() => new Map<string, string>());
  for (const [d, device] of devices.entries()) {
    device.client.onRead((r: Read) => void (r.by === users[device.user]!.userId && reads[d]!.set(r.conversation, r.msgId)));
  }
  return { stack, users, devices, rooms, ledger: new Ledger(devices), rejected: {}, reads, marked: users.map(() => new Map()) };
}

let sends = 0;

/** One random action of one device: a message, an edit or deletion of its own, a reaction, or a read mark. */
function act(w: World, i: number, random: () => number): Promise<void> {
  const device = Math.floor(random() * w.devices.length);
  const { user, client } = w.devices[device]!;
  if (client.state !== "online" && client.state !== "reconnecting") return Promise.resolve();
  const rooms = w.rooms.filter((r) => r.members.has(user));
  const pick = random();
  const peers = w.users.filter((_, u) => u !== user);
  const target = pick < 0.1 ? {} : pick < 0.75 && rooms.length ? { room: rooms[Math.floor(random() * rooms.length)]!.roomId } : { to: peers[Math.floor(random() * peers.length)]!.userId };
  const conversation = target.room ? `r ${target.room}` : target.to ? `p ${[w.users[user]!.userId, target.to].sort().join("-")}` : "g";
  const choice = random();
  if (choice < 0.08 && target.room) return Promise.resolve(markRead(w, device, target.room));
  const mine = w.ledger.acked.filter((a) => a.conversation === conversation && a.user === user && !a.text.startsWith("ev"));
  const any = w.ledger.acked.filter((a) => a.conversation === conversation && !a.text.startsWith("ev"));
  let input: SendInput = { ...target, text: `m${i} d${device}` };
  if (choice < 0.18 && mine.length) input = { ...target, text: `ev${i} edit d${device}`, editOf: mine.at(-1 - Math.floor(random() * Math.min(3, mine.length)))!.msgId, delete: choice < 0.11 };
  else if (choice < 0.28 && any.length) input = { ...target, text: `ev${i} react d${device}`, reactTo: any.at(-1 - Math.floor(random() * Math.min(5, any.length)))!.msgId, reaction: "👍" };
  const startedAt = Date.now();
  sends++;
  return client.send(input).then((ack) => {
    const ackedAt = Date.now();
    const { must, mustNot, may } = membershipAudience(w, target, user, device, startedAt, ackedAt);
    w.ledger.add({ conversation, msgId: ack.msgId, device, user, text: input.text, deletes: input.delete ? input.editOf : undefined, edits: input.editOf && !input.delete ? input.editOf : undefined }, must, mustNot, may);
  }, (error: unknown) => {
    const key = `${input.reactTo ? "react" : input.editOf ? "edit" : "message"}: ${(error as { code?: string }).code ?? (error as Error).message}`;
    w.rejected[key] = (w.rejected[key] ?? 0) + 1;
  });
}

/** Device `d` marks room `room` read up to the newest message it got there. */
function markRead(w: World, d: number, room: string): void {
  const { client, user } = w.devices[d]!;
  const newest = client.messages.filter((m) => m.room === room).map((m) => m.msgId).sort(compareIds).at(-1);
  if (!newest || client.state !== "online") return;
  client.markRead(room, newest);
  const marked = w.marked[user]!;
  if (!marked.has(room) || compareIds(newest, marked.get(room)!) > 0) marked.set(room, newest);
}

/** Per user and room it is in at the end: its devices' read positions against GET /api/conversations. */
async function readCounts(w: World): Promise<Record<string, unknown>> {
  let agree = 0;
  const disagree: string[] = [];
  for (const [u, user] of w.users.entries()) {
    const summaries = await new RouteApi(w.stack.route.url).conversations(user.token);
    for (const room of w.rooms.filter((r) => r.members.has(u))) {
      const server = summaries.conversations.find((c) => c.conversation === room.roomId)?.readUpTo ?? "";
      const marked = w.marked[u]!.get(room.roomId) ?? "";
      const devices = w.devices.flatMap((d, i) => (d.user === u ? [w.reads[i]!.get(room.roomId) ?? ""] : []));
      if (devices.every((p) => p === server)) agree++;
      else disagree.push(`u${u} ${room.roomId}: server ${server} marked ${marked} devices ${devices.join(",")}`);
      if (server !== marked && marked) disagree.push(`u${u} ${room.roomId}: newest mark ${marked}, server ${server}`);
    }
  }
  return { readsAgree: agree, readsDisagree: disagree };
}

async function run(): Promise<void> {
  const stack = await startCluster({ gateways: 3, gatewayEnv: { CIM_RATE_PER_SEC: "1000", CIM_RATE_BURST: "1000" } });
  let w: World | undefined;
  try {
    w = await setUp(stack);
    const notes: string[] = [];
    const schedule = faults(w, (what) => notes.push(`${what} (at send ${sends})`));
    let seed = Number(values.seed);
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const pending: Array<Promise<void>> = [];
    const started = Date.now();
    for (let i = 0; i < MESSAGES; i++) {
      const fault = schedule.get(i);
      if (fault) pending.push(fault().catch((error: unknown) => void notes.push(`fault failed: ${(error as Error).message}`)));
      pending.push(act(w, i, random));
      const due = started + ((i + 1) * 1000) / RATE;
      if (due > Date.now()) await sleep(due - Date.now());
    }
    await Promise.race([Promise.all(pending), sleep(60_000)]);
    const ledger = w.ledger;
    await waitUntil(() => ledger.missing() === 0, 30_000, "deliveries").catch(() => undefined);
    for (const [d, device] of w.devices.entries()) for (const room of w.rooms) if (room.members.has(device.user)) markRead(w, d, room.roomId);
    await sleep(3_000); // late duplicates, read echoes
    const states = w.devices.map((d) => `u${d.user}@${d.gateway}:${d.client.state}`).join(" ");
    console.log(JSON.stringify({ sent: sends, seconds: (Date.now() - started) / 1000, devices: states, notes, rejected: w.rejected, ...ledger.count(), ...(await historyCounts(w)), ...(await readCounts(w)) }));
  } finally {
    for (const d of w?.devices ?? []) d.client.close();
    await stack.stop();
  }
}

await run();
process.exit(0);
