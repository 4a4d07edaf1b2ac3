// A logical device of the messages probe: one token, sessions one after another (a gateway killed: POST
// /api/reconnect with avoid, a new socket, Login with the cursors it holds), Sends resent with their clientMsgId
// until acknowledged, and what it received counted as it comes (exactly once, in order) without keeping it.
import { RouteApi } from "@cim/client";
import type { ChatMessage, Frame } from "@cim/protocol";
import { Sess } from "./session.js";

export interface Received { count: Map<string, number>; outOfOrder: string[] }
const received = (): Received => ({ count: new Map(), outOfOrder: [] });

export class Device {
  sess!: Sess;
  sessions: Sess[] = [];
  room = received();
  priv = received();
  roomAfter = "";
  inboxAfter = "";
  private lastPrivByPeer = new Map<string, bigint>();
  private pending = new Map<string, { to?: string; room?: string; text: string }>();
  acked = new Set<string>();
  closes: number[] = [];
  reconnecting = false;
  /** Set when the probe ends: a socket cut by the teardown must not reconnect. */
  stopped = false;

  constructor(readonly api: RouteApi, public token: string, public wsUrl: string, readonly label: string, readonly roomId: string, readonly onGone?: (d: Device, code: number) => void) {}

  connect(): Sess {
    const rooms = this.roomAfter ? [{ room: this.roomId, after: this.roomAfter }] : [];
    const s = Sess.login(this.wsUrl, this.token, this.label, { inboxAfter: this.inboxAfter, rooms }, {}, (f) => this.take(f));
    s.ws.on("open", () => undefined);
    s.ws.once("close", (code) => { this.closes.push(code); this.onGone?.(this, code); });
    this.sess = s;
    this.sessions.push(s);
    return s;
  }

  private take(f: Frame): boolean {
    if (f.kind === "loginAck") {
      // Resend what was never acknowledged, oldest first, with the same clientMsgId.
      queueMicrotask(() => { for (const [id, m] of this.pending) this.sess.send({ kind: "send", body: { clientMsgId: id, ...m } }); });
      return false;
    }
    if (f.kind === "sendAck") { this.pending.delete(f.body.clientMsgId); this.acked.add(f.body.clientMsgId); return true; }
    if (f.kind === "message") { this.message(f.body); return true; }
    if (f.kind === "messageBatch") { for (const m of f.body.messages) this.message(m); return true; }
    return false;
  }

  private message(m: ChatMessage): void {
    if (m.room) {
      this.room.count.set(m.text, (this.room.count.get(m.text) ?? 0) + 1);
      if (this.roomAfter && BigInt(m.msgId) <= BigInt(this.roomAfter)) this.room.outOfOrder.push(`${m.msgId}<=${this.roomAfter}`);
      if (!this.roomAfter || BigInt(m.msgId) > BigInt(this.roomAfter)) this.roomAfter = m.msgId;
    } else if (m.to) {
      this.priv.count.set(m.text, (this.priv.count.get(m.text) ?? 0) + 1);
      const last = this.lastPrivByPeer.get(m.from);
      if (last !== undefined && BigInt(m.msgId) <= last) this.priv.outOfOrder.push(`${m.text} ${m.msgId}<=${last}`);
      this.lastPrivByPeer.set(m.from, BigInt(m.msgId));
      this.inboxAfter = m.msgId;
    }
  }

  send(clientMsgId: string, body: { to?: string; room?: string; text: string }): void {
    this.pending.set(clientMsgId, body);
    this.sess.send({ kind: "send", body: { clientMsgId, ...body } });
  }

  unacked(): number { return this.pending.size; }

  /** A new token and gateway from route (avoiding `avoid`), then a new session. */
  async reconnect(avoid: string): Promise<void> {
    this.reconnecting = true;
    for (let attempt = 0; !this.stopped; attempt++) {
      try {
        const answer = await this.api.reconnect(this.token, avoid);
        this.token = answer.token;
        this.wsUrl = answer.gateway.wsUrl;
        const s = this.connect();
        const o = await s.outcome(30_000);
        if (o.kind === "ack") break;
      } catch { /* route busy: try again */ }
      await new Promise((r) => setTimeout(r, Math.random() * 300 * 2 ** Math.min(attempt, 5)));
    }
    this.reconnecting = false;
  }
}
