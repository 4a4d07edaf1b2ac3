// A gateway at its open-files limit still reaches Redis: while connections flood in, it takes no more sockets than
// the limit less a reserve, so a Redis reconnect finds a file. Without the reserve every file freed by the lost Redis
// connection went to the flood, and ioredis retried with `connect EMFILE` until the flood stopped.
import { connect, type Socket } from "node:net";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCluster, waitUntil, type Cluster } from "@cim/devstack";

const OPEN_FILES = 300;

let cluster: Cluster;
let redis: Redis;
const sockets: Socket[] = [];

beforeAll(async () => {
  cluster = await startCluster({ gateways: 1, gatewayOpenFiles: OPEN_FILES });
  redis = new Redis(cluster.redis.port, "127.0.0.1");
});
afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  redis?.disconnect();
  await cluster?.stop();
});

/** The names of the gateway's connections that Redis holds now. */
async function gatewayConnections(): Promise<string[]> {
  const list = (await redis.client("LIST")) as string;
  return list.split("\n").flatMap((line) => line.match(/ name=(cim-gateway-\S+)/)?.[1] ?? []).sort();
}

describe("a gateway at its open-files limit", () => {
  it("closes the connections past its cap at once, logs it, and reconnects to Redis while they keep coming", async () => {
    const gateway = cluster.gateways[0]!;
    const both = ["cim-gateway-gw-a", "cim-gateway-gw-a-sub"];
    expect(await gatewayConnections()).toEqual(both);
    // Raw TCP connections, 20 every 20 ms, held open: more than the gateway may hold, until the test ends.
    const flood = setInterval(() => {
      for (let i = 0; i < 20; i++) {
        const socket = connect(gateway.port, "127.0.0.1");
        socket.on("error", () => undefined);
        socket.on("close", () => sockets.splice(sockets.indexOf(socket), 1));
        sockets.push(socket);
      }
    }, 20);
    try {
      await waitUntil(() => gateway.process.output().includes("connection closed at once"), 10_000, "the gateway closing connections past its cap");
      // The gateway's Redis connections end; each freed file is wanted by the flood and by the reconnect.
      await redis.client("KILL", "TYPE", "normal", "SKIPME", "yes");
      await redis.client("KILL", "TYPE", "pubsub");
      await waitUntil(async () => (await gatewayConnections()).length === 2, 8_000, "the gateway back on Redis");
      expect(await gatewayConnections()).toEqual(both);
      expect(gateway.process.output()).not.toContain("EMFILE");
    } finally {
      clearInterval(flood);
    }
  }, 40_000);
});
