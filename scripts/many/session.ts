// A raw protocol session for the many-sessions probes: ws + @cim/protocol, no SDK. Records every frame, the close
// code, and when things happened, so a probe can tell a LoginAck, a documented close or a silent hang apart.
import WebSocket from "ws";
import { decodeFrame, encodeFrame, type ChatMessage, type Frame, type FrameInput, type LoginAck, type Presence } from "@cim/protocol";

export interface Outcome { kind: "ack" | "close" | "error" | "hang"; code?: number; reason?: string; error?: string; ms: number }

export class Sess {
  readonly ws: WebSocket;
  readonly frames: Frame[] = [];
  ack?: LoginAck;
  closed?: { code: number; reason: string; at: number };
  error?: string;
  readonly started = Date.now();
  private waiters: Array<() => void> = [];

  /** Called with every frame first; returning true keeps it out of `frames` (a probe that counts as it goes). */
  sink?: (frame: Frame) => boolean;

  constructor(readonly url: string, readonly label: string, options: WebSocket.ClientOptions = {}) {
    this.ws = new WebSocket(url, { handshakeTimeout: 60_000, ...options });
    this.ws.binaryType = "nodebuffer";
    this.ws.on("message", (data) => {
      const frame = decodeFrame(data as Buffer);
      if (frame.kind === "loginAck") this.ack = frame.body;
      if (!this.sink?.(frame)) this.frames.push(frame);
      this.wake();
    });
    this.ws.on("error", (e) => { this.error ??= (e as Error).message; this.wake(); });
    this.ws.on("close", (code, reason) => { this.closed = { code, reason: reason.toString(), at: Date.now() }; this.wake(); });
  }

  /** Opens and logs in with `token` (the first frame), unless `login` is false. */
  static login(url: string, token: string, label: string, login: Partial<import("@cim/protocol").Login> = {}, options: WebSocket.ClientOptions = {}, sink?: (frame: Frame) => boolean): Sess {
    const s = new Sess(url, label, options);
    s.sink = sink;
    s.ws.once("open", () => s.send({ kind: "login", body: { token, ...login } }));
    return s;
  }

  send(frame: FrameInput): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(encodeFrame(frame));
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** Resolves when `cond` holds (checked at every event) or after `ms`; returns whether it held. */
  until(cond: () => boolean, ms: number): Promise<boolean> {
    if (cond()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(cond()), ms);
      const check = () => { if (cond()) { clearTimeout(timer); resolve(true); } else this.waiters.push(check); };
      this.waiters.push(check);
    });
  }

  /** LoginAck, a close (code), a socket error, or nothing within `ms` (a hang). */
  async outcome(ms: number): Promise<Outcome> {
    await this.until(() => !!this.ack || !!this.closed || (!!this.error && this.ws.readyState !== WebSocket.OPEN), ms);
    const took = Date.now() - this.started;
    if (this.ack) return { kind: "ack", ms: took };
    // A refused upgrade (429) errors, then closes 1006: the error says why.
    if (this.error && (!this.closed || this.closed.code === 1006)) return { kind: "error", error: this.error, ms: took };
    if (this.closed) return { kind: "close", code: this.closed.code, reason: this.closed.reason, ms: took };
    if (this.error) return { kind: "error", error: this.error, ms: took };
    return { kind: "hang", ms: took };
  }

  messages(): ChatMessage[] {
    return this.frames.flatMap((f) => (f.kind === "message" ? [f.body] : f.kind === "messageBatch" ? f.body.messages : []));
  }

  presences(): Presence[] {
    return this.frames.flatMap((f) => (f.kind === "presence" ? [f.body] : f.kind === "presenceBatch" ? f.body.presences : []));
  }

  close(): void {
    this.ws.close(1000);
  }
}

/** Pings every open session every `ms` (the gateway closes a silent one after 45 s). Returns the stopper. */
export function keepAlive(sessions: () => Iterable<Sess>, ms = 10_000): () => void {
  const timer = setInterval(() => {
    for (const s of sessions()) if (s.ack && !s.closed) s.send({ kind: "ping", body: { ts: Date.now() } });
  }, ms);
  return () => clearInterval(timer);
}

/** Counts outcomes by kind and code: {"ack": 4990, "close 4429": 10}. */
export function tally(outcomes: Outcome[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const o of outcomes) {
    const key = o.kind === "close" ? `close ${o.code}` : o.kind === "error" ? `error ${o.error}` : o.kind;
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}
