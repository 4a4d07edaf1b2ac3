import { describe, expect, it, vi } from "vitest";
import { parseRetryAfter, RouteApi } from "./route-api.js";
import { fakeRoute } from "./testing.js";

describe("RouteApi errors", () => {
  it("a 429 carries route's Retry-After as retryAfterSeconds, with the server's code and message", async () => {
    const route = fakeRoute(() => ({ status: 429, body: { error: { code: "rate_limited", message: "too many failed logins for ann: try again in 30 s" } }, headers: { "retry-after": "30" } }));
    const api = new RouteApi("http://route.test", route.fetch);
    await expect(api.login("ann", "cim-test-pass-1")).rejects.toMatchObject({ status: 429, code: "rate_limited", retryAfterSeconds: 30, message: expect.stringContaining("try again in 30 s") });
  });

  it("a 400 weak_password keeps the server's message; no Retry-After means none", async () => {
    const route = fakeRoute(() => ({ status: 400, body: { error: { code: "weak_password", message: "that password is too common" } } }));
    const error = await new RouteApi("http://route.test", route.fetch).register("ann", "password1").catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 400, code: "weak_password", message: "that password is too common", retryAfterSeconds: undefined });
  });

  it("a send's 503 carries the clientMsgId it may be stored under, to send it again with", async () => {
    const route = fakeRoute(() => ({ status: 503, body: { error: { code: "unavailable", message: "temporarily unavailable, retry", clientMsgId: "http-7f3a" } }, headers: { "retry-after": "1" } }));
    const error = await new RouteApi("http://route.test", route.fetch).sendMessage("t", { to: "2", text: "hi" }).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 503, code: "unavailable", retryAfterSeconds: 1, clientMsgId: "http-7f3a" });
  });

  it("reads Retry-After as seconds or as an HTTP date", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(parseRetryAfter("12", now)).toBe(12);
    expect(parseRetryAfter("Thu, 01 Jan 2026 00:01:00 GMT", now)).toBe(60);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});

describe("RouteApi: rooms, users, conversations", () => {
  const ROOM = { roomId: "r1", name: "lunch", visibility: "public", owner: "7" };
  function setup() {
    const route = fakeRoute((call) => {
      const answers: Record<string, { status: number; body?: unknown }> = {
        "POST /api/rooms": { status: 201, body: ROOM },
        "GET /api/rooms": { status: 200, body: { rooms: [{ ...ROOM, unread: 3, lastMsgId: "99" }] } },
        "GET /api/rooms/public": { status: 200, body: { rooms: [{ roomId: "r1", name: "lunch", members: 4 }] } },
        "POST /api/rooms/r1/join": { status: 200, body: ROOM },
        "POST /api/rooms/r1/leave": { status: 204 },
        "POST /api/rooms/r1/members": { status: 201, body: { roomId: "r1", userId: "9", userName: "bob" } },
        "GET /api/rooms/r1/members": { status: 200, body: { members: [{ userId: "7", userName: "ann", online: true }] } },
        "GET /api/users": { status: 200, body: { users: [{ userId: "9", userName: "bob", online: false }] } },
        "GET /api/conversations": { status: 200, body: { conversations: [{ conversation: "9", kind: "private", name: "bob", unread: 1, lastMsgId: "5", readUpTo: "4" }] } },
        "GET /api/history": { status: 200, body: { messages: [] } },
        "POST /api/messages": { status: 202, body: { msgId: "77" } },
      };
      return answers[`${call.method} ${call.path}`] ?? { status: 404, body: { error: { code: "not_found", message: call.path } } };
    });
    return { route, api: new RouteApi("http://route.test", route.fetch) };
  }

  it("calls each endpoint with the token and returns the typed answer", async () => {
    const { route, api } = setup();
    expect(await api.createRoom("tk", { name: "lunch", visibility: "public" })).toEqual(ROOM);
    expect((await api.rooms("tk")).rooms[0]).toMatchObject({ roomId: "r1", unread: 3, lastMsgId: "99" });
    expect((await api.publicRooms("tk", { prefix: "lu", limit: 5 })).rooms).toEqual([{ roomId: "r1", name: "lunch", members: 4 }]);
    expect(await api.joinRoom("tk", "r1")).toEqual(ROOM);
    await expect(api.leaveRoom("tk", "r1")).resolves.toBeUndefined();
    expect(await api.invite("tk", "r1", "9")).toEqual({ roomId: "r1", userId: "9", userName: "bob" });
    expect((await api.members("tk", "r1")).members).toEqual([{ userId: "7", userName: "ann", online: true }]);
    expect((await api.users("tk", { prefix: "b" })).users).toEqual([{ userId: "9", userName: "bob", online: false }]);
    expect((await api.conversations("tk")).conversations).toHaveLength(1);
    await api.history("tk", { room: "r1", before: "50", limit: 20 });
    expect(await api.sendMessage("tk", { room: "r1", text: "hi" })).toEqual({ msgId: "77" });
    expect(route.calls.every((c) => c.token === "tk")).toBe(true);
    expect(route.calls.map((c) => c.body).filter(Boolean)).toEqual([{ name: "lunch", visibility: "public" }, { userId: "9" }, { room: "r1", text: "hi" }]);
  });

  it("puts only the parameters given in the query", async () => {
    const urls: string[] = [];
    const api = new RouteApi("http://route.test", async (input) => (urls.push(String(input)), new Response(JSON.stringify({ rooms: [], users: [], messages: [] }), { status: 200 })));
    await api.publicRooms("tk", { prefix: "lu", limit: 5 });
    await api.publicRooms("tk");
    await api.users("tk", { prefix: "an d" });
    await api.history("tk", { room: "r1", before: "50", limit: 20 });
    await api.history("tk", { with: "9" });
    await api.history("tk");
    expect(urls.map((u) => u.replace("http://route.test", ""))).toEqual([
      "/api/rooms/public?prefix=lu&limit=5",
      "/api/rooms/public",
      "/api/users?prefix=an+d",
      "/api/history?room=r1&before=50&limit=20",
      "/api/history?with=9",
      "/api/history",
    ]);
  });

  it("a 403 for a room the user is not in keeps route's code", async () => {
    const route = fakeRoute(() => ({ status: 403, body: { error: { code: "not_member", message: "not a member of r2" } } }));
    const api = new RouteApi("http://route.test", route.fetch);
    await expect(api.history("tk", { room: "r2" })).rejects.toMatchObject({ status: 403, code: "not_member" });
    await expect(api.joinRoom("tk", "r2")).rejects.toMatchObject({ status: 403 });
  });
});

