// The integrator's client of contract-client.integration.test.ts, from docs/CONTRACT.md alone: plain fetch, `ws`, and
// protobufjs reading the .proto the contract points to; nothing of packages/*.
import { join } from "node:path";
import protobuf from "protobufjs";
import WebSocket from "ws";
import { REPO_ROOT } from "./apps.js";

/** "each is one protobuf message `cim.Frame` from `packages/protocol/proto/cim.proto`" */
const root = protobuf.loadSync(join(REPO_ROOT, "packages/protocol/proto/cim.proto"));
const Frame = root.lookupType("cim.Frame");
export type Body = Record<string, unknown>;
export type Received = { kind: string; body: Body };

export const encode = (kind: string, body: Body) => Frame.encode(Frame.fromObject({ [kind]: body })).finish();
function decode(data: Buffer): Received {
  const frame = Frame.toObject(Frame.decode(data), { longs: Number, defaults: true, oneofs: true }) as Body & { body?: string };
  const kind = frame.body!;
  return { kind, body: frame[kind] as Body };
}

/** JSON over HTTP as the contract's table says: JSON bodies (`Content-Type: application/json`), bearer tokens. */
export async function http(
  base: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown } = {},
): Promise<{ status: number; json: Body | null; headers: Headers }> {
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers["content-type"] = "application/json";
  const answer = await fetch(`${base}${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await answer.text();
  return { status: answer.status, json: text ? (JSON.parse(text) as Body) : null, headers: answer.headers };
}

/** One WebSocket session: every frame kept, in order, and a wait for the first that fits. */
export class Session {
  readonly frames: Received[] = [];
  closed: { code: number } | null = null;
  private readonly waiters = new Set<() => void>();
  private constructor(readonly socket: WebSocket) {
    socket.on("message", (data: Buffer) => this.push(() => this.frames.push(decode(data))));
    socket.on("close", (code) => this.push(() => (this.closed = { code })));
  }
  private push(change: () => void) {
    change();
    for (const waiter of this.waiters) waiter();
  }
  static async open(wsUrl: string): Promise<Session> {
    const socket = new WebSocket(wsUrl);
    const session = new Session(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once("open", () => resolve());
      socket.once("error", reject);
    });
    return session;
  }
  send(kind: string, body: Body) {
    this.socket.send(encode(kind, body));
  }
  until<T>(find: () => T | undefined, what: string, timeoutMs = 10_000): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = find();
        if (found === undefined) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(found);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(
          new Error(
            `no ${what} within ${timeoutMs} ms; frames: ${JSON.stringify(this.frames)}${this.closed ? `, closed ${this.closed.code}` : ""}`,
          ),
        );
      }, timeoutMs);
      this.waiters.add(check);
      check();
    });
  }
  frame(kind: string, fits: (body: Body) => boolean = () => true): Promise<Body> {
    return this.until(() => this.frames.find((f) => f.kind === kind && fits(f.body))?.body, kind);
  }
}
