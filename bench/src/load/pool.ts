// Load clients: raw `ws` sockets opened with bounded concurrency, speaking a system's codec; everything in this process.
import { performance } from "node:perf_hooks";
import WebSocket from "ws";
import type { Codec } from "../systems/types.js";

export interface LoadClient {
  userId: number;
  server: number;
  ws: WebSocket;
}

export interface OpenResult {
  opened: number;
  failed: number;
  ms: number;
  firstError?: string;
}

const CONNECT_TIMEOUT_MS = 20_000;
const KEEPALIVE_MS = 10_000;

export class ClientPool {
  readonly clients: LoadClient[] = [];
  /** Called for every chat delivery, with the receiving client and the message text. */
  onChat: (client: LoadClient, text: string) => void = () => undefined;
  unexpectedCloses = 0;
  private readonly keepAliveTimer: NodeJS.Timeout;
  private closing = false;

  constructor(private readonly codec: Codec) {
    this.keepAliveTimer = setInterval(() => {
      for (const { ws } of this.clients) if (ws.readyState === WebSocket.OPEN) codec.keepAlive(ws);
    }, KEEPALIVE_MS);
  }

  /** Opens one session per user, `concurrency` handshakes at a time; resolves when all are ready or failed. */
  async open(users: Array<{ userId: number; server: number }>, concurrency: number): Promise<OpenResult> {
    const started = performance.now();
    let next = 0;
    let failed = 0;
    let firstError: string | undefined;
    const worker = async () => {
      while (next < users.length) {
        const user = users[next++]!;
        try {
          this.clients.push(await this.connect(user.userId, user.server));
        } catch (error) {
          failed++;
          firstError ??= (error as Error).message;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, users.length) }, worker));
    return { opened: users.length - failed, failed, ms: performance.now() - started, firstError };
  }

  private connect(userId: number, server: number): Promise<LoadClient> {
    const { codec } = this;
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(codec.url(userId, server), { perMessageDeflate: false });
      const client: LoadClient = { userId, server, ws };
      let ready = false;
      const timer = setTimeout(() => fail(new Error(`user ${userId}: no session within ${CONNECT_TIMEOUT_MS} ms`)), CONNECT_TIMEOUT_MS);
      const fail = (error: Error) => {
        clearTimeout(timer);
        ws.terminate();
        reject(error);
      };
      const becomeReady = () => {
        ready = true;
        clearTimeout(timer);
        resolve(client);
      };
      ws.on("open", () => {
        if (codec.onOpen(ws, userId)) becomeReady();
      });
      ws.on("error", (error) => {
        if (!ready) fail(error);
      });
      ws.on("close", (code) => {
        if (!ready) return fail(new Error(`user ${userId}: closed ${code} before the session was ready`));
        if (!this.closing) this.unexpectedCloses++;
      });
      ws.on("message", (data: Buffer, isBinary: boolean) => {
        if (ready) {
          const text = codec.chatText(ws, data, isBinary);
          if (typeof text === "string") this.onChat(client, text);
          else if (text) for (const one of text) this.onChat(client, one);
          return;
        }
        const state = codec.onHandshake(ws, userId, data, isBinary);
        if (state === "ready") becomeReady();
        else if (state !== "wait") fail(new Error(`user ${userId}: ${state}`));
      });
    });
  }

  /** Closes every socket (terminate: no close handshake to wait for) and waits until all are closed. */
  async close(): Promise<void> {
    this.closing = true;
    clearInterval(this.keepAliveTimer);
    const closed = this.clients.map(({ ws }) =>
      ws.readyState === WebSocket.CLOSED ? Promise.resolve() : new Promise<void>((resolve) => ws.once("close", () => resolve())),
    );
    for (const { ws } of this.clients) ws.terminate();
    await Promise.all(closed);
  }
}

/** Users 0..n-1 from `base`, taking turns over `servers` servers. */
export function usersFrom(base: number, n: number, servers = 2): Array<{ userId: number; server: number }> {
  return Array.from({ length: n }, (_, i) => ({ userId: base + i, server: i % servers }));
}
