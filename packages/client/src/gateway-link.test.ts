import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Frame } from "@cim/protocol";
import { GatewayLink } from "./gateway-link.js";
import { FakeSocket } from "./testing.js";

function setup() {
  let socket!: FakeSocket;
  const seen: string[] = [];
  const link = new GatewayLink({
    url: "ws://gw-a/ws",
    createSocket: (url) => (socket = new FakeSocket(url)),
    loginTimeoutMs: 20_000,
    login: () => ({ kind: "login", body: { token: "t" } }),
    established: (ack) => void seen.push(`established ${ack.heartbeatMs}`),
    frame: (frame: Frame) => void seen.push(frame.kind),
    undecodable: () => void seen.push("undecodable"),
    lost: (code) => void seen.push(`lost ${code}`),
    tick: () => undefined,
  });
  return { link, socket, seen };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("GatewayLink", () => {
  it("sends Login on open, reports LoginAck before the frames after it, then pings and drops a silent link", async () => {
    const t = setup();
    t.socket.accept(3_000);
    await t.link.ready;
    expect(t.socket.sentOf("login")).toEqual([{ token: "t", groupAfter: "", inboxAfter: "", rooms: [], messageBatches: false }]);
    t.socket.push({ kind: "presence", body: { userId: "9", userName: "bob", online: true } });
    expect(t.seen).toEqual(["established 3000", "presence"]);
    // Pinged after a heartbeat without sending; the fake answers Pong, so the link lives on.
    await vi.advanceTimersByTimeAsync(3_500);
    expect(t.socket.sentOf("ping").length).toBeGreaterThanOrEqual(1);
    expect(t.socket.closedWith).toBeNull();
    // A gateway that stops answering (frozen): closed with 4000 after three heartbeats and reported as lost at once,
    // without waiting for a close handshake it will never answer (ws waits 30 s, browsers up to a minute).
    t.socket.send = () => undefined;
    t.socket.close = (code = 1000, reason = "") => {
      t.socket.readyState = 2;
      t.socket.closedWith = { code, reason };
    };
    await vi.advanceTimersByTimeAsync(10_000);
    expect(t.socket.closedWith).toEqual({ code: 4000, reason: "heartbeat lost" });
    expect(t.seen.at(-1)).toBe("lost 4000");
  });

  it("skips a frame kind newer than itself without an error, and still reports bytes that are no frame", async () => {
    const t = setup();
    t.socket.accept();
    await t.link.ready;
    // Field 99, varint 1: a frame a later gateway may send (valid protobuf, no body this build knows).
    t.socket.onmessage?.({ data: Uint8Array.from([0x98, 0x06, 0x01]).buffer });
    t.socket.push({ kind: "pong", body: { ts: 1 } });
    expect(t.seen).toEqual(["established 15000", "pong"]);
    t.socket.onmessage?.({ data: Uint8Array.from([0xff, 0xff]).buffer });
    expect(t.seen.at(-1)).toBe("undecodable");
  });

  it("close() stops reporting: no lost, no frames, writes refused", async () => {
    const t = setup();
    t.socket.accept();
    await t.link.ready;
    t.link.close(1000, "client closed");
    t.socket.push({ kind: "pong", body: { ts: 1 } });
    expect(t.seen).toEqual(["established 15000"]);
    expect(t.link.write({ kind: "ping", body: { ts: 1 } })).toBe(false);
  });
});
