// Bad logins (no Login in time, a frame before it, forged, expired or orphaned tokens, odd cursors, a foreign Origin)
// are refused with the contract's code, and only that socket.
import { describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import WebSocket from "ws";
import { encodeFrame } from "@cim/protocol";
import { TokenSigner } from "@cim/token";
import { TEST_TOKEN_SECRET, waitUntil } from "@cim/devstack";
import { useBadInput } from "./bad-input-support.js";

const system = useBadInput();
const { raw, othersStillServed } = system;

describe("bad input on the gateway", () => {
  it("no Login in time closes with 4408", async () => {
    const socket = await raw();
    expect((await socket.closed).code).toBe(4408);
  });

  it("a forged token is refused with an Error and 4401", async () => {
    const { token } = await new TokenSigner("someone-elses-secret-0123456789abcdef", 60).sign({ userId: system.ann.session!.userId, userName: "ann" });
    const socket = await raw();
    socket.ws.send(encodeFrame({ kind: "login", body: { token } }));
    expect((await socket.closed).code).toBe(4401);
    expect(socket.frames).toContainEqual(expect.objectContaining({ kind: "error", body: expect.objectContaining({ code: "unauthorized" }) }));
    await othersStillServed("forged");
  });

  it("a login's logout token (route's other issuer, kept by a device whose logout waits) is refused with an Error and 4401", async () => {
    const userName = `lt-${Math.random().toString(36).slice(2, 8)}`;
    await system.ann.api.register(userName, "cim-test-pass-1");
    const { logoutToken } = await system.ann.api.login(userName, "cim-test-pass-1");
    expect(typeof logoutToken).toBe("string");
    const socket = await raw();
    socket.ws.send(encodeFrame({ kind: "login", body: { token: logoutToken! } }));
    expect((await socket.closed).code).toBe(4401);
    expect(socket.frames).toContainEqual(expect.objectContaining({ kind: "error", body: expect.objectContaining({ code: "unauthorized" }) }));
    await othersStillServed("logout-token");
  });

  it("an expired token (past CIM_CLOCK_TOLERANCE_SECONDS, 60 s) is refused with 4401", async () => {
    const { token } = await new TokenSigner(TEST_TOKEN_SECRET, -600).sign({ userId: system.ann.session!.userId, userName: "ann" });
    const socket = await raw();
    socket.ws.send(encodeFrame({ kind: "login", body: { token } }));
    const closed = await socket.closed;
    expect(closed.code).toBe(4401);
    expect(closed.reason).toMatch(/expired/);
  });

  it("a token whose account is gone, or whose userId now names another account, is refused with an Error and 4401", async () => {
    const redis = new Redis(system.cluster.redis.address);
    try {
      const tokens: string[] = [];
      for (const prefix of ["gone", "reused"]) {
        const userName = `${prefix}-${Math.random().toString(36).slice(2, 8)}`;
        await system.ann.api.register(userName, "cim-test-pass-1");
        const { token, userId } = await system.ann.api.login(userName, "cim-test-pass-1");
        // Redis's data lost: the account is gone, or its id was given to a newcomer.
        if (prefix === "gone") await redis.del(`cim-account:${userId}`);
        else await redis.hset(`cim-account:${userId}`, "userName", `newcomer-${userName}`);
        tokens.push(token);
      }
      for (const token of tokens) {
        const socket = await raw();
        socket.ws.send(encodeFrame({ kind: "login", body: { token } }));
        expect((await socket.closed).code).toBe(4401);
        expect(socket.frames).toContainEqual(expect.objectContaining({ kind: "error", body: expect.objectContaining({ code: "unauthorized" }) }));
      }
      await othersStillServed("gone-account");
    } finally {
      redis.disconnect();
    }
  });

  it("a frame before Login closes with 4401", async () => {
    const socket = await raw();
    socket.ws.send(encodeFrame({ kind: "send", body: { clientMsgId: "x", to: "", text: "sneaky" } }));
    expect((await socket.closed).code).toBe(4401);
  });

  it("login cursors past the largest stream id count as none: LoginAck, and the session works (was Error unavailable and 1011)", async () => {
    const userName = `cur-${Math.random().toString(36).slice(2, 8)}`;
    await system.ann.api.register(userName, "cim-test-pass-1");
    const { token } = await system.ann.api.login(userName, "cim-test-pass-1");
    const socket = await raw();
    const huge = "99999999999999999999";
    socket.ws.send(encodeFrame({ kind: "login", body: { token, groupAfter: huge, inboxAfter: "18446744073709551616", rooms: [{ room: "everyone", after: huge }] } }));
    await waitUntil(() => socket.frames.some((f) => f.kind === "loginAck"), 5_000, "LoginAck");
    socket.ws.send(encodeFrame({ kind: "send", body: { clientMsgId: "c1", to: system.bob.session!.userId, text: "cursors ignored" } }));
    await waitUntil(() => socket.frames.some((f) => f.kind === "sendAck" || f.kind === "error"), 5_000, "SendAck");
    expect(socket.frames.filter((f) => f.kind === "error")).toEqual([]);
    expect(socket.ws.readyState).toBe(WebSocket.OPEN);
    socket.ws.close();
  });

  it("an upgrade from a page of another origin is refused", async () => {
    await expect(raw({ origin: "http://evil.example" })).rejects.toThrow(/403/);
  });
});
