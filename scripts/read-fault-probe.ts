// `node --import tsx scripts/read-fault-probe.ts [--scenario NAME,...] [--messages N]`: read state through gateway
// faults. ann has a device on gw-a and one on gw-b, bob one on gw-b; bob writes to ann privately and in a room; ann's
// gw-a device marks both read while the fault is on. Afterwards: did ann's other device get the positions, does
// GET /api/conversations say readUpTo = the mark and the unread count that follows, did bob see "seen"; and every
// device's live messages against GET /api/history. One JSON line per scenario. Scenarios:
//   stop-cont   SIGSTOP gw-a 15 s, SIGCONT          stop-kill   SIGSTOP gw-a 5 s, SIGKILL, start it again
//   kill        SIGKILL gw-a, start it again        restart     SIGTERM gw-a (graceful), start it again
//   stop-long   SIGSTOP gw-a 50 s (past the clients' 45 s heartbeat), SIGCONT
//   redis       Redis SIGKILLed as ann reads, restarted 2 s later (AOF)
//   quorum-kill on the cluster layout: two of three ZooKeeper servers SIGKILLed (no quorum), gw-a SIGKILLed as ann
//               reads, ZooKeeper back 20 s later, gw-a started again
// bob's device also counts the Delivered receipts it got: the newest must name his newest private message. cat has one
// device, on gw-a: afterwards GET /api/users must say she is online, and bob's last message to her must arrive. Last,
// every device closes: within 20 s GET /api/users must say all three are offline (no session counted that is gone).
import { readFlags } from "./cli-flags.mjs";
import { RouteApi } from "@cim/client";
import { deviceOn, startCluster, waitUntil, type Cluster, type RecordingClient } from "@cim/devstack";
import type { Read } from "@cim/protocol";

const values = readFlags(import.meta.url, { scenario: { type: "string", default: "stop-cont,stop-kill,kill,restart" }, messages: { type: "string", default: "40" } });
const MESSAGES = Number(values.messages);
const PASSWORD = "cim-probe-pass-1";
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const faults: Record<string, (stack: Cluster, during: () => Promise<void>) => Promise<void>> = {
  "stop-cont": async (stack, during) => {
    stack.gateways[0]!.process.child.kill("SIGSTOP");
    await during();
    await sleep(15_000);
    stack.gateways[0]!.process.child.kill("SIGCONT");
  },
  "stop-kill": async (stack, during) => {
    stack.gateways[0]!.process.child.kill("SIGSTOP");
    await during();
    await sleep(5_000);
    await stack.gateways[0]!.stop("SIGKILL");
    stack.gateways[0] = await stack.startGateway("gw-a");
  },
  kill: async (stack, during) => {
    await during();
    await stack.gateways[0]!.stop("SIGKILL");
    stack.gateways[0] = await stack.startGateway("gw-a");
  },
  "stop-long": async (stack, during) => {
    stack.gateways[0]!.process.child.kill("SIGSTOP");
    await during();
    await sleep(50_000);
    stack.gateways[0]!.process.child.kill("SIGCONT");
  },
  redis: async (stack, during) => {
    await stack.redis.stop("SIGKILL");
    // bob's sends wait for Redis: not awaited before it is back.
    const writing = during();
    await sleep(2_000);
    await stack.redis.restart();
    await writing;
  },
  // The cluster layout (Redis Cluster 3+3, ZooKeeper ensemble of 3): two ZooKeeper servers stopped (no quorum), gw-a
  // SIGKILLed as ann reads; its devices reconnect through route while ZooKeeper cannot tell that gw-a is gone.
  "quorum-kill": async (stack, during) => {
    const [, second, third] = stack.ensemble!.servers;
    await Promise.all([second!.stop("SIGKILL"), third!.stop("SIGKILL")]);
    await during();
    await stack.gateways[0]!.stop("SIGKILL");
    await sleep(20_000);
    await Promise.all([second!.restart(), third!.restart()]);
    stack.gateways[0] = await stack.startGateway("gw-a");
  },
  restart: async (stack, during) => {
    await during();
    await stack.gateways[0]!.stop("SIGTERM");
    stack.gateways[0] = await stack.startGateway("gw-a");
  },
};

