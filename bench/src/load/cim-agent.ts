// A load process of CIM sessions (storm, reconnect), forked by agents.ts: opens sessions from its own source
// address, counts what arrives (presence bytes, closes by code), logs in again through route's /api/reconnect
// when its gateway dies, as the SDK does, and sends private messages while checking that none acknowledged is lost.
import { request, Agent } from "node:http";
import { performance } from "node:perf_hooks";
import WebSocket from "ws";
import { backoffDelay } from "@cim/client";
import { decodeFrame, encodeFrame, type Frame } from "@cim/protocol";
import type { AgentUser } from "./agents.js";

export interface AgentInit {
  routeUrl: string;
  /** Source address of every socket of this process (127.0.0.x: 28,232 ephemeral ports each); absent: the kernel's pick. */
  localAddress?: string;
  /** Handshakes (and reconnect requests) in flight at once. */
  concurrency: number;
  connectTimeoutMs: number;
}

interface LoadSession {
  /** The bench's number for the user (pairs, counts and keep-alive slices use it). */
  n: number;
  /** Its account id: what frames name. */
  userId: string;
  ws: WebSocket | null;
  token: string;
  gatewayId: string;
  ready: boolean;
  /** The newest private msgId received: the reconnect's inboxAfter. */
  lastInbox: string;
  attempt: number;
}

/** Frame tags (field number << 3 | 2) read off the first byte, so most frames are never decoded. */
const TAG = { loginAck: 0x12, error: 0x1a, sendAck: 0x3a, message: 0x42, presence: 0x52, messageBatch: 0x5a, presenceBatch: 0x62 };
const KEEPALIVE_MS = 20_000;
const BACKOFF = { baseMs: 300, maxMs: 10_000 };
const PING = Buffer.from(encodeFrame({ kind: "ping", body: { ts: 0 } }));

const now = () => performance.timeOrigin + performance.now();
let init: AgentInit;
let http: Agent;
const sessions = new Map<number, LoadSession>();
const counters = { presenceBytes: 0, presenceFrames: 0, bytesIn: 0, lastAckAt: 0, reconnected: 0, lastReconnectAt: 0, reconnectFailures: 0 };
const closesByCode: Record<string, number> = {};
const reconnectMs: number[] = [];
let reconnecting = false;
let stopping = false;

/** At most `init.concurrency` handshakes at a time. */
let inFlight = 0;
const waiting: Array<() => void> = [];
async function slot<T>(body: () => Promise<T>): Promise<T> {
  if (inFlight >= init.concurrency) await new Promise<void>((resolve) => waiting.push(resolve));
  inFlight++;
  try {
    return await body();
  } finally {
    inFlight--;
    waiting.shift()?.();
  }
}

/** A Login frame; a reconnecting session names the newest private message it has. */
const loginFrame = (token: string, inboxAfter = "") => Buffer.from(encodeFrame({ kind: "login", body: { token, inboxAfter, messageBatches: true } }));

const count = (code: string) => void (closesByCode[code] = (closesByCode[code] ?? 0) + 1);

/** Opens a socket and logs in; resolves on LoginAck, rejects with a close code or "timeout". */
function connect(s: LoadSession, url: string, login: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false, localAddress: init.localAddress, handshakeTimeout: init.connectTimeoutMs });
    s.ws = ws;
    let settled = false;
    const timer = setTimeout(() => fail("timeout"), init.connectTimeoutMs);
    function fail(code: string) {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (s.ws === ws) s.ws = null;
      ws.terminate();
      reject(new Error(code));
    }
    ws.on("open", () => ws.send(login));
    ws.on("error", (error: NodeJS.ErrnoException) => fail(error.code ?? "error"));
    ws.on("close", (code, reason) => {
      // The reason tells apart causes that share a code (4408: no Login in time, or idle).
      const why = reason.length > 0 ? `${code} ${reason.toString()}` : String(code);
      if (!settled) return fail(why);
      if (s.ws === ws) lost(s, why);
    });
    ws.on("message", (data: Buffer) => {
      counters.bytesIn += data.length;
      const tag = data[0];
      if (tag === TAG.presence || tag === TAG.presenceBatch) {
        counters.presenceBytes += data.length;
        counters.presenceFrames++;
      } else if (tag === TAG.loginAck) {
        const frame = decodeFrame(data) as Extract<Frame, { kind: "loginAck" }>;
        s.gatewayId = frame.body.gatewayId;
        s.ready = true;
        settled = true;
        clearTimeout(timer);
        counters.lastAckAt = now();
        resolve();
      } else if (tag === TAG.error && !settled) {
        const frame = decodeFrame(data) as Extract<Frame, { kind: "error" }>;
        fail(`error ${frame.body.code}`);
      } else if (tag === TAG.sendAck || tag === TAG.message || tag === TAG.messageBatch) {
        traffic.onFrame(s, decodeFrame(data));
      }
    });
  });
}

