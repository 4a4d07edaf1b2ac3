// Route's limits on one user's floods (rooms, invitations, joins and leaves, searches, HTTP sends), through
// app.request() on real Redis and ZooKeeper: each answered 429 with Retry-After, other users going on.
import { describe, expect, it } from "vitest";
import { PASSWORD, useSecurityHarness } from "./testing/security-harness.js";

const { h, unique, json, register, login, signedIn, expectRateLimited } = useSecurityHarness();

describe("room flood", () => {
  it("limits the rooms one user creates with 429 and Retry-After; other users go on", async () => {
    const [builder, other] = [await signedIn("builder", "10.10.0.1"), await signedIn("other", "10.10.0.1")];
    const create = (t: string) => h.call("POST", "/api/rooms", { token: t, body: { name: unique("room"), visibility: "public" } });
    for (let i = 0; i < 3; i++) expect((await create(builder)).status).toBe(201);
    await expectRateLimited(await create(builder));
    expect((await create(other)).status).toBe(201);
  });
});

describe("invitation flood", () => {
  it("limits the users one member invites with 429 and Retry-After, also again after each leave; other members go on", async () => {
    // Invitations had no bound: one user put a room in every user's list, and again after each leave (blocking the
    // inviter does not touch rooms).
    const signedInUser = async (prefix: string) => {
      const name = unique(prefix);
      await register(name, "10.10.1.1");
      return (await json(await login(name, PASSWORD, "10.10.1.1"))) as unknown as { token: string; userId: string };
    };
    const spammer = await signedInUser("spammer");
    const [first, second, third] = [await signedInUser("target"), await signedInUser("target"), await signedInUser("target")];
    const room = (await json(await h.call("POST", "/api/rooms", { token: spammer.token, body: { name: unique("prizes"), visibility: "private" } }))) as unknown as { roomId: string };
    const invite = (by: string, userId: string) => h.call("POST", `/api/rooms/${room.roomId}/members`, { token: by, body: { userId } });
    expect((await invite(spammer.token, first.userId)).status).toBe(201);
    expect((await invite(spammer.token, second.userId)).status).toBe(201);
    expect((await h.call("POST", `/api/rooms/${room.roomId}/leave`, { token: second.token })).status).toBe(204);
    expect((await invite(spammer.token, second.userId)).status).toBe(201);
    await expectRateLimited(await invite(spammer.token, third.userId));
    const members = (await json(await h.call("GET", `/api/rooms/${room.roomId}/members`, { token: spammer.token }))) as unknown as { members: Array<{ userId: string }> };
    expect(members.members.map((m) => m.userId)).not.toContain(third.userId);
    expect((await invite(first.token, third.userId)).status).toBe(201);
  });
});

describe("join and leave flood", () => {
  it("limits the joins and leaves of one user with 429 and Retry-After; other users go on", async () => {
    // Unbounded, one user's join-leave loop sent 200 RoomEvents to every member's sessions in 1.8 s and filled the
    // room's kept events.
    const [owner, flooder, other] = [await signedIn("owner", "10.10.2.1"), await signedIn("flooder", "10.10.2.1"), await signedIn("other", "10.10.2.1")];
    const room = (await json(await h.call("POST", "/api/rooms", { token: owner, body: { name: unique("busy"), visibility: "public" } }))) as unknown as { roomId: string };
    const join = (t: string) => h.call("POST", `/api/rooms/${room.roomId}/join`, { token: t });
    const leave = (t: string) => h.call("POST", `/api/rooms/${room.roomId}/leave`, { token: t });
    for (let i = 0; i < 2; i++) {
      expect((await join(flooder)).status).toBe(200);
      expect((await leave(flooder)).status).toBe(204);
    }
    await expectRateLimited(await join(flooder));
    expect((await join(other)).status).toBe(200);
    // The built-in room changes nothing and counts nothing.
    expect((await h.call("POST", "/api/rooms/everyone/join", { token: flooder })).status).toBe(200);
  });
});

describe("search flood", () => {
  it("limits the searches one user runs with 429 and Retry-After; other users go on", async () => {
    const [seeker, other] = [await signedIn("seeker", "10.11.0.1"), await signedIn("other", "10.11.0.1")];
    const search = (t: string) => h.call("GET", "/api/search?q=anything", { token: t });
    for (let i = 0; i < 3; i++) expect((await search(seeker)).status).toBe(200);
    await expectRateLimited(await search(seeker));
    expect((await search(other)).status).toBe(200);
  });
});

describe("send flood over HTTP", () => {
  it("limits one user's sends (edits and reactions too) on all route processes together with 429 and Retry-After; other users go on", async () => {
    const [sender, other] = [await signedIn("flooder", "10.12.0.1"), await signedIn("other", "10.12.0.1")];
    // A second route process over the same Redis: route is stateless, the count lives in Redis.
    const second = h.variant({});
    const send = (call: typeof h.call, t: string, body: Record<string, unknown>) => call("POST", "/api/messages", { token: t, body });
    const first = await send(h.call, sender, { text: "flood 1" });
    expect(first.status).toBe(202);
    const { msgId } = (await json(first)) as unknown as { msgId: string };
    expect((await send(second.call, sender, { text: "flood 2" })).status).toBe(202);
    expect((await send(h.call, sender, { editOf: msgId, text: "flood 1, edited" })).status).toBe(202);
    expect((await send(second.call, sender, { reactTo: msgId, reaction: "👍", text: "" })).status).toBe(202);
    for (const [call, body] of [[h.call, { text: "flood 5" }], [second.call, { reactTo: msgId, reaction: "🎉", text: "" }]] as const) {
      const refused = await send(call, sender, body);
      await expectRateLimited(refused);
      expect(Number(refused.headers.get("retry-after"))).toBeLessThanOrEqual(60);
    }
    expect((await send(second.call, other, { text: "not flooding" })).status).toBe(202);
    const history = (await json(await h.call("GET", "/api/history?limit=200", { token: other }))) as unknown as { messages: Array<{ text: string }> };
    const texts = history.messages.map((m) => m.text);
    expect(texts).toContain("not flooding");
    expect(texts).not.toContain("flood 5");
  });
});
