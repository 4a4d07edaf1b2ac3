// `node --import tsx scripts/send-order-probe.ts --scenario NAME[,NAME] [--messages N]`: raw protocol sessions (no
// SDK) pipeline Sends to several conversations at once (two peers, two rooms) while Redis is SIGKILLed and
// restarted; per receiving device, what was acknowledged against what arrived: lost, duplicated, out of order (per
// sending session and conversation), and history's order. One JSON line per scenario. Not in `npm test`.
//   naive        each refused Send resent 20 ms later; Redis down 2 s
//   long         the same, Redis down 14 s (longer than the 10 s grace)
//   never        a refused Send is never resent; Redis down 2 s
//   disconnect   the senders close their sockets while Sends are held, log in again once Redis is back and resend
//                every Send not done (refused or unanswered), oldest first
import { readFlags } from "./cli-flags.mjs";
import WebSocket from "ws";
import { RouteApi } from "@cim/client";
import { PROBE_PASSWORD, registerProbeUser } from "./probe-users.js";
import { startCluster, waitUntil } from "@cim/devstack";
import { encodeFrame } from "@cim/protocol";
import { messagesOf, open, type Raw } from "./raw-session.js";

const values = readFlags(import.meta.url, { scenario: { type: "string", default: "naive" }, messages: { type: "string", default: "240" } });
const MESSAGES = Number(values.messages);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));


interface Outgoing { clientMsgId: string; conv: string; target: { to?: string; room?: string }; text: string; seq: number; sender: number }

async function main(): Promise<void> {
  for (const name of values.scenario!.split(",")) await run(name);
  process.exit(0);
}