describe("RouteApi.onlinePage", () => {
  it("asks for a page with cursor, limit and prefix, and leaves out what is empty", async () => {
    const route = fakeRoute(() => ({ status: 200, body: { users: [{ userId: "9", userName: "bob" }], count: 12, nextCursor: "Ym9i" } }));
    const api = new RouteApi("http://route.test", route.fetch);
    expect(await api.onlinePage("t", { prefix: "bo", limit: 20 })).toEqual({ users: [{ userId: "9", userName: "bob" }], count: 12, nextCursor: "Ym9i" });
    await api.onlinePage("t", { cursor: "Ym9i" });
    expect(route.calls.map((c) => `${c.method} ${c.path}${c.query ?? ""}`)).toEqual(["GET /api/online?limit=20&prefix=bo", "GET /api/online?cursor=Ym9i&limit=50"]);
  });
});

describe("RouteApi.memberPage", () => {
  it("asks for a page of a room's members with cursor, limit and prefix, and leaves out what is empty", async () => {
    const answer = { members: [{ userId: "9", userName: "bob", online: false }], count: 3000, nextCursor: "Ym9i" };
    const route = fakeRoute(() => ({ status: 200, body: answer }));
    const api = new RouteApi("http://route.test", route.fetch);
    expect(await api.memberPage("t", "r7", { prefix: "bo", limit: 20 })).toEqual(answer);
    await api.memberPage("t", "r7", { cursor: "Ym9i", prefix: "" });
    expect(route.calls.map((c) => `${c.method} ${c.path}${c.query ?? ""}`)).toEqual(["GET /api/rooms/r7/members?limit=20&prefix=bo", "GET /api/rooms/r7/members?cursor=Ym9i&limit=50"]);
  });
});

describe("RouteApi.conversationPage, roomPage and searchPage", () => {
  it("ask for a page with cursor and limit (conversations and rooms: 30 unless told), search with an empty cursor first", async () => {
    const route = fakeRoute(() => ({ status: 200, body: { conversations: [], results: [], nextCursor: "" } }));
    const api = new RouteApi("http://route.test", route.fetch);
    expect(await api.conversationPage("t")).toEqual({ conversations: [], results: [], nextCursor: "" });
    await api.conversationPage("t", { cursor: "YzE", limit: 10 });
    await api.roomPage("t");
    await api.roomPage("t", { cursor: "cjE", limit: 100 });
    await api.searchPage("t", { q: "walrus", limit: 5 });
    await api.searchPage("t", { q: "walrus", cursor: "czE" });
    expect(route.calls.map((c) => `${c.method} ${c.path}${c.query ?? ""}`)).toEqual([
      "GET /api/conversations?limit=30", "GET /api/conversations?cursor=YzE&limit=10", "GET /api/rooms?limit=30", "GET /api/rooms?cursor=cjE&limit=100",
      "GET /api/search?q=walrus&limit=5&cursor=", "GET /api/search?q=walrus&cursor=czE",
    ]);
  });
});

describe("RouteApi: a route that never answers", () => {
  /** A fetch that answers only when aborted, as a frozen route (or one whose host vanished) would. */
  const hangingFetch = ((_input: unknown, init?: RequestInit) =>
    new Promise<Response>((_resolve, reject) => init?.signal?.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError"))))) as typeof fetch;

  it("gives a call up after its timeout as unreachable (status 0), which callers retry", async () => {
    vi.useFakeTimers();
    try {
      const api = new RouteApi("http://route.test", hangingFetch, 5_000);
      const answer = api.reconnect("token", "gw-a").catch((e: unknown) => e);
      await vi.advanceTimersByTimeAsync(4_999);
      let settled = false;
      void answer.then(() => (settled = true));
      await vi.advanceTimersByTimeAsync(0);
      expect(settled).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect(await answer).toMatchObject({ name: "CimApiError", status: 0, code: "unreachable", message: "route did not answer within 5 s" });
    } finally {
      vi.useRealTimers();
    }
  });

  it("gives up on an answer whose body never ends", async () => {
    vi.useFakeTimers();
    try {
      const stalledBody = ((_input: unknown, init?: RequestInit) => {
        const body = new ReadableStream({ start: (controller) => init?.signal?.addEventListener("abort", () => controller.error(new DOMException("aborted", "AbortError"))) });
        return Promise.resolve(new Response(body, { status: 200 }));
      }) as typeof fetch;
      const api = new RouteApi("http://route.test", stalledBody, 5_000);
      const answer = api.conversations("token").catch((e: unknown) => e);
      await vi.advanceTimersByTimeAsync(5_000);
      expect(await answer).toMatchObject({ status: 0, code: "unreachable", message: "route did not answer within 5 s" });
    } finally {
      vi.useRealTimers();
    }
  });
});
