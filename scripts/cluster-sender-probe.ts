// `node --import tsx scripts/cluster-sender-probe.ts [--scenario kill|pause] [--pause-ms N] [--wait 0|1] [--seconds N] [--logs DIR]`:
// what senders see while a Redis Cluster master fails. Raw protocol sessions (no SDK, so nothing is hidden by its
// resends) write a Send every 40 ms each, to the group, a room and a private chat, and one client posts to
// POST /api/messages; a Send answered `unavailable` (or a 503) is sent again with its clientMsgId, oldest first, as
// the contract asks. Meanwhile the master of the room's stream is SIGKILLed (kill) or SIGSTOPped for --pause-ms
// and continued (pause). Reported: answers by kind, the slowest first answer, Sends with no answer after 10 s
// (hangs), clientMsgIds answered with two msgIds, acknowledged messages missing from history, and what the
// receiver's sessions got (missing, twice, a text under two msgIds). One JSON line.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readFlags } from "./cli-flags.mjs";
import { RouteApi } from "@cim/client";
import { startCluster, waitUntil, type Cluster } from "@cim/devstack";
import { encodeFrame, ErrorCode } from "@cim/protocol";
import { conv } from "@cim/state";
import { probePair } from "./probe-users.js";
import { messagesOf, open, type Raw } from "./raw-session.js";

const values = readFlags(import.meta.url, { scenario: { type: "string", default: "pause" }, "pause-ms": { type: "string", default: "6000" }, wait: { type: "string", default: "0" }, seconds: { type: "string", default: "20" }, logs: { type: "string" } });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const HANG_MS = 10_000;

interface Pending { clientMsgId: string; body: Record<string, string>; writtenAt: number; firstAnswerMs?: number; msgIds: Set<string>; errors: string[]; acked?: string }