async function run(scenario: string): Promise<void> {
  const stack = await startCluster({ gateways: 2, env: { CIM_REDIS_COMMAND_TIMEOUT_MS: "3000" }, gatewayEnv: { CIM_RATE_PER_SEC: "1000", CIM_RATE_BURST: "1000", CIM_MAX_SENDS_IN_FLIGHT: "40" } });
  const sockets: Raw[] = [];
  try {
    const api = new RouteApi(stack.route.url);
    const user = async (n: string) => {
      const { name, userId } = await registerProbeUser(api, n);
      return { name, userId, token: (await api.login(name, PROBE_PASSWORD)).token };
    };
    const [a, b, c] = [await user("a"), await user("b"), await user("c")];
    const r1 = (await api.createRoom(a.token, { name: "r1", visibility: "private" })).roomId;
    const r2 = (await api.createRoom(a.token, { name: "r2", visibility: "private" })).roomId;
    for (const [room, who] of [[r1, b], [r1, c], [r2, b]] as const) await api.invite(a.token, room, who.userId);
    const wsUrl = (g: number) => `${stack.gateways[g]!.url.replace(/^http/, "ws")}/ws`;
    const login = async (u: typeof a, g: number, label: string) => {
      const raw = await open(wsUrl(g), (await api.login(u.name, PROBE_PASSWORD)).token, label);
      sockets.push(raw);
      return raw;
    };
    // Two sending sessions of a (one per gateway); receivers: b on both gateways, c on gw-b.
    const senders = [await login(a, 0, "a@0"), await login(a, 1, "a@1")];
    const receivers = [await login(b, 0, "b@0"), await login(b, 1, "b@1"), await login(c, 1, "c@1")];
    const convs = [
      { conv: `p-b`, target: { to: b.userId }, devices: [0, 1] },
      { conv: `p-c`, target: { to: c.userId }, devices: [2] },
      { conv: `r1`, target: { room: r1 }, devices: [0, 1, 2] },
      { conv: `r2`, target: { room: r2 }, devices: [0, 1] },
    ];
    const outgoing: Outgoing[] = [];
    const seqs = new Map<string, number>();
    for (let i = 0; i < MESSAGES; i++) {
      const sender = i % 2;
      const { conv, target } = convs[Math.floor(i / 2) % convs.length]!;
      const seq = (seqs.get(`${sender}${conv}`) ?? 0) + 1;
      seqs.set(`${sender}${conv}`, seq);
      outgoing.push({ clientMsgId: `${scenario}-${i}`, conv, target, text: `s${sender} ${conv} ${seq}`, seq, sender });
    }
    const acked = new Map<string, string>();
    const refused = new Map<string, number>();
    const live = [...senders];
    const answerTo = (o: Outgoing, since: number) => live[o.sender]!.frames.slice(since).find((f) => (f.kind === "sendAck" || f.kind === "error") && f.body.clientMsgId === o.clientMsgId);
    let reconnecting: Promise<void> | undefined;
    /** Where each Send was last written: a new session's writer resends the unanswered ones oldest first. */
    const written = new Map<string, { socket: Raw; since: number }>();
    const done = new Set<string>();
    /** Sends whose first write happened (answered or not): a new session resends those not done, oldest first. */
    const started = new Set<string>();
    const write = (o: Outgoing, socket: Raw) => {
      written.set(o.clientMsgId, { socket, since: socket.frames.length });
      socket.ws.send(encodeFrame({ kind: "send", body: { clientMsgId: o.clientMsgId, ...o.target, text: o.text } }));
    };
    const attempt = async (o: Outgoing): Promise<void> => {
      started.add(o.clientMsgId);
      for (;;) {
        await reconnecting;
        const socket = live[o.sender]!;
        if (socket.ws.readyState !== WebSocket.OPEN) { await sleep(50); continue; }
        if (written.get(o.clientMsgId)?.socket !== socket) write(o, socket);
        const { since } = written.get(o.clientMsgId)!;
        const answered = await waitUntil(() => !!answerTo(o, since) || live[o.sender] !== socket || socket.ws.readyState !== WebSocket.OPEN, 60_000, "answer").then(() => true, () => false);
        const answer = answered && live[o.sender] === socket ? answerTo(o, since) : undefined;
        if (answer?.kind === "sendAck") return void (acked.set(o.clientMsgId, answer.body.msgId), done.add(o.clientMsgId));
        if (answer?.kind === "error") {
          refused.set(answer.body.code, (refused.get(answer.body.code) ?? 0) + 1);
          if (answer.body.code !== "unavailable" || scenario === "never") return void done.add(o.clientMsgId);
          await sleep(20);
          written.delete(o.clientMsgId);
        }
        // No answer (socket closed): resent on the new session.
      }
    };
    // Every Send not done, refused or unanswered alike, oldest first (as the SDK's outbox): a refused one resent after
    // newer unanswered ones would be stored after them, by the client's own doing.
    const resendAll = (sender: number) => {
      for (const o of outgoing) if (o.sender === sender && started.has(o.clientMsgId) && !done.has(o.clientMsgId)) write(o, live[sender]!);
    };
    const faultAt = Math.floor(MESSAGES * 0.25);
    const downMs = scenario === "long" ? 14_000 : 2_000;
    const pending: Array<Promise<void>> = [];
    let fault: Promise<void> | undefined;
    for (const [i, o] of outgoing.entries()) {
      if (i === faultAt) {
        await stack.redis.stop("SIGKILL");
        fault = (async () => {
          if (scenario === "disconnect") {
            await sleep(800);
            let reopen!: () => void;
            reconnecting = new Promise((resolve) => (reopen = resolve));
            for (const s of senders) s.ws.close();
            await sleep(downMs - 800);
            await stack.redis.restart();
            // A client that comes back after the grace (10 s).
            await sleep(Number(process.env.PROBE_AWAY_MS ?? 0));
            live[0] = await login(a, 0, "a@0'");
            live[1] = await login(a, 1, "a@1'");
            resendAll(0);
            resendAll(1);
            reopen();
            return;
          }
          await sleep(downMs);
          await stack.redis.restart();
        })();
      }
      pending.push(attempt(o));
      await sleep(15);
    }
    await fault;
    await Promise.race([Promise.all(pending), sleep(90_000)]);
    await sleep(2_000);
    // The books: per receiving device, per sending session and conversation.
    const report = { scenario, sent: outgoing.length, acked: acked.size, refused: Object.fromEntries(refused), lost: 0, duplicated: 0, outOfOrder: 0, unackedDelivered: 0, historyOutOfOrder: 0, historyDuplicated: 0, historyMissing: 0, samples: [] as string[] };
    const byText = new Map(outgoing.map((o) => [o.text, o]));
    for (const [d, device] of receivers.entries()) {
      const got = messagesOf(device).filter((m) => m.from === a.userId);
      const last = new Map<string, number>();
      const seen = new Set<string>();
      for (const m of got) {
        const o = byText.get(m.text)!;
        if (seen.has(m.text)) { report.duplicated++; report.samples.push(`${device.label} dup ${m.text}`); continue; }
        seen.add(m.text);
        if (!acked.has(o.clientMsgId)) report.unackedDelivered++;
        const key = `${o.sender}${o.conv}`;
        if ((last.get(key) ?? 0) > o.seq) { report.outOfOrder++; if (report.samples.length < 12) report.samples.push(`${device.label} ${m.text} after ${last.get(key)}`); }
        last.set(key, Math.max(last.get(key) ?? 0, o.seq));
      }
      for (const o of outgoing) {
        if (!acked.has(o.clientMsgId) || !convs.find((c) => c.conv === o.conv)!.devices.includes(d)) continue;
        if (!seen.has(o.text)) { report.lost++; if (report.samples.length < 12) report.samples.push(`${device.label} lost ${o.text}`); }
      }
    }
    for (const { conv, target } of convs) {
      const { messages } = await api.history(a.token, { with: target.to, room: target.room, limit: 200 });
      const last = new Map<number, number>();
      const seen = new Set<string>();
      for (const m of messages) {
        const o = byText.get(m.text)!;
        if (seen.has(m.text)) report.historyDuplicated++;
        seen.add(m.text);
        if ((last.get(o.sender) ?? 0) > o.seq) { report.historyOutOfOrder++; if (report.samples.length < 16) report.samples.push(`history ${m.text} after ${last.get(o.sender)}`); }
        last.set(o.sender, Math.max(last.get(o.sender) ?? 0, o.seq));
      }
      report.historyMissing += outgoing.filter((o) => o.conv === conv && acked.has(o.clientMsgId) && !seen.has(o.text)).length;
    }
    console.log(JSON.stringify(report));
  } finally {
    for (const s of sockets) s.ws.close();
    await stack.stop();
  }
}

await main();
