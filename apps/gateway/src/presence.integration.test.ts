// Presence by interest over two gateways, real Redis and ZooKeeper: a session gets the state, then the changes,
// of exactly the users it subscribed; a session that never subscribes (an old client) gets no presence at all.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import { startCluster, waitUntil, type Cluster } from "@cim/devstack";
import type { Frame, Presence } from "@cim/protocol";
import { rawDevice, registerUser, type RawDevice } from "./test-support.js";

let cluster: Cluster;
const sockets: RawDevice[] = [];

beforeAll(async () => {
  cluster = await startCluster({ gateways: 2 });
});
afterAll(async () => {
  for (const socket of sockets) socket.ws.close();
  await cluster?.stop();
});

const wsUrl = (gateway: number) => `ws://127.0.0.1:${cluster.gateways[gateway]!.port}/ws`;

/** A fresh account; `on(gateway)` logs one device of it in there. */
async function account(name: string) {
  const login = await registerUser(cluster.route.url, name);
  return {
    userId: login.userId,
    userName: login.userName,
    on: async (gateway: number) => {
      const device = await rawDevice(wsUrl(gateway), login.token);
      sockets.push(device);
      return device;
    },
  };
}

/** Every presence body a socket received, batches flattened, in order. */
const presences = (socket: RawDevice): Presence[] =>
  socket.frames.flatMap((f: Frame) => (f.kind === "presence" ? [f.body] : f.kind === "presenceBatch" ? f.body.presences : []));
const presenceFrames = (socket: RawDevice) => socket.frames.filter((f) => f.kind === "presence" || f.kind === "presenceBatch");
const saw = (socket: RawDevice, userId: string, online: boolean) => presences(socket).some((p) => p.userId === userId && p.online === online);