/** A ready session's socket closed without us closing it. */
function lost(s: LoadSession, code: string): void {
  s.ready = false;
  s.ws = null;
  if (stopping) return;
  count(`lost ${code}`);
  if (reconnecting) scheduleReconnect(s);
}

function scheduleReconnect(s: LoadSession): void {
  setTimeout(() => void reconnect(s), backoffDelay(s.attempt++, BACKOFF));
}

async function reconnect(s: LoadSession): Promise<void> {
  try {
    await slot(async () => {
      const started = performance.now();
      const answer = await postReconnect(s.token, s.gatewayId);
      reconnectMs.push(performance.now() - started);
      s.token = answer.token;
      await connect(s, answer.gateway.wsUrl, loginFrame(answer.token, s.lastInbox));
    });
    s.attempt = 0;
    counters.reconnected++;
    counters.lastReconnectAt = now();
  } catch (error) {
    counters.reconnectFailures++;
    count(`reconnect ${(error as Error).message}`);
    if (!stopping) scheduleReconnect(s);
  }
}

function postReconnect(token: string, avoid: string): Promise<{ token: string; gateway: { id: string; wsUrl: string } }> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ avoid });
    const req = request(`${init.routeUrl}/api/reconnect`, {
      method: "POST", agent: http, timeout: init.connectTimeoutMs,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json", "content-length": Buffer.byteLength(body) },
    }, (res) => {
      let text = "";
      res.on("data", (chunk: Buffer) => (text += chunk.toString()));
      res.on("end", () => (res.statusCode === 200 ? resolve(JSON.parse(text)) : reject(new Error(`http ${res.statusCode}`))));
    });
    req.on("timeout", () => req.destroy(new Error("http timeout")));
    req.on("error", (error: NodeJS.ErrnoException) => reject(new Error(`http ${error.code ?? error.message}`)));
    req.end(body);
  });
}

/** Private messages from some sessions to others of this process: what was acknowledged must arrive. */
const traffic = {
  seq: 0,
  timer: null as NodeJS.Timeout | null,
  pending: new Map<string, number>(),
  /** User number -> msgIds acknowledged to their sender. */
  acked: new Map<number, Set<string>>(),
  received: new Map<number, Set<string>>(),
  sent: 0,
  unackedOnClose: 0,
  duplicates: 0,

  start(pairs: Array<[number, number]>, ratePerSec: number): void {
    for (const [, to] of pairs) {
      this.acked.set(to, new Set());
      this.received.set(to, new Set());
    }
    const started = performance.now();
    let due = 0;
    this.timer = setInterval(() => {
      const target = Math.floor(((performance.now() - started) * ratePerSec) / 1000);
      for (; due < target; due++) {
        const [from, to] = pairs[due % pairs.length]!;
        const s = sessions.get(from);
        if (!s?.ready) continue;
        const clientMsgId = `t${++this.seq}`;
        this.pending.set(clientMsgId, to);
        this.sent++;
        s.ws!.send(encodeFrame({ kind: "send", body: { clientMsgId, to: sessions.get(to)!.userId, text: `bench ${clientMsgId}` } }));
      }
    }, 10);
  },
  stop(): void {
    if (this.timer) clearInterval(this.timer);
  },
  onFrame(s: LoadSession, frame: Frame): void {
    if (frame.kind === "sendAck") {
      const to = this.pending.get(frame.body.clientMsgId);
      if (to === undefined) return;
      this.pending.delete(frame.body.clientMsgId);
      this.acked.get(to)!.add(frame.body.msgId);
      return;
    }
    const messages = frame.kind === "message" ? [frame.body] : frame.kind === "messageBatch" ? frame.body.messages : [];
    for (const m of messages) {
      if (!m.to) continue;
      s.lastInbox = m.msgId;
      const got = this.received.get(s.n);
      if (!got) continue;
      if (got.has(m.msgId)) this.duplicates++;
      got.add(m.msgId);
    }
  },
  check() {
    let acked = 0;
    let lost = 0;
    const lostSample: string[] = [];
    for (const [to, ids] of this.acked) {
      const got = this.received.get(to)!;
      for (const id of ids) {
        acked++;
        if (!got.has(id)) {
          lost++;
          if (lostSample.length < 5) lostSample.push(`${to}:${id}`);
        }
      }
    }
    return { sent: this.sent, acked, unacknowledged: this.pending.size, lost, lostSample, duplicates: this.duplicates };
  },
};

