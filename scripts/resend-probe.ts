// `node --import tsx scripts/resend-probe.ts [--scenario NAME,...] [--messages N]`: senders whose SendAcks are lost
// send again with the same clientMsgId (raw protocol sessions, no SDK); per receiving device, each acknowledged
// message must arrive once, every answer to one clientMsgId must name one msgId, and history must hold it once.
// a (sender, devices on gw-a and gw-b), b (devices on gw-a and gw-b), a room of a and b. Scenarios:
//   kill       a@gw-a pipelines N Sends, gw-a is SIGKILLed at once; a sends them all again on a new gw-b session
//   stop       a@gw-a pipelines N Sends into a SIGSTOPped gw-a, gives up, sends them again on gw-b; gw-a continues
//   twin       every Send goes out on both of a's sessions (gw-a and gw-b) at once, same clientMsgId
//   http       every Send goes over the socket and then over POST /api/messages, same clientMsgId
//   redis      a pipelines N Sends, Redis is SIGKILLed mid-way and restarted (AOF); everything not answered with a
//              SendAck is sent again on a new session, until acknowledged
import { readFlags } from "./cli-flags.mjs";
import { RouteApi } from "@cim/client";
import { probePair } from "./probe-users.js";
import { startCluster, waitUntil, type Cluster } from "@cim/devstack";
import { encodeFrame } from "@cim/protocol";
import { messagesOf, open, type Raw } from "./raw-session.js";

const values = readFlags(import.meta.url, { scenario: { type: "string", default: "kill,stop,twin,http,redis" }, messages: { type: "string", default: "120" } });
const MESSAGES = Number(values.messages);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const acksOf = (raw: Raw) => new Map(raw.frames.flatMap((f) => (f.kind === "sendAck" ? [[f.body.clientMsgId, f.body.msgId] as const] : [])));

async function run(scenario: string): Promise<void> {
  const stack: Cluster = await startCluster({ gateways: 2, gatewayEnv: { CIM_RATE_PER_SEC: "1000", CIM_RATE_BURST: "1000" } });
  const sockets: Raw[] = [];
  try {
    const api = new RouteApi(stack.route.url);
    const { a, b, aToken, room, token } = await probePair(api, "resend");
    const wsUrl = (g: number) => `${stack.gateways[g]!.url.replace(/^http/, "ws")}/ws`;
    const login = async (t: string, g: number) => { const raw = await open(wsUrl(g), t); sockets.push(raw); return raw; };
    const a0 = await login(aToken, 0);
    const a1 = await login(await token(a), 1);
    const b0 = await login(await token(b), 0);
    const b1 = await login(await token(b), 1);
    const sends = Array.from({ length: MESSAGES }, (_, i) => ({ clientMsgId: `rs-${scenario}-${i}`, ...(i % 2 ? { room } : { to: b.userId }), text: `${scenario} ${i}` }));
    const write = (raw: Raw, s: (typeof sends)[number]) => raw.ws.send(encodeFrame({ kind: "send", body: s }));
    /** clientMsgId → every msgId an answer named (SendAck or 202). */
    const answers = new Map<string, Set<string>>();
    const collect = (raw: Raw) => { for (const [c, m] of acksOf(raw)) answers.set(c, (answers.get(c) ?? new Set()).add(m)); };
    const notes: string[] = [];
    const resendUntilAcked = async (g: number) => {
      for (let attempt = 0; attempt < 20; attempt++) {
        const missing = sends.filter((s) => !answers.has(s.clientMsgId));
        if (missing.length === 0) return;
        const raw = await login(await token(a), g).catch(() => undefined);
        if (!raw) { await sleep(500); continue; }
        for (const s of missing) write(raw, s);
        await waitUntil(() => missing.every((s) => acksOf(raw).has(s.clientMsgId)), 5_000, "acks").catch(() => undefined);
        collect(raw);
      }
      notes.push(`unacknowledged after 20 attempts: ${sends.filter((s) => !answers.has(s.clientMsgId)).length}`);
    };
    if (scenario === "kill") {
      for (const s of sends) write(a0, s);
      await stack.gateways[0]!.stop("SIGKILL");
      collect(a0);
      notes.push(`acks before the kill: ${answers.size}`);
      await resendUntilAcked(1);
    } else if (scenario === "stop") {
      const child = stack.gateways[0]!.process.child;
      child.kill("SIGSTOP");
      for (const s of sends) write(a0, s);
      await sleep(3_000);
      await resendUntilAcked(1);
      child.kill("SIGCONT");
      await sleep(3_000);
      collect(a0);
      notes.push(`gw-a answered after SIGCONT: ${acksOf(a0).size}`);
    } else if (scenario === "twin") {
      for (const s of sends) { write(a0, s); write(a1, s); }
      await waitUntil(() => acksOf(a0).size === MESSAGES && acksOf(a1).size === MESSAGES, 20_000, "both sessions' acks").catch(() => notes.push("acks missing"));
      collect(a0);
      collect(a1);
    } else if (scenario === "http") {
      for (const s of sends) write(a0, s);
      await waitUntil(() => acksOf(a0).size === MESSAGES, 20_000, "acks").catch(() => notes.push("acks missing"));
      collect(a0);
      for (const s of sends) {
        const { msgId } = await api.sendMessage(aToken, s);
        answers.set(s.clientMsgId, (answers.get(s.clientMsgId) ?? new Set()).add(msgId));
      }
    } else if (scenario === "redis") {
      for (const [i, s] of sends.entries()) {
        if (i === Math.floor(MESSAGES / 2)) void stack.redis.stop("SIGKILL");
        write(a0, s);
      }
      await sleep(1_500);
      await stack.redis.restart();
      collect(a0);
      await resendUntilAcked(0);
    }
    await sleep(2_000);
    const ids = new Set([...answers.values()].flatMap((set) => [...set]));
    const counts = { acked: answers.size, answersNamingTwoMsgIds: [...answers.values()].filter((set) => set.size > 1).length };
    const perDevice = [["a@gw-b", a1], ["b@gw-a", b0], ["b@gw-b", b1]] as const;
    const deliveries: Record<string, unknown> = {};
    for (const [label, raw] of perDevice) {
      const got = messagesOf(raw).filter((m) => m.text.startsWith(`${scenario} `));
      const mine = label.startsWith("a") && scenario === "twin" ? 0 : MESSAGES; // a's twin sessions each sent every one
      deliveries[label] = { got: got.length, distinct: new Set(got.map((m) => m.msgId)).size, want: mine, notAcked: got.filter((m) => !ids.has(m.msgId)).length };
    }
    const history = [...(await api.history(aToken, { with: b.userId, limit: 200 })).messages, ...(await api.history(aToken, { room, limit: 200 })).messages].filter((m) => m.text.startsWith(`${scenario} `));
    const texts = history.map((m) => m.text);
    console.log(JSON.stringify({ scenario, sent: MESSAGES, notes, ...counts, deliveries, history: { entries: history.length, distinctTexts: new Set(texts).size } }));
  } finally {
    for (const s of sockets) s.ws.terminate();
    await stack.stop();
  }
}

for (const name of values.scenario!.split(",")) await run(name);
process.exit(0);
