// Gateway test support: raw protocol clients that send exactly the frames a test says (no SDK behaviour).
import { afterAll, beforeAll } from "vitest";
import WebSocket, { type ClientOptions } from "ws";
import { RouteApi, type LoginAnswer } from "@cim/client";
import { startCluster, waitUntil, type Cluster } from "@cim/devstack";
import { decodeFrame, encodeFrame, type ChatMessage, type Frame, type FrameBodies, type FrameInput, type FrameKind, type Login, type LoginAck } from "@cim/protocol";

export const TEST_PASSWORD = "cim-test-pass-1";

export interface RawSocket {
  ws: WebSocket;
  frames: Frame[];
  closed: Promise<{ code: number; reason: string }>;
  send: (frame: FrameInput) => void;
  /** Resolves with the first received frame of `kind` that matches, waiting for it if needed. */
  waitFor: <K extends FrameKind>(kind: K, match?: (body: FrameBodies[K]) => boolean) => Promise<FrameBodies[K]>;
}

/** Opens a socket; rejects with the HTTP status when the upgrade is refused (`Unexpected server response: 429`). */
export async function openRaw(url: string, options: ClientOptions = {}): Promise<RawSocket> {
  const ws = new WebSocket(url, options);
  const frames: Frame[] = [];
  ws.on("message", (data) => frames.push(decodeFrame(data as Buffer)));
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on("close", (code, reason) => resolve({ code, reason: reason.toString() })));
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });
  async function waitFor<K extends FrameKind>(kind: K, match: (body: FrameBodies[K]) => boolean = () => true): Promise<FrameBodies[K]> {
    const find = () => frames.find((f) => f.kind === kind && match(f.body as FrameBodies[K]));
    await waitUntil(() => !!find(), 20_000, `a ${kind} frame`);
    return find()!.body as FrameBodies[K];
  }
  return { ws, frames, closed, send: (frame) => ws.send(encodeFrame(frame)), waitFor };
}

export interface RawUser extends RawSocket {
  userId: string;
  userName: string;
  token: string;
}

/** Registers a fresh user (random name) and logs it in through route; returns its token and gateway. */
export async function registerUser(routeUrl: string, name: string) {
  const api = new RouteApi(routeUrl);
  const userName = `${name}-${Math.random().toString(36).slice(2, 8)}`;
  await api.register(userName, TEST_PASSWORD);
  return api.login(userName, TEST_PASSWORD);
}

/** A fresh user logged in on a raw socket (LoginAck received). */
export async function rawUser(routeUrl: string, name: string, options: ClientOptions = {}): Promise<RawUser> {
  const login = await registerUser(routeUrl, name);
  const socket = await openRaw(login.gateway.wsUrl, options);
  socket.send({ kind: "login", body: { token: login.token, messageBatches: true } });
  await socket.waitFor("loginAck");
  return { ...socket, userId: login.userId, userName: login.userName, token: login.token };
}

/** A raw socket logged in on a chosen gateway, with the LoginAck it got and helpers for what it received. */
export interface RawDevice extends RawSocket {
  ack: LoginAck;
  /** Every message received, batches flattened, in order. */
  messages: () => ChatMessage[];
  /** Sends a message (or an edit, deletion or reply) and resolves with its SendAck's msgId (rejects with the Error frame's code). */
  say: (body: SayBody) => Promise<string>;
}

/** What `say` sends: a Send without its clientMsgId, which is made up unless given. */
export type SayBody = Partial<FrameBodies["send"]>;

let said = 0;