/** Opens sessions for `users`; resolves when every one is ready or failed. */
async function open(users: AgentUser[]) {
  const started = now();
  let opened = 0;
  let failed = 0;
  let firstError: string | undefined;
  await Promise.all(users.map(async ([n, url, userId, token]) => {
    const s: LoadSession = { n, userId, ws: null, token, gatewayId: "", ready: false, lastInbox: "", attempt: 0 };
    sessions.set(n, s);
    try {
      await slot(() => connect(s, url, loginFrame(token)));
      opened++;
    } catch (error) {
      failed++;
      count((error as Error).message);
      firstError ??= `user ${n} (${userId}): ${(error as Error).message}`;
    }
  }));
  return { opened, failed, firstError, startedAt: started, lastAckAt: counters.lastAckAt };
}

function stats() {
  let ready = 0;
  const byGateway: Record<string, number> = {};
  for (const s of sessions.values()) {
    if (!s.ready) continue;
    ready++;
    byGateway[s.gatewayId] = (byGateway[s.gatewayId] ?? 0) + 1;
  }
  return { sessions: sessions.size, ready, byGateway, closesByCode: { ...closesByCode }, ...counters, reconnectMs: Float64Array.from(reconnectMs) };
}

/** Pings a slice of the sessions each second, so every session pings every KEEPALIVE_MS. */
function keepAlive(): NodeJS.Timeout {
  let tick = 0;
  const slices = KEEPALIVE_MS / 1000;
  return setInterval(() => {
    tick = (tick + 1) % slices;
    for (const s of sessions.values()) if (s.ready && s.n % slices === tick) s.ws!.send(PING);
  }, 1000);
}

type Command =
  | { cmd: "init"; init: AgentInit }
  | { cmd: "open"; users: AgentUser[] }
  | { cmd: "stats" }
  | { cmd: "reconnect"; on: boolean }
  | { cmd: "traffic"; pairs: Array<[number, number]>; ratePerSec: number }
  | { cmd: "stopTraffic" }
  | { cmd: "check" }
  | { cmd: "close" };

async function handle(command: Command): Promise<unknown> {
  switch (command.cmd) {
    case "init":
      init = command.init;
      http = new Agent({ keepAlive: true, maxSockets: init.concurrency, localAddress: init.localAddress } as ConstructorParameters<typeof Agent>[0]);
      keepAlive().unref();
      return null;
    case "open":
      return open(command.users);
    case "stats":
      return stats();
    case "reconnect":
      reconnecting = command.on;
      return null;
    case "traffic":
      traffic.start(command.pairs, command.ratePerSec);
      return null;
    case "stopTraffic":
      traffic.stop();
      return null;
    case "check":
      return traffic.check();
    case "close":
      stopping = true;
      traffic.stop();
      for (const s of sessions.values()) s.ws?.terminate();
      return null;
  }
}

process.on("message", (message: { id: number; command: Command }) => {
  handle(message.command).then(
    (result) => process.send!({ id: message.id, result }),
    (error: unknown) => process.send!({ id: message.id, error: (error as Error).stack ?? String(error) }),
  );
});
process.on("disconnect", () => process.exit(0));
