// CONTRACT's retention (added 2026-11-30) as an outside client sees it: with CIM_STREAM_MAX_AGE_SECONDS, route sweeps
// quiet conversations and inboxes, and "a device whose position was swept past is told to load history, as with any
// trim" (`Error{history_trimmed}`), for the group, a room and the inbox alike, also when the sweep emptied the stream.
// The test's one step outside the contract: it clears route's sweep turn (`cim-sweep:retention`) and starts route again,
// whose start sweeps at once, instead of waiting the interval (a minute at least).
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCluster, type Cluster } from "./cluster.js";
import { http, Session, type Body } from "./contract-client.js";

const MAX_AGE_SECONDS = 1;
let cluster: Cluster;
let redis: Redis;
const sessions: Session[] = [];
/** Names of each attempt's own: a retried case (vitest retries integration cases once) signs up again. */
let attempt = 0;
beforeAll(async () => {
  cluster = await startCluster({ gateways: 1, env: { CIM_STREAM_MAX_AGE_SECONDS: String(MAX_AGE_SECONDS) } });
  redis = new Redis(cluster.redis.address);
});
afterAll(async () => {
  for (const session of sessions) session.socket.terminate();
  redis?.disconnect();
  await cluster?.stop();
});

async function signUp(userName: string) {
  const base = cluster.route.url;
  expect((await http(base, "POST", "/api/register", { body: { userName, password: "contract-pass-1" } })).status).toBe(201);
  const login = await http(base, "POST", "/api/login", { body: { userName, password: "contract-pass-1" } });
  return login.json as { userId: string; token: string; gateway: { wsUrl: string } };
}

async function open(wsUrl: string, login: Body): Promise<Session> {
  const session = await Session.open(wsUrl);
  sessions.push(session);
  session.send("login", login);
  await session.frame("loginAck");
  return session;
}

async function send(session: Session, body: Body): Promise<string> {
  session.send("send", body);
  const ack = await session.frame("sendAck", (a) => a.clientMsgId === body.clientMsgId);
  return ack.msgId as string;
}

describe("retention", () => {
  it("a device back with a position older than swept messages is told history_trimmed; one at the newest swept message is not, before or after new messages", { timeout: 90_000 }, async () => {
    attempt++;
    const ann = await signUp(`ret-ann${attempt}`);
    const bob = await signUp(`ret-bob${attempt}`);
    const a = await open(ann.gateway.wsUrl, { token: ann.token });
    const room = (await http(cluster.route.url, "POST", "/api/rooms", { token: ann.token, body: { name: "Quiet", visibility: "public" } })).json!.roomId as string;
    expect((await http(cluster.route.url, "POST", `/api/rooms/${room}/join`, { token: bob.token })).status).toBe(200);
    const seen = { group: await send(a, { clientMsgId: "g1", text: "group 1" }), room: await send(a, { clientMsgId: "r1", room, text: "room 1" }), inbox: await send(a, { clientMsgId: "p1", to: bob.userId, text: "private 1" }) };
    const missed = { group: await send(a, { clientMsgId: "g2", text: "group 2" }), room: await send(a, { clientMsgId: "r2", room, text: "room 2" }), inbox: await send(a, { clientMsgId: "p2", to: bob.userId, text: "private 2" }) };
    a.socket.terminate();

    await new Promise((resolve) => setTimeout(resolve, MAX_AGE_SECONDS * 1_000 + 200));
    await redis.del("cim-sweep:retention");
    await cluster.route.stop();
    await cluster.restartRoute();
    const msgs = (conv: string) => `cim-c:{c:${conv}}:msgs`;
    const pair = Number(ann.userId) < Number(bob.userId) ? `p${ann.userId}-${bob.userId}` : `p${bob.userId}-${ann.userId}`;
    for (let i = 0; i < 100 && (await Promise.all([msgs("everyone"), msgs(room), msgs(pair)].map((key) => redis.xlen(key)))).some((n) => n > 0); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const history = await http(cluster.route.url, "GET", `/api/history?room=${room}`, { token: bob.token });
    expect(history.json!.messages).toEqual([]);

    // What the device is told before a message sent after its login: the notice comes, if at all, before it.
    const writer = await open(ann.gateway.wsUrl, { token: ann.token });
    let n = 0;
    const trimmedOf = async (positions: Body, to: Body) => {
      const device = await open(bob.gateway.wsUrl, { token: bob.token, ...positions });
      const msgId = await send(writer, { clientMsgId: `after-${++n}`, text: `after ${n}`, ...to });
      await device.frame("message", (m) => m.msgId === msgId);
      return device.frames.filter((f) => f.kind === "error").map((f) => f.body.code);
    };
    // At the newest message the sweep took, nothing was missed. Checked on the inbox while its stream is empty, before
    // any message after the sweep: the inbox's check is made before LoginAck.
    expect(await trimmedOf({ inboxAfter: missed.inbox }, { to: bob.userId })).toEqual([]);
    expect(await trimmedOf({ groupAfter: seen.group }, {})).toEqual(["history_trimmed"]);
    expect(await trimmedOf({ rooms: [{ room, after: seen.room }] }, { room })).toEqual(["history_trimmed"]);
    expect(await trimmedOf({ inboxAfter: seen.inbox }, { to: bob.userId })).toEqual(["history_trimmed"]);
    // Now that every stream holds messages sent after the sweep, a position at the newest swept one is still told
    // nothing (review26: it was told history_trimmed, the oldest entry left being all a stream told).
    expect(await trimmedOf({ groupAfter: missed.group }, {})).toEqual([]);
    expect(await trimmedOf({ rooms: [{ room, after: missed.room }] }, { room })).toEqual([]);
    expect(await trimmedOf({ inboxAfter: missed.inbox }, { to: bob.userId })).toEqual([]);
  });
});