/** Logs in with `token` on the gateway at `wsUrl`, naming the cursors given (an old client names none of rooms). */
export async function rawDevice(wsUrl: string, token: string, cursors: Partial<Omit<Login, "token">> = {}): Promise<RawDevice> {
  const socket = await openRaw(wsUrl);
  socket.send({ kind: "login", body: { token, messageBatches: true, ...cursors } });
  const ack = await socket.waitFor("loginAck");
  const messages = () => socket.frames.flatMap((f) => (f.kind === "message" ? [f.body] : f.kind === "messageBatch" ? f.body.messages : []));
  const say = async (body: SayBody) => {
    const clientMsgId = body.clientMsgId ?? `say-${++said}`;
    // The answer to this send: a resent clientMsgId was answered before too.
    const before = socket.frames.length;
    const answer = () => socket.frames.slice(before).find((f) => (f.kind === "sendAck" || f.kind === "error") && f.body.clientMsgId === clientMsgId);
    socket.send({ kind: "send", body: { ...body, clientMsgId } });
    await waitUntil(() => answer() !== undefined, 20_000, `an answer to ${clientMsgId}`);
    const frame = answer()!;
    if (frame.kind === "error") throw new Error(frame.body.code);
    return (frame.body as { msgId: string }).msgId;
  };
  return { ...socket, ack, messages, say };
}

/** A test file's system: route and two gateways on real Redis and ZooKeeper, and devices that log in to them. */
export interface TwoGateways {
  readonly cluster: Cluster;
  readonly api: RouteApi;
  /** A device (a login of its own, or `token`'s) of `user` on gateway 0 or 1; closed after the file. */
  device(user: LoginAnswer, gateway: number, cursors?: Partial<Omit<Login, "token">>, token?: string): Promise<RawDevice>;
}

/** Starts the system before the file's tests and stops it, closing every device, after them. */
export function useTwoGateways(): TwoGateways {
  let cluster: Cluster | undefined;
  let api: RouteApi | undefined;
  const devices: RawDevice[] = [];
  beforeAll(async () => {
    cluster = await startCluster({ gateways: 2 });
    api = new RouteApi(cluster.route.url);
  });
  afterAll(async () => {
    for (const device of devices) device.ws.close();
    await cluster?.stop();
  });
  const wsUrl = (gateway: number) => `${cluster!.gateways[gateway]!.url.replace(/^http/, "ws")}/ws`;
  return {
    get cluster() {
      return cluster!;
    },
    get api() {
      return api!;
    },
    async device(user, gateway, cursors = {}, token) {
      const login = token ?? (await api!.login(user.userName, TEST_PASSWORD)).token;
      const opened = await rawDevice(wsUrl(gateway), login, cursors);
      devices.push(opened);
      return opened;
    },
  };
}

/** Waits until `device` received a message with each of `wanted` as its text, then says which texts it received. */
export async function receivedTexts(device: RawDevice, ...wanted: string[]): Promise<string[]> {
  const texts = () => device.messages().map((m) => m.text);
  await waitUntil(() => wanted.every((text) => texts().includes(text)), 20_000, `messages ${wanted.join(", ")}`);
  return texts();
}

/** A fresh user (random name) logged in through route, on a raw device at the gateway route picked. */
export async function freshDevice(routeUrl: string, name: string): Promise<{ userId: string; token: string; device: RawDevice }> {
  const login = await registerUser(routeUrl, name);
  return { userId: login.userId, token: login.token, device: await rawDevice(login.gateway.wsUrl, login.token) };
}

/** What a gateway answered an upgrade it refused before it happened (rejects when the upgrade was accepted). */
export interface RefusedUpgrade {
  status: number | undefined;
  retryAfter: string | undefined;
  type: string | undefined;
  body: string;
}

/** Opens a WebSocket to `url` from `localAddress` and reads the refusal of its upgrade. */
export function refusedUpgrade(url: string, localAddress: string): Promise<RefusedUpgrade> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { localAddress });
    ws.on("error", reject);
    ws.on("open", () => {
      ws.terminate();
      reject(new Error("the upgrade was accepted"));
    });
    ws.on("unexpected-response", (_request, response) => {
      let text = "";
      response.on("data", (chunk: Buffer) => (text += chunk.toString()));
      response.on("end", () => resolve({ status: response.statusCode, retryAfter: response.headers["retry-after"], type: response.headers["content-type"], body: text }));
    });
  });
}