describe("presence by interest", () => {
  it("answers a subscribe with the current state, then sends only the subscribed users' changes, across gateways", async () => {
    const [watcher, onlineOne, laterOne, unwatched, oldOne] = await Promise.all([account("wat"), account("onl"), account("lat"), account("unw"), account("old")]);
    const old = await oldOne.on(1); // an old client: never subscribes
    const watching = await watcher.on(0);
    const online = await onlineOne.on(1);

    watching.send({ kind: "presenceSubscribe", body: { userIds: [onlineOne.userId, laterOne.userId, "999999"] } });
    const answer = await watching.waitFor("presenceBatch");
    expect(answer.presences).toEqual([
      { userId: onlineOne.userId, userName: onlineOne.userName, online: true },
      { userId: laterOne.userId, userName: laterOne.userName, online: false },
    ]); // 999999 has no account: left out

    await unwatched.on(1); // published before laterOne's login on the same gateway, so heard first
    const later = await laterOne.on(1);
    await waitUntil(() => saw(watching, laterOne.userId, true), 10_000, "the watcher to see laterOne online");
    online.ws.close();
    await waitUntil(() => saw(watching, onlineOne.userId, false), 10_000, "the watcher to see onlineOne offline");
    expect(presences(watching).map((p) => p.userId)).not.toContain(unwatched.userId);
    expect(presences(watching).filter((p) => p.userId === watcher.userId)).toEqual([]);

    // The old client got none of it: a private message sent after everything above arrives with no presence before it.
    await watching.say({ to: oldOne.userId, text: "after the presence changes" });
    await waitUntil(() => old.messages().some((m) => m.text === "after the presence changes"), 10_000, "the old client's message");
    expect(presenceFrames(old)).toEqual([]);
    later.ws.close();
    const metrics = await (await fetch(`${cluster.gateways[0]!.url}/metrics`)).text();
    expect(metrics).toMatch(/^cim_gateway_presence_watched_users [1-9]/m);
    expect(metrics).toMatch(/^cim_gateway_presence_channels [1-9]/m);
  });

  it("a new list replaces the old one, an empty list stops, and a list over 500 is refused without changing anything", async () => {
    const [watcher, second, target, other] = await Promise.all([account("wat"), account("sec"), account("tgt"), account("oth")]);
    const watching = await watcher.on(0);
    const alsoWatching = await second.on(0); // same gateway: it hears the same changes at the same time
    alsoWatching.send({ kind: "presenceSubscribe", body: { userIds: [target.userId, other.userId] } });
    await alsoWatching.waitFor("presenceBatch");

    watching.send({ kind: "presenceSubscribe", body: { userIds: [target.userId] } });
    await watching.waitFor("presenceBatch");
    watching.send({ kind: "presenceSubscribe", body: { userIds: Array.from({ length: 501 }, (_, i) => String(i + 1)) } });
    const refused = await watching.waitFor("error");
    expect(refused.code).toBe("bad_request");
    expect(watching.ws.readyState).toBe(watching.ws.OPEN);
    const first = await target.on(1);
    await waitUntil(() => saw(watching, target.userId, true), 10_000, "the watcher to see the target online: its list stayed");

    watching.send({ kind: "presenceSubscribe", body: { userIds: [other.userId] } }); // replaces: target no longer watched
    await waitUntil(() => presenceFrames(watching).length === 3, 10_000, "the answer to the second list");
    expect(presenceFrames(watching)[2]).toEqual({ kind: "presenceBatch", body: { presences: [{ userId: other.userId, userName: other.userName, online: false }] } });
    first.ws.close();
    await waitUntil(() => saw(alsoWatching, target.userId, false), 10_000, "the other watcher to see the target offline");
    const o = await other.on(1);
    await waitUntil(() => saw(watching, other.userId, true) && saw(alsoWatching, other.userId, true), 10_000, "both watchers to see other online");
    expect(presences(watching).filter((p) => p.userId === target.userId && !p.online)).toHaveLength(1); // the first answer only

    watching.send({ kind: "presenceSubscribe", body: { userIds: [] } });
    await waitUntil(() => presenceFrames(watching).length === 5, 10_000, "the (empty) answer to the empty list");
    expect(presenceFrames(watching)[4]).toEqual({ kind: "presenceBatch", body: { presences: [] } });
    o.ws.close();
    await waitUntil(() => saw(alsoWatching, other.userId, false), 10_000, "the other watcher to see other offline");
    expect(presences(watching).filter((p) => p.userId === other.userId && !p.online)).toHaveLength(1); // the second answer only
  });

  it("a burst of lists from one session reads presence for the first and the latest only, not for each (it ran the gateway out of memory)", async () => {
    const [watcher, target] = await Promise.all([account("burst"), account("tgt")]);
    const watching = await watcher.on(0);
    const big = Array.from({ length: 500 }, (_, i) => String(900_000 + i)); // 500 names to look up per list
    const redis = new Redis(cluster.redis.address);
    const nameReads = async () => Number(/cmdstat_hmget:calls=(\d+)/.exec(await redis.info("commandstats"))?.[1] ?? 0);
    try {
      const before = await nameReads();
      for (let i = 0; i < 150; i++) watching.send({ kind: "presenceSubscribe", body: { userIds: big } });
      watching.send({ kind: "presenceSubscribe", body: { userIds: [target.userId] } });
      await waitUntil(() => presences(watching).some((p) => p.userId === target.userId), 30_000, "the answer to the latest list");
      // Each list read separately would be 151 × 500 name reads (75,500). Read one at a time, a list is read only when
      // the one before is answered: the first, the latest, and a few in between when the frames reach the gateway in
      // several TCP reads (4 lists, 2,001 reads, were seen).
      expect((await nameReads()) - before).toBeLessThan(10 * 500);
      expect(presenceFrames(watching).at(-1)).toEqual({ kind: "presenceBatch", body: { presences: [{ userId: target.userId, userName: target.userName, online: false }] } });
      expect(watching.ws.readyState).toBe(watching.ws.OPEN);
    } finally {
      redis.disconnect();
    }
  });

  it("after the bus connection is cut, the gateway answers every list again and hears changes again", async () => {
    const [watcher, target] = await Promise.all([account("wat"), account("tgt")]);
    const watching = await watcher.on(0);
    watching.send({ kind: "presenceSubscribe", body: { userIds: [target.userId] } });
    await watching.waitFor("presenceBatch");
    const redis = new Redis(cluster.redis.address);
    try {
      await redis.client("KILL", "TYPE", "pubsub"); // every gateway's subscriber connection
    } finally {
      redis.disconnect();
    }
    const answers = () => watching.frames.filter((f) => f.kind === "presenceBatch").length;
    await waitUntil(() => answers() === 2, 20_000, "the list to be answered again after the bus came back");
    await target.on(1);
    await waitUntil(() => saw(watching, target.userId, true), 10_000, "the watcher to see the target online after the reconnect");
  });

  it("a user opening and closing its only session in a loop reaches its watchers a few times a window, and they end on its true state", { timeout: 60_000 }, async () => {
    const [watcher, flapper] = await Promise.all([account("wat"), account("flap")]);
    const watching = await watcher.on(0);
    watching.send({ kind: "presenceSubscribe", body: { userIds: [flapper.userId] } });
    await watching.waitFor("presenceBatch");
    const changes = () => presences(watching).slice(1).filter((p) => p.userId === flapper.userId); // after the answer
    const started = Date.now();
    // 20 sessions of the flapper, each opened and closed on the other gateway (a sign-in, a sign-off).
    for (let i = 0; i < 20; i++) {
      const session = await flapper.on(1);
      session.ws.close();
      await session.closed;
    }
    const last = await flapper.on(1); // online at the end
    const seconds = (Date.now() - started) / 1000;
    // Before: one Presence per change heard, up to 41. Now the first 6 of each 10 s window, and one more at its end.
    await waitUntil(() => changes().at(-1)?.online === true && changes().length > 0, 20_000, "the watcher to end on online");
    expect(changes().length).toBeLessThanOrEqual(6 * Math.ceil(seconds / 10 + 1) + 2);
    last.ws.close();
    await waitUntil(() => changes().at(-1)?.online === false, 20_000, "the watcher to end on offline");
  });
});
