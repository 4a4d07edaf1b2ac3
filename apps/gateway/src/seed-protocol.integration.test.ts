// The seed's first protocol (commit d269b68's cim.proto: ten frame kinds, Login{token} only, no field added since)
// spoken by a client that knows nothing else: CONTRACT keeps every addition compatible with it.
import { execFileSync } from "node:child_process";
import protobuf from "protobufjs";
import WebSocket from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT, startCluster, waitUntil, type Cluster } from "@cim/devstack";
import { registerUser } from "./test-support.js";

const SEED_PROTO = execFileSync("git", ["show", "d269b68:packages/protocol/proto/cim.proto"], { cwd: REPO_ROOT, encoding: "utf8" });
const Frame = protobuf.parse(SEED_PROTO, { keepCase: false }).root.lookupType("cim.Frame");
const SEED_KINDS = ["login", "loginAck", "error", "ping", "pong", "send", "sendAck", "message", "delivered", "presence"];

interface SeedFrame { [kind: string]: Record<string, unknown> | undefined }
interface SeedClient { ws: WebSocket; frames: SeedFrame[]; send: (frame: SeedFrame) => void; closed: Promise<number> }

async function seedClient(wsUrl: string): Promise<SeedClient> {
  const ws = new WebSocket(wsUrl);
  const frames: SeedFrame[] = [];
  ws.on("message", (data) => frames.push(Frame.toObject(Frame.decode(data as Buffer), { longs: Number, defaults: true, oneofs: true }) as SeedFrame));
  const closed = new Promise<number>((resolve) => ws.on("close", (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => { ws.once("open", () => resolve()); ws.once("error", reject); });
  return { ws, frames, closed, send: (frame) => ws.send(Frame.encode(Frame.fromObject(frame)).finish()) };
}

const bodyOf = (frame: SeedFrame) => (frame as { body?: string }).body;
function waitFor(client: SeedClient, kind: string, match: (body: Record<string, unknown>) => boolean = () => true) {
  const find = () => client.frames.find((f) => bodyOf(f) === kind && match(f[kind]!));
  return waitUntil(() => !!find(), 20_000, `a seed ${kind}`).then(() => find()![kind]!);
}

let cluster: Cluster;
const sockets: WebSocket[] = [];
beforeAll(async () => { cluster = await startCluster({ gateways: 2 }); });
afterAll(async () => { for (const ws of sockets) ws.terminate(); await cluster?.stop(); });

describe("a client of the seed's first protocol", () => {
  it("logs in, sends to the group and to a user, gets messages and pongs, and every frame it gets is one it knows", async () => {
    const ann = await registerUser(cluster.route.url, "seed-ann");
    const bob = await registerUser(cluster.route.url, "seed-bob");
    const a = await seedClient(ann.gateway.wsUrl);
    const b = await seedClient(bob.gateway.wsUrl);
    sockets.push(a.ws, b.ws);
    a.send({ login: { token: ann.token } });
    b.send({ login: { token: bob.token } });
    const ack = await waitFor(a, "loginAck");
    expect(ack).toMatchObject({ userId: ann.userId, userName: ann.userName });
    expect(ack.heartbeatMs).toBeGreaterThan(0);
    await waitFor(b, "loginAck");

    a.send({ send: { clientMsgId: "seed-1", to: bob.userId, text: "seed private" } });
    expect(await waitFor(a, "sendAck", (s) => s.clientMsgId === "seed-1")).toMatchObject({ clientMsgId: "seed-1" });
    const got = await waitFor(b, "message", (m) => m.text === "seed private");
    expect(got).toMatchObject({ from: ann.userId, fromName: ann.userName, to: bob.userId });
    // The first protocol's receipt names no sender: it counts, and the sender is told who received it.
    b.send({ delivered: { msgId: got.msgId } });
    expect(await waitFor(a, "delivered", (d) => d.msgId === got.msgId)).toEqual({ msgId: got.msgId, by: bob.userId });

    a.send({ send: { clientMsgId: "seed-2", text: "seed group" } });
    await waitFor(a, "sendAck", (s) => s.clientMsgId === "seed-2");
    expect(await waitFor(b, "message", (m) => m.text === "seed group")).toMatchObject({ from: ann.userId, to: "" });

    b.send({ ping: { ts: 12345 } });
    expect(await waitFor(b, "pong")).toEqual({ ts: 12345 });

    // A reconnect with the seed's Login (no cursors): the inbox from what it acknowledged, in frames it knows.
    for (let i = 0; i < 5; i++) a.send({ send: { clientMsgId: `seed-burst-${i}`, to: bob.userId, text: `seed burst ${i}` } });
    await waitFor(b, "message", (m) => m.text === "seed burst 4");
    b.ws.close();
    const b2 = await seedClient(bob.gateway.wsUrl);
    sockets.push(b2.ws);
    b2.send({ login: { token: bob.token } });
    await waitFor(b2, "loginAck");
    // What it acknowledged does not come again; what it did not, comes.
    await waitFor(b2, "message", (m) => m.text === "seed burst 4");
    expect(b2.frames.filter((f) => bodyOf(f) === "message").map((f) => f.message!.text)).toEqual([0, 1, 2, 3, 4].map((i) => `seed burst ${i}`));
    a.send({ send: { clientMsgId: "seed-3", to: bob.userId, text: "seed after reconnect" } });
    const last = await waitFor(b2, "message", (m) => m.text === "seed after reconnect");
    b2.send({ delivered: { msgId: last.msgId } });
    await waitFor(a, "delivered", (d) => d.msgId === last.msgId);

    // Edited and deleted while it was away (2026-11-30: every read hands out the newest text, "" once deleted): the
    // seed's client gets the frames it knows, the events as messages whose editOf it ignores, and no old text.
    b2.ws.close();
    const post = async (body: Record<string, unknown>) => {
      const res = await fetch(`${cluster.route.url}/api/messages`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${ann.token}` }, body: JSON.stringify({ to: bob.userId, ...body }) });
      expect(res.status).toBe(202);
      return ((await res.json()) as { msgId: string }).msgId;
    };
    const edited = await post({ text: "the code is 1234" });
    const deleted = await post({ text: "my pin is 4711" });
    await post({ text: "the code is 5678", editOf: edited });
    await post({ text: "", editOf: deleted, delete: true });
    const b3 = await seedClient(bob.gateway.wsUrl);
    sockets.push(b3.ws);
    b3.send({ login: { token: bob.token } });
    await waitUntil(() => b3.frames.filter((f) => bodyOf(f) === "message").length >= 4, 20_000, "the seed client's replay");
    expect(b3.frames.filter((f) => bodyOf(f) === "message").map((f) => f.message!.text)).toEqual(["the code is 5678", "", "the code is 5678", ""]);

    for (const client of [a, b, b2, b3]) {
      const unknown = client.frames.filter((f) => !SEED_KINDS.includes(bodyOf(f) ?? ""));
      expect(unknown).toEqual([]);
    }
  });
});