async function run(name: string): Promise<void> {
  const stack = await startCluster({ gateways: 2, layout: name.startsWith("quorum") ? "cluster" : "single", gatewayEnv: { CIM_RATE_PER_SEC: "1000", CIM_RATE_BURST: "1000" } });
  const clients: RecordingClient[] = [];
  try {
    const api = new RouteApi(stack.route.url);
    const [ann, bob, cat] = ["ann", "bob", "cat"].map((n) => `${n}-${Math.random().toString(36).slice(2, 7)}`) as [string, string, string];
    const annId = (await api.register(ann, PASSWORD)).userId;
    const bobId = (await api.register(bob, PASSWORD)).userId;
    const catId = (await api.register(cat, PASSWORD)).userId;
    const bobToken = (await api.login(bob, PASSWORD)).token;
    const { roomId } = await api.createRoom(bobToken, { name: "reads", visibility: "private" });
    await api.invite(bobToken, roomId, annId);
    const options = { resendAfterMs: 500, backoff: { baseMs: 100, maxMs: 1_000 } };
    const a1 = await deviceOn(stack.route.url, ann, PASSWORD, "gw-a", options);
    const a2 = await deviceOn(stack.route.url, ann, PASSWORD, "gw-b", options);
    const b1 = await deviceOn(stack.route.url, bob, PASSWORD, "gw-b", options);
    const c1 = await deviceOn(stack.route.url, cat, PASSWORD, "gw-a", options);
    clients.push(a1, a2, b1, c1);
    const reads = new Map<RecordingClient, Read[]>(clients.map((c) => [c, []]));
    for (const c of clients) c.onRead((r) => reads.get(c)!.push(r));
    const delivered: string[] = [];
    b1.onDelivered((d) => void delivered.push(d.msgId));
    const sent: Array<{ to?: string; room?: string; msgId: string }> = [];
    const send = async (i: number, phase: string) => {
      const target = i % 2 === 0 ? { to: annId } : { room: roomId };
      const ack = await b1.send({ ...target, text: `${phase} ${i}` });
      sent.push({ ...target, msgId: ack.msgId });
    };
    for (let i = 0; i < MESSAGES; i++) await send(i, "before");
    const last = (key: "to" | "room") => sent.filter((s) => s[key]).at(-1)!.msgId;
    await waitUntil(() => a1.messages.length >= MESSAGES && a2.messages.length >= MESSAGES, 20_000, "ann's devices to get bob's messages");
    const marked = { private: last("to"), room: last("room") };
    const notes: string[] = [];
    await faults[name]!(stack, async () => {
      // ann reads on the device whose gateway is failing, and bob goes on writing meanwhile.
      a1.markRead(bobId, marked.private);
      a1.markRead(roomId, marked.room);
      for (let i = 0; i < 10; i++) await send(MESSAGES + i, "during");
      notes.push("marked and sent during the fault");
    });
    const total = MESSAGES + 10;
    await waitUntil(() => a1.messages.length >= total && a2.messages.length >= total, 60_000, "deliveries").catch(() => notes.push("deliveries incomplete after 60 s"));
    const echoed = (c: RecordingClient, conversation: string, msgId: string, by: string) => reads.get(c)!.some((r) => r.conversation === conversation && r.msgId === msgId && r.by === by);
    await waitUntil(() => echoed(a2, bobId, marked.private, annId) && echoed(a2, roomId, marked.room, annId), 30_000, "read echoes").catch(() => notes.push("read echoes missing after 30 s"));
    await b1.send({ to: catId, text: "to cat after the fault" });
    const catGot = await c1.waitForText("to cat after the fault", 30_000).then(() => true, () => false);
    const catOnline = (await b1.users(cat)).find((u) => u.userId === catId)?.online;
    const summaries = await a2.conversations();
    const summary = (c: string) => summaries.find((s) => s.conversation === c);
    const afterMark = (key: "to" | "room", mark: string) => sent.filter((s) => s[key] && BigInt(s.msgId) > BigInt(mark)).length;
    const history = async (c: RecordingClient, query: { withUser?: string; room?: string }) => (await c.history({ ...query, limit: 200 })).map((m) => m.msgId);
    const liveOf = (c: RecordingClient, room: boolean) => [...new Set(c.messages.filter((m) => (room ? m.room === roomId : !m.room)).map((m) => m.msgId))];
    const agree = async (c: RecordingClient, query: { withUser?: string; room?: string }, room: boolean, own: boolean) => {
      const h = (await history(c, query)).filter((id) => own || sent.some((s) => s.msgId === id));
      const live = liveOf(c, room);
      return h.join(",") === live.join(",") ? "agrees" : { history: h.length, live: live.length, duplicatesLive: c.messages.length - new Set(c.messages.map((m) => m.msgId)).size };
    };
    const historyAgrees = { a1Private: await agree(a1, { withUser: bobId }, false, false), a1Room: await agree(a1, { room: roomId }, true, false), a2Private: await agree(a2, { withUser: bobId }, false, false), a2Room: await agree(a2, { room: roomId }, true, false) };
    for (const c of clients) c.close();
    const bobToken2 = (await api.login(bob, PASSWORD)).token;
    const onlineNow = async () => (await Promise.all([ann, bob, cat].map(async (n) => (await api.users(bobToken2, { prefix: n })).users.find((u) => u.userName === n)?.online)));
    const offline = await waitUntil(async () => (await onlineNow()).every((o) => o === false), 20_000, "everyone offline").then(() => "all offline", async () => `still online after 20 s: ${JSON.stringify(await onlineNow())}`);
    console.log(JSON.stringify({
      scenario: name, sent: sent.length, notes,
      cat: { online: catOnline, gotMessage: catGot, on: c1.gateway?.id },
      a1Got: a1.messages.length, a2Got: a2.messages.length,
      a2Echo: { private: echoed(a2, bobId, marked.private, annId), room: echoed(a2, roomId, marked.room, annId) },
      bobSeen: echoed(b1, annId, marked.private, annId),
      bobDelivered: delivered.some((id) => id === last("to")) ? "newest private" : `${delivered.length} receipts, newest ${delivered.sort((x, y) => (BigInt(x) < BigInt(y) ? -1 : 1)).at(-1)} (want ${last("to")})`,
      readUpTo: { private: summary(bobId)?.readUpTo === marked.private ? "= mark" : summary(bobId)?.readUpTo, room: summary(roomId)?.readUpTo === marked.room ? "= mark" : summary(roomId)?.readUpTo },
      unread: { private: `${summary(bobId)?.unread} (want ${afterMark("to", marked.private)})`, room: `${summary(roomId)?.unread} (want ${afterMark("room", marked.room)})` },
      historyAgrees, afterClose: offline,
    }));
  } finally {
    for (const c of clients) c.close();
    await stack.stop();
  }
}

for (const name of values.scenario!.split(",")) await run(name);
process.exit(0);
