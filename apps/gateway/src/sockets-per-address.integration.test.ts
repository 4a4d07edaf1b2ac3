// One address cannot pile up logged-in sockets on a gateway: logins are capped per user, and an address registers 50
// users an hour (10 sockets each), so only a cap per address bounds what it holds. Real route, gateway, Redis, ZooKeeper.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCluster, waitUntil, type Cluster } from "@cim/devstack";
import { openRaw, refusedUpgrade, registerUser, type RawSocket } from "./test-support.js";

let cluster: Cluster;
let wsUrl: string;
const sockets: RawSocket[] = [];

beforeAll(async () => {
  // 127.0.0.1 (route's registrations, the exempt check) stays exempt; the cap is tried from 127.0.0.2 and 127.0.0.3.
  cluster = await startCluster({ gateways: 1, gatewayEnv: { CIM_CONNECT_LIMIT_EXEMPT: "127.0.0.1", CIM_MAX_SOCKETS_PER_IP: "4" } });
  wsUrl = `${cluster.gateways[0]!.url.replace(/^http/, "ws")}/ws`;
});
afterAll(async () => {
  for (const socket of sockets) socket.ws.terminate();
  await cluster?.stop();
});

/** A socket from `localAddress` logged in as a fresh user (LoginAck received). */
async function loggedIn(localAddress: string, token?: string): Promise<RawSocket> {
  const login = token ?? (await registerUser(cluster.route.url, "addr")).token;
  const socket = await openRaw(wsUrl, { localAddress });
  sockets.push(socket);
  socket.send({ kind: "login", body: { token: login, messageBatches: true } });
  await socket.waitFor("loginAck");
  return socket;
}

describe("sockets of one address on a gateway (CIM_MAX_SOCKETS_PER_IP)", () => {
  it("refuses an address's upgrade beyond its cap of logged-in sockets of several users with 429 rate_limited, other addresses unaffected", async () => {
    // Two users of one address, two devices each: the per-user cap (10) is far.
    const tokens = [(await registerUser(cluster.route.url, "a")).token, (await registerUser(cluster.route.url, "b")).token];
    for (const token of [...tokens, ...tokens]) await loggedIn("127.0.0.2", token);
    const refused = await refusedUpgrade(wsUrl, "127.0.0.2");
    expect(refused.status).toBe(429);
    expect(refused.retryAfter).toBe("10");
    expect(JSON.parse(refused.body)).toEqual({ error: { code: "rate_limited", message: "this address holds 4 sockets on this gateway already" } });
    await waitUntil(() => cluster.gateways[0]!.process.output().includes("upgrade refused: this address holds 4 sockets on this gateway already"), 10_000, "the refusal to be logged");
    // Another address, and another user of the first one on another address, get in.
    await loggedIn("127.0.0.3");
    await loggedIn("127.0.0.3", tokens[0]);
    const metrics = await (await fetch(`${cluster.gateways[0]!.url}/metrics`)).text();
    expect(metrics).toMatch(/cim_gateway_upgrades_refused_total\{reason="sockets"\} [1-9]/);
  });

  it("frees a place when one of the address's sockets closes", async () => {
    await expect(refusedUpgrade(wsUrl, "127.0.0.2")).resolves.toMatchObject({ status: 429 });
    const first = sockets[0]!; // one of 127.0.0.2's four
    first.ws.close();
    await first.closed;
    // The close is counted once the gateway hears it: wait for the place rather than a time.
    await waitUntil(async () => {
      try {
        await loggedIn("127.0.0.2");
        return true;
      } catch {
        return false;
      }
    }, 10_000, "a place for 127.0.0.2 after one of its sockets closed");
  });

  it("leaves exempt addresses (loopback by default) uncapped", async () => {
    for (let i = 0; i < 6; i++) await loggedIn("127.0.0.1");
  });
});
