// While Redis loads its data after a restart (a large AOF; here `--key-load-delay`, a debugging option, makes a small
// one load for seconds), a Send is answered `unavailable` and route's request 503 at once, not after the Redis
// command timeout; the resends are stored once, in order, once Redis serves. The command timeout here is longer than
// the load, so a Send held for the ready connection would be answered only when Redis had loaded.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CimApiError, RouteApi } from "@cim/client";
import { fillAndRewriteAof, ping, startCluster, waitUntil, type Cluster } from "@cim/devstack";
import { freshDevice, type RawDevice } from "./test-support.js";

const COMMAND_TIMEOUT_MS = 60_000;
const FILLER_KEYS = 20_000;
/** Microseconds per key loaded: FILLER_KEYS of them take about 10 s. */
const KEY_LOAD_DELAY_US = 500;

let cluster: Cluster;
let api: RouteApi;
const devices: RawDevice[] = [];

beforeAll(async () => {
  cluster = await startCluster({ gateways: 1, env: { CIM_REDIS_COMMAND_TIMEOUT_MS: String(COMMAND_TIMEOUT_MS) } });
  api = new RouteApi(cluster.route.url);
});
afterAll(async () => {
  for (const device of devices) device.ws.close();
  await cluster?.stop();
});

const stillLoading = () => ping(cluster.redis.port, "PING\r\n", "-LOADING");
/** Whether a connection of that name is open to Redis (CLIENT LIST is served while it loads). */
const connected = (name: string) => ping(cluster.redis.port, "CLIENT LIST\r\n", `name=${name} `);

describe("Redis loading its data under running apps", () => {
  it("a Send is answered unavailable and an HTTP send 503 while Redis loads; the resends are stored once, in order", { timeout: 90_000 }, async () => {
    const ann = await freshDevice(cluster.route.url, "ann");
    const bob = await freshDevice(cluster.route.url, "bob");
    devices.push(ann.device, bob.device);
    await ann.device.say({ clientMsgId: "before", to: bob.userId, text: "before the restart" });
    await fillAndRewriteAof(cluster.redis.address, FILLER_KEYS);

    await cluster.redis.stop("SIGKILL");
    await cluster.redis.restart(["--key-load-delay", String(KEY_LOAD_DELAY_US), "--loading-process-events-interval-bytes", "1024"]);
    expect(await stillLoading()).toBe(true);
    // Route and the gateway are connected again (their connections wait for Redis to have loaded).
    await waitUntil(async () => (await connected("cim-route")) && (await connected("cim-gateway-gw-a")), 30_000, "route and the gateway to connect to the loading Redis");

    const ws = { clientMsgId: "during-ws", to: bob.userId, text: "sent while Redis loads" };
    const http = { clientMsgId: "during-http", to: bob.userId, text: "sent over HTTP while Redis loads" };
    const [wsAnswer, httpAnswer] = await Promise.all([
      ann.device.say(ws).then(() => "ack", (error: Error) => error.message),
      api.sendMessage(ann.token, http).then(() => 0, (error: CimApiError) => [error.status, error.code] as const),
    ]);
    expect([wsAnswer, httpAnswer]).toEqual(["unavailable", [503, "unavailable"]]);
    // Answered while Redis still loads: before, both waited for the end of the load, then were stored.
    expect(await stillLoading()).toBe(true);

    // As the SDK does after `unavailable`: the same clientMsgIds again until stored.
    await waitUntil(async () => !!(await ann.device.say(ws).catch(() => "")), 60_000, "the Send's resend to be acknowledged");
    await waitUntil(async () => !!(await api.sendMessage(ann.token, http).then((r) => r.msgId, () => "")), 20_000, "the HTTP resend to be stored");
    await waitUntil(() => bob.device.messages().some((m) => m.text === http.text), 20_000, "bob to get both");
    const { messages } = await api.history(ann.token, { with: bob.userId, limit: 10 });
    expect(messages.map((m) => m.text)).toEqual(["before the restart", ws.text, http.text]);
    expect(bob.device.messages().filter((m) => m.text === ws.text || m.text === http.text).map((m) => m.text)).toEqual([ws.text, http.text]);
  });
});