async function main(): Promise<void> {
  const stack: Cluster = await startCluster({ layout: "cluster", gateways: 2, gatewayEnv: { CIM_RATE_PER_SEC: "1000", CIM_RATE_BURST: "1000", CIM_REDIS_WAIT_REPLICAS: values.wait!, CIM_REDIS_WAIT_TIMEOUT_MS: "2000" }, routeEnv: { CIM_REDIS_WAIT_REPLICAS: values.wait!, CIM_REDIS_WAIT_TIMEOUT_MS: "2000" } });
  const sockets: Raw[] = [];
  try {
    const api = new RouteApi(stack.route.url);
    const { a, b, aToken, room, token } = await probePair(api, "cluster senders");
    const wsUrl = (g: number) => `${stack.gateways[g]!.url.replace(/^http/, "ws")}/ws`;
    const receivers = [await open(wsUrl(0), await token(b), "b@gw-a"), await open(wsUrl(1), await token(b), "b@gw-b")];
    sockets.push(...receivers);
    const targets: Array<Record<string, string>> = [{}, { room }, { to: b.userId }];
    const sends: Pending[] = [];
    const answers: Record<string, number> = {};
    const count = (what: string) => void (answers[what] = (answers[what] ?? 0) + 1);

    /** One sender session per target, reconnected when its gateway drops it; refused Sends are written again. */
    const senders = await Promise.all(targets.map(async (target, t) => {
      const state = { raw: await open(wsUrl(t % 2), await token(a)), seen: 0, queue: [] as Pending[] };
      sockets.push(state.raw);
      return { target, state };
    }));
    const byClientMsgId = new Map<string, Pending>();
    const drain = () => {
      for (const { state } of senders) {
        for (; state.seen < state.raw.frames.length; state.seen++) {
          const f = state.raw.frames[state.seen]!;
          if (f.kind !== "sendAck" && f.kind !== "error") continue;
          const p = byClientMsgId.get(f.body.clientMsgId);
          if (!p) continue;
          p.firstAnswerMs ??= Date.now() - p.writtenAt;
          if (f.kind === "sendAck") {
            count("sendAck");
            p.msgIds.add(f.body.msgId);
            p.acked = f.body.msgId;
          } else {
            count(`error ${f.body.code}`);
            p.errors.push(f.body.code);
            // Sent again a little later (a client's backoff), with its clientMsgId.
            if (f.body.code === ErrorCode.Unavailable) setTimeout(() => state.raw.ws.send(encodeFrame({ kind: "send", body: { clientMsgId: p.clientMsgId, ...p.body } })), 200);
          }
        }
      }
    };
    const drainer = setInterval(drain, 5);
    // Heartbeats, so the receivers (which send nothing) are not closed as idle.
    const pinger = setInterval(() => { for (const s of sockets) if (s.ws.readyState === s.ws.OPEN) s.ws.send(encodeFrame({ kind: "ping", body: { ts: Date.now() } })); }, 10_000);

    // HTTP: one request at a time, each again (same clientMsgId) after a 503 or no answer.
    let httpRunning = true;
    const http = (async () => {
      for (let i = 0; httpRunning; i++) {
        const p: Pending = { clientMsgId: `h-${i}`, body: { room, text: `http ${i}` }, writtenAt: Date.now(), msgIds: new Set(), errors: [] };
        sends.push(p);
        for (let attempt = 0; attempt < 60; attempt++) {
          const started = Date.now();
          try {
            const { msgId } = await api.sendMessage(aToken, { room, text: p.body.text!, clientMsgId: p.clientMsgId });
            p.firstAnswerMs ??= Date.now() - p.writtenAt;
            p.msgIds.add(msgId);
            p.acked = msgId;
            count("http 202");
            break;
          } catch (error) {
            const status = (error as { status?: number }).status ?? -1;
            p.firstAnswerMs ??= Date.now() - p.writtenAt;
            p.errors.push(`http ${status}`);
            count(`http ${status}`);
            if (Date.now() - started > HANG_MS) count("http answered after 10 s");
            await sleep(250);
          }
        }
        await sleep(100);
      }
    })();

    const notes: string[] = [];
    const master = await stack.redisCluster!.masterOf(conv.messages(room));
    const seconds = Number(values.seconds);
    const fault = (async () => {
      await sleep(seconds * 250);
      if (values.scenario === "kill") {
        await master.stop("SIGKILL");
        notes.push(`room's master killed @${Date.now() % 1e6}`);
      } else {
        master.signal("SIGSTOP");
        notes.push(`room's master stopped @${Date.now() % 1e6}`);
        await sleep(Number(values["pause-ms"]));
        master.signal("SIGCONT");
        notes.push(`continued @${Date.now() % 1e6}`);
      }
      await stack.redisCluster!.ready().catch((error: unknown) => notes.push(`cluster not ready: ${(error as Error).message}`));
      notes.push(`cluster ready @${Date.now() % 1e6}; old master now ${await master.role().catch(() => "down")}`);
    })();

    const until = Date.now() + seconds * 1000;
    for (let i = 0; Date.now() < until; i++) {
      for (const { target, state } of senders) {
        const p: Pending = { clientMsgId: `s-${i}-${Object.keys(target)[0] ?? "group"}`, body: { ...target, text: `${Object.keys(target)[0] ?? "group"} ${i}` }, writtenAt: Date.now(), msgIds: new Set(), errors: [] };
        sends.push(p);
        byClientMsgId.set(p.clientMsgId, p);
        if (state.raw.ws.readyState === state.raw.ws.OPEN) state.raw.ws.send(encodeFrame({ kind: "send", body: { clientMsgId: p.clientMsgId, ...p.body } }));
        else count("socket closed");
      }
      await sleep(40);
    }
    await fault;
    httpRunning = false;
    await http;
    await waitUntil(() => (drain(), sends.every((p) => p.acked)), 30_000, "every Send acknowledged").catch(() => undefined);
    await sleep(3_000);
    drain();
    clearInterval(drainer);
    clearInterval(pinger);

    const acked = sends.filter((p) => p.acked);
    const history = new Map<string, string>();
    for (const target of [{}, { room }, { with: b.userId }]) {
      for (let before: string | undefined; ;) {
        const page = await api.history(aToken, { ...target, limit: 200, ...(before ? { before } : {}) });
        for (const m of page.messages) history.set(`${m.msgId} ${m.room || (m.to ? "p" : "g")}`, m.text);
        if (page.messages.length < 200) break;
        before = page.messages[0]!.msgId;
      }
    }
    const keyOf = (p: Pending, msgId: string) => `${msgId} ${p.body.room ? room : p.body.to ? "p" : "g"}`;
    const lost = acked.filter((p) => history.get(keyOf(p, p.acked!)) !== p.body.text);
    const receiverCounts = receivers.map((r) => {
      const got = messagesOf(r);
      const texts = new Map<string, Set<string>>();
      for (const m of got) texts.set(m.text, (texts.get(m.text) ?? new Set()).add(m.msgId));
      const keys = new Set(got.map((m) => `${m.msgId} ${m.room || (m.to ? "p" : "g")}`));
      const missing = acked.filter((p) => !keys.has(keyOf(p, p.acked!)));
      const stored = missing.filter((p) => history.get(keyOf(p, p.acked!)) === p.body.text);
      return { label: r.label, open: r.ws.readyState === r.ws.OPEN, got: got.length, missing: missing.length, missingInHistory: stored.length, missingSamples: stored.slice(0, 3).map((p) => `${p.clientMsgId} ${p.acked}`), twice: got.length - keys.size, textUnderTwoMsgIds: [...texts.values()].filter((ids) => ids.size > 1).length };
    });
    const firsts = sends.map((p) => p.firstAnswerMs ?? Infinity).sort((x, y) => x - y);
    console.log(JSON.stringify({
      scenario: values.scenario, pauseMs: values.scenario === "pause" ? Number(values["pause-ms"]) : undefined, replicaWait: Number(values.wait), notes,
      sends: sends.length, acked: acked.length, unanswered: sends.filter((p) => p.firstAnswerMs === undefined).length, neverAcked: sends.length - acked.length,
      firstAnswerMs: { p50: firsts[Math.floor(firsts.length / 2)], p99: firsts[Math.floor(firsts.length * 0.99)], max: firsts.at(-1) }, over10s: firsts.filter((ms) => ms > HANG_MS).length,
      byKind: Object.fromEntries(["group", "room", "to", "http"].map((k) => {
        const mine = sends.filter((p) => (p.clientMsgId.startsWith("h-") ? "http" : p.clientMsgId.split("-")[2]) === k);
        return [k, { sends: mine.length, unanswered: mine.filter((p) => p.firstAnswerMs === undefined).length, neverAcked: mine.filter((p) => !p.acked).length, over10s: mine.filter((p) => (p.firstAnswerMs ?? Infinity) > HANG_MS).length }];
      })),
      answers, twoMsgIds: sends.filter((p) => p.msgIds.size > 1).map((p) => p.clientMsgId), lostAcked: lost.length, lostSamples: lost.slice(0, 5).map((p) => `${p.clientMsgId} ${p.acked} history: ${history.get(keyOf(p, p.acked!)) ?? "none"}`),
      receivers: receiverCounts,
    }));
    if (values.logs) {
      mkdirSync(values.logs, { recursive: true });
      for (const [i, app] of [stack.route, ...stack.gateways].entries()) writeFileSync(join(values.logs, i === 0 ? "route.log" : `gateway${i}.log`), app.process.output());
    }
  } finally {
    for (const s of sockets) s.ws.close();
    await stack.stop();
  }
}

await main();
process.exit(0);
