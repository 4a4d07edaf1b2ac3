// Login policies against the user's live sessions (cim-u:{u:<id>}:gateways): multi's device limit, reject, replace.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { channels, user } from "@cim/state";
import { expectError, PASSWORD, registerUser } from "./testing/api-client.js";
import { recordBus } from "./testing/bus-recorder.js";
import { HARNESS_GATEWAY, startRouteHarness, type RouteHarness } from "./testing/route-harness.js";

const SECOND = { id: "gw-devices-2", wsUrl: "ws://127.0.0.1:39997/ws" };
let h: RouteHarness;

beforeAll(async () => {
  h = await startRouteHarness();
  await h.addGateway(SECOND.id, SECOND.wsUrl);
});
afterAll(async () => h?.stop());

const login = (call: RouteHarness["call"], userName: string, password = PASSWORD) => call("POST", "/api/login", { body: { userName, password } });
const sessions = (userId: string, counts: Record<string, number>) => h.redis.hset(user.gateways(userId), counts);

describe("policy multi (the default)", () => {
  it("admits logins while the user has fewer than CIM_MAX_DEVICES (10) live sessions across gateways, then answers 409 too_many_devices", async () => {
    const { userId, userName } = await registerUser(h, "devices");
    await sessions(userId, { [HARNESS_GATEWAY.id]: 5, [SECOND.id]: 4 });
    expect((await login(h.call, userName)).status).toBe(200);
    await sessions(userId, { [SECOND.id]: 5 });
    await expectError(await login(h.call, userName), 409, "too_many_devices");
  });

  it("lets a login already admitted reconnect at the cap: it is the same device (its own socket counts), no new one", async () => {
    const { userId, userName } = await registerUser(h, "at-cap");
    const { token } = (await (await login(h.call, userName)).json()) as { token: string };
    await sessions(userId, { [HARNESS_GATEWAY.id]: 10 });
    await expectError(await login(h.call, userName), 409, "too_many_devices");
    // The SDK renews a live session's token this way; a 409 here would end the renewals of every device at the cap.
    expect((await h.call("POST", "/api/reconnect", { token })).status).toBe(200);
  });

  // sec25: devices were sockets, and one login may open CIM_MAX_SESSIONS_PER_USER (10) of them: a stolen token open on
  // 10 sockets had the owner's own login refused too_many_devices, and the owner could not get in to change the password.
  it("counts a login's sockets as one device, on one gateway or several: a token open on 10 sockets keeps nobody out", async () => {
    const { userId, userName } = await registerUser(h, "one-login");
    const held = (logins: Record<string, number>) => {
      const byGateway: Record<string, number> = {};
      for (const [field, count] of Object.entries(logins)) byGateway[field.split(" ")[0]!] = (byGateway[field.split(" ")[0]!] ?? 0) + count;
      return Promise.all([h.redis.hset(user.logins(userId), logins), sessions(userId, byGateway)]);
    };
    await held({ [`${HARNESS_GATEWAY.id} stolen`]: 7, [`${SECOND.id} stolen`]: 3 });
    const owner = await login(h.call, userName);
    expect(owner.status).toBe(200);
    // With the token the owner changes the password: every other login ends, the stolen one included.
    const { token } = (await owner.json()) as { token: string };
    expect((await h.call("POST", "/api/password", { token, body: { currentPassword: PASSWORD, newPassword: "a-new-pass-for-the-owner-7" } })).status).toBe(204);
    // Ten logins are ten devices, however their sockets are spread.
    await h.redis.del(user.logins(userId), user.gateways(userId));
    await held(Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`${i % 2 ? SECOND.id : HARNESS_GATEWAY.id} login-${i}`, 1 + (i % 3)])));
    await expectError(await login(h.call, userName, "a-new-pass-for-the-owner-7"), 409, "too_many_devices");
  });

  it("counts only sessions on gateways that are live", async () => {
    const { userId, userName } = await registerUser(h, "stale");
    await sessions(userId, { "gw-gone": 50, [HARNESS_GATEWAY.id]: 1 });
    expect((await login(h.call, userName)).status).toBe(200);
  });

  it("takes its limit from CIM_MAX_DEVICES", async () => {
    const two = h.variant({ CIM_MAX_DEVICES: "2" });
    const { userId, userName } = await registerUser(h, "twodevices");
    expect((await login(two.call, userName)).status).toBe(200);
    await sessions(userId, { [HARNESS_GATEWAY.id]: 1 });
    expect((await login(two.call, userName)).status).toBe(200);
    await sessions(userId, { [SECOND.id]: 1 });
    await expectError(await login(two.call, userName), 409, "too_many_devices");
    // One device logs out (its gateway drops the count): a login fits again.
    await h.redis.hdel(user.gateways(userId), SECOND.id);
    expect((await login(two.call, userName)).status).toBe(200);
  });
});

describe("policy reject", () => {
  it("answers 409 already_online while any session is live, 200 when the only ones are on gone gateways", async () => {
    const reject = h.variant({ CIM_LOGIN_POLICY: "reject" });
    const { userId, userName } = await registerUser(h, "rejected");
    await sessions(userId, { "gw-gone": 1 });
    expect((await login(reject.call, userName)).status).toBe(200);
    await sessions(userId, { [SECOND.id]: 1 });
    await expectError(await login(reject.call, userName), 409, "already_online");
  });
});

describe("policy replace", () => {
  it("admits every login, however many sessions are live, and tells each gateway of the user to close every other login", async () => {
    const replace = h.variant({ CIM_LOGIN_POLICY: "replace" });
    const { userId, userName } = await registerUser(h, "replaced");
    await sessions(userId, { [HARNESS_GATEWAY.id]: 30, [SECOND.id]: 1 });
    const bus = await recordBus(h.redis, [channels.gateway(HARNESS_GATEWAY.id), channels.gateway(SECOND.id)]);
    try {
      const res = await login(replace.call, userName);
      expect(res.status).toBe(200);
      const { sessionId } = await h.services.tokens.verify(((await res.json()) as { token: string }).token);
      const kick = { type: "kick", userId, keepConnection: "", keepSession: sessionId };
      await bus.waitFor((m) => m.channel === channels.gateway(HARNESS_GATEWAY.id));
      await bus.waitFor((m) => m.channel === channels.gateway(SECOND.id));
      expect(bus.messages).toEqual(expect.arrayContaining([
        { ...kick, channel: channels.gateway(HARNESS_GATEWAY.id) }, { ...kick, channel: channels.gateway(SECOND.id) },
      ]));
    } finally {
      bus.stop();
    }
  });

  it("kicks nobody under multi", async () => {
    const { userId, userName } = await registerUser(h, "multikick");
    await sessions(userId, { [HARNESS_GATEWAY.id]: 1 });
    const bus = await recordBus(h.redis, [channels.gateway(HARNESS_GATEWAY.id)]);
    try {
      expect((await login(h.call, userName)).status).toBe(200);
      // A message published after the login arrives after anything the login published.
      await h.redis.publish(channels.gateway(HARNESS_GATEWAY.id), JSON.stringify({ type: "presence", userId, userName, online: true }));
      await bus.waitFor((m) => m.type === "presence");
      expect(bus.messages.map((m) => m.type)).toEqual(["presence"]);
    } finally {
      bus.stop();
    }
  });
});
