// Route while its Redis answers but refuses writes (NOREPLICAS from min-replicas-to-write here; a full AOF disk,
// MISCONF, takes the same path): a send or a login is "retry later", 503 unavailable with Retry-After, as when Redis
// is down, never a 500 (scripts/store-refusal-probe.ts found 500 internal and an error with a stack per request).
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { expectError, newUser, PASSWORD, type LoginAnswer } from "./testing/api-client.js";
import { startRouteHarness, type RouteHarness } from "./testing/route-harness.js";

let h: RouteHarness;
let alice: LoginAnswer;
let bob: LoginAnswer;

beforeAll(async () => {
  h = await startRouteHarness();
  [alice, bob] = await Promise.all([newUser(h, "alice"), newUser(h, "bob")]);
});
afterAll(async () => h?.stop());
afterEach(async () => {
  await h.redis.config("SET", "min-replicas-to-write", "0");
  await h.redis.config("SET", "maxmemory", "0");
});

const refuseWrites = () => h.redis.config("SET", "min-replicas-to-write", "1");

describe("route while Redis refuses writes", () => {
  it("answers a send 503 unavailable with Retry-After, stores nothing, and stores its resend once writes come back", async () => {
    await refuseWrites();
    const body = { to: bob.userId, text: "while refused", clientMsgId: "refused-1" };
    const refused = await h.call("POST", "/api/messages", { token: alice.token, body });
    await expectError(refused, 503, "unavailable");
    expect(refused.headers.get("retry-after")).toMatch(/^\d+$/);
    await h.redis.config("SET", "min-replicas-to-write", "0");
    const stored = await h.call("POST", "/api/messages", { token: alice.token, body });
    expect(stored.status).toBe(202);
    const history = await h.call("GET", `/api/history?with=${bob.userId}`, { token: alice.token });
    const texts = ((await history.json()) as { messages: Array<{ text: string }> }).messages.map((m) => m.text);
    expect(texts.filter((t) => t === "while refused")).toHaveLength(1);
  });

  it("answers a login 503 unavailable with Retry-After", async () => {
    await refuseWrites();
    const res = await h.call("POST", "/api/login", { body: { userName: alice.userName, password: PASSWORD } });
    await expectError(res, 503, "unavailable");
    expect(res.headers.get("retry-after")).toMatch(/^\d+$/);
  });

  it("answers a login 503 while Redis is out of memory (noeviction): its MULTI is aborted, OOM for each command", async () => {
    // Out of memory, Redis refuses every command queued in a MULTI, and EXEC answers EXECABORT (its causes in
    // previousErrors): taken for a bug, that was a 500 (store-refusal-probe --how oom).
    await h.redis.config("SET", "maxmemory-policy", "noeviction");
    await h.redis.config("SET", "maxmemory", "1");
    const res = await h.call("POST", "/api/login", { body: { userName: alice.userName, password: PASSWORD } });
    await expectError(res, 503, "unavailable");
    const sent = await h.call("POST", "/api/messages", { token: alice.token, body: { to: bob.userId, text: "oom", clientMsgId: "oom-1" } });
    await expectError(sent, 503, "unavailable");
  });
});
