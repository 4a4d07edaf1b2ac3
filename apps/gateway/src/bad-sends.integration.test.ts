// Bad Sends from a logged-in socket (a claimed sender, an unknown recipient, empty text, a flood) get an Error or
// close that socket, and log a few lines, not one per frame.
import { describe, expect, it } from "vitest";
import WebSocket from "ws";
import { encodeFrame } from "@cim/protocol";
import { waitUntil } from "@cim/devstack";
import { useBadInput } from "./bad-input-support.js";

const system = useBadInput();
const { loggedIn, othersStillServed } = system;

describe("bad input on the gateway", () => {
  it("the sender of a Send is the session's user, whatever the client says", async () => {
    const socket = await loggedIn();
    socket.ws.send(encodeFrame({ kind: "send", body: { clientMsgId: "s1", to: system.bob.session!.userId, text: "who am i" } }));
    const got = await system.bob.waitForText("who am i");
    expect(got.from).toBe(socket.userId);
    socket.ws.close();
  });

  it("a Send to an unknown user or with empty text gets an Error frame, not a close", async () => {
    const socket = await loggedIn();
    socket.ws.send(encodeFrame({ kind: "send", body: { clientMsgId: "u1", to: "999999", text: "anyone?" } }));
    socket.ws.send(encodeFrame({ kind: "send", body: { clientMsgId: "u2", to: "", text: "   " } }));
    // Text that shows nothing is empty too: zero-width characters, a Hangul filler.
    socket.ws.send(encodeFrame({ kind: "send", body: { clientMsgId: "u3", to: "", text: "\u200B\u200D \u3164" } }));
    await waitUntil(() => socket.frames.filter((f) => f.kind === "error").length === 3, 5_000, "three Error frames");
    const errors = socket.frames.filter((f) => f.kind === "error").map((f) => f.body);
    expect(errors).toEqual([
      expect.objectContaining({ code: "unknown_recipient", clientMsgId: "u1" }),
      expect.objectContaining({ code: "bad_request", clientMsgId: "u2" }),
      expect.objectContaining({ code: "bad_request", clientMsgId: "u3" }),
    ]);
    expect(socket.ws.readyState).toBe(WebSocket.OPEN);
    socket.ws.close();
  });

  it("logs a few lines per socket for refused and dropped frames, however many come within the frame limit", async () => {
    // One line per frame let a client write its frame rate (50/s) into the log for as long as it liked.
    const gateway = system.cluster.gateways[0]!.process;
    const sends = await loggedIn();
    const typist = await loggedIn();
    for (let i = 0; i < 9; i++) sends.ws.send(encodeFrame({ kind: "send", body: { clientMsgId: `b${i}`, to: "not-a-user", text: "x" } }));
    for (let i = 0; i < 9; i++) typist.ws.send(encodeFrame({ kind: "typing", body: { conversation: "r999999", userId: "", userName: "" } }));
    await waitUntil(() => sends.frames.filter((f) => f.kind === "error").length === 9, 5_000, "nine Error frames");
    // A Ping after the Typing frames: its Pong says they were all handled.
    typist.ws.send(encodeFrame({ kind: "ping", body: { ts: 7 } }));
    await waitUntil(() => typist.frames.some((f) => f.kind === "pong"), 5_000, "the Pong after the Typing frames");
    const linesOf = (userId: string, message: string) => gateway.output().split("\n").filter((line) => line.includes(`"userId":"${userId}"`) && line.includes(message)).length;
    expect(linesOf(sends.userId, "rejected frame: to must be a userId")).toBe(5);
    expect(linesOf(typist.userId, "typing dropped")).toBe(5);
    expect(sends.ws.readyState).toBe(WebSocket.OPEN);
    sends.ws.close();
    typist.ws.close();
  });

  it("sending faster than the rate limit closes with 4429", async () => {
    const socket = await loggedIn();
    for (let i = 0; i < 40; i++) socket.ws.send(encodeFrame({ kind: "send", body: { clientMsgId: `r${i}`, to: system.bob.session!.userId, text: `flood ${i}` } }));
    expect((await socket.closed).code).toBe(4429);
    await othersStillServed("rate");
  });
});
