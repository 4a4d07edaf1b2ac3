// A gateway whose clock differs from route's. Route signs tokens with its clock (exp), the gateway checks them with
// its own: within CIM_CLOCK_TOLERANCE_SECONDS (60 s by default) of each other, logins and logouts work as with one
// clock. The gateway's clock is moved by a module preloaded into its process (Date.now shifted).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import { RouteApi } from "@cim/client";
import { newUser, startCluster, TEST_TOKEN_SECRET, type Cluster, type RecordingClient } from "@cim/devstack";
import { keys } from "@cim/state";
import { TokenSigner } from "@cim/token";

/** Route's shortest token lifetime. */
const TOKEN_TTL_S = 30;
/** The gateway's clock ahead of route's: more than a token's lifetime, less than the tolerance on top of it. */
const GATEWAY_AHEAD_MS = 45_000;
const TOLERANCE_S = 60;

let cluster: Cluster;
let dir: string;
const clients: RecordingClient[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "cim-clock-"));
  const shift = join(dir, "clock-shift.mjs");
  writeFileSync(shift, `const real = Date.now; Date.now = () => real() + ${GATEWAY_AHEAD_MS};\n`);
  cluster = await startCluster({
    gateways: 1,
    // A login of a minute: its end comes before a token lifetime plus route's clock skew allowance (5 min).
    routeEnv: { CIM_TOKEN_TTL_SECONDS: String(TOKEN_TTL_S), CIM_SESSION_MAX_SECONDS: "60" },
    gatewayEnv: { NODE_OPTIONS: `--import ${shift}` },
  });
});
afterAll(async () => {
  for (const client of clients) client.close();
  await cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("a gateway's clock ahead of route's", () => {
  it("by more than a token's lifetime (within the tolerance): users log in through it and chat", async () => {
    // Before the fix the gateway refused every fresh token ("token expired": 4401), and the SDK's login failed.
    const ann = await newUser(cluster.route.url, "ann");
    const bob = await newUser(cluster.route.url, "bob");
    clients.push(ann, bob);
    expect([ann.state, bob.state]).toEqual(["online", "online"]);
    const { msgId } = await ann.send({ to: bob.session!.userId, text: "across clocks" });
    await bob.waitForText("across clocks");
    expect(bob.messages.filter((m) => m.msgId === msgId)).toHaveLength(1);
  });

  it("a logout's mark outlasts the login's end (its last token's expiry) by the tolerance, for gateways whose clock is behind route's or that allow it", async () => {
    const api = new RouteApi(cluster.route.url);
    const name = `cat-${Math.random().toString(36).slice(2, 8)}`;
    await api.register(name, "cim-test-pass-1");
    const { token } = await api.login(name, "cim-test-pass-1");
    const { sessionId, sessionEnd } = await new TokenSigner(TEST_TOKEN_SECRET, 60).verify(token);
    await api.logout(token);
    const redis = new Redis(cluster.redis.address);
    try {
      const ttl = await redis.ttl(keys.revoked(sessionId));
      // Before the fix it ended with the login (route's clock): a gateway behind, or allowing the tolerance, took the
      // login's last token again after that.
      expect(ttl).toBeGreaterThan(sessionEnd - Math.floor(Date.now() / 1000) + TOLERANCE_S - 5);
    } finally {
      redis.disconnect();
    }
  });
});
