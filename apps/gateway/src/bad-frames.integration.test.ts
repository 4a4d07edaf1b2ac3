// Frames the gateway cannot take (undecodable, too large, a server's frame, too many, none at all) close only the
// offending socket with the contract's code; the gateway keeps serving others.
import { describe, expect, it } from "vitest";
import { encodeFrame, SessionClose, type Frame } from "@cim/protocol";
import { useBadInput } from "./bad-input-support.js";

const system = useBadInput();
const { raw, loggedIn, othersStillServed } = system;

describe("bad input on the gateway", () => {
  it("random bytes close with 4400", async () => {
    const socket = await raw();
    socket.ws.send(Buffer.from([0xff, 0x13, 0x37, 0x00, 0xfe, 0xba, 0xbe]));
    expect((await socket.closed).code).toBe(4400);
    await othersStillServed("random");
  });

  it("a frame with no known body closes with 4400", async () => {
    const socket = await raw();
    socket.ws.send(Buffer.from([0x98, 0x06, 0x01])); // field 99 only
    expect((await socket.closed).code).toBe(4400);
    await othersStillServed("unknown");
  });

  it("a text frame closes with 4400", async () => {
    const socket = await raw();
    socket.ws.send("hello");
    expect((await socket.closed).code).toBe(4400);
  });

  it("a frame over the size limit closes with 1009", async () => {
    const socket = await raw();
    socket.ws.send(Buffer.alloc(8192, 1));
    expect((await socket.closed).code).toBe(1009);
    await othersStillServed("large");
  });

  it("a server frame claiming another sender closes with 4400 and delivers nothing", async () => {
    const socket = await loggedIn();
    const forged: Frame = { kind: "message", body: { msgId: "1", from: system.ann.session!.userId, fromName: "ann", to: system.bob.session!.userId, text: "forged", ts: 1, room: "" } };
    socket.ws.send(encodeFrame(forged));
    expect((await socket.closed).code).toBe(4400);
    await othersStillServed("forged-sender");
    expect(system.bob.texts()).not.toContain("forged");
  });

  it("a Ping flood counts in the rate limit: closed with 4429 instead of 20,000 Pongs", async () => {
    const socket = await loggedIn();
    const ping = encodeFrame({ kind: "ping", body: { ts: 1 } });
    for (let i = 0; i < 20_000; i++) socket.ws.send(ping);
    expect((await socket.closed).code).toBe(SessionClose.RateLimited);
    expect(socket.frames.filter((f) => f.kind === "pong").length).toBeLessThan(50);
    await othersStillServed("ping-flood");
  });

  it("a logged-in socket that goes silent is closed with 4408", async () => {
    const socket = await loggedIn();
    expect((await socket.closed).code).toBe(4408);
    expect(system.bob.state).toBe("online"); // the SDK client pings and stays
  });
});
