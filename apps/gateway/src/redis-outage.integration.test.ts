// Sends while Redis is down (killed with SIGKILL, then restarted on its AOF): the gateway answers "retry"
// (Error `unavailable`), never a refusal that makes a client give up, and the resend is stored once. While Redis
// stalls, Sends beyond CIM_MAX_SENDS_IN_FLIGHT (20 here) are refused at once the same way.
// Route and gateway run with a short Redis command timeout (CIM_REDIS_COMMAND_TIMEOUT_MS, 10 s by default), so a
// stall longer than it is a few seconds here rather than 14.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CimApiError, RouteApi } from "@cim/client";
import { startCluster, waitUntil, type Cluster } from "@cim/devstack";
import { FAILURE_LOG_WINDOW_MS } from "@cim/state";
import { Redis } from "ioredis";
import { freshDevice, rawDevice, type RawDevice } from "./test-support.js";

const MAX_SENDS_IN_FLIGHT = 20;
const COMMAND_TIMEOUT_MS = 3_000;
/** Seconds of DEBUG SLEEP: past the command timeout, with room for a busy machine to send the requests first. */
const STALL_SECONDS = 7;
/** CIM_SEND_RESEND_GRACE_MS: short, so that an outage longer than it is a few seconds here rather than 10. */
const RESEND_GRACE_MS = 1_500;

let cluster: Cluster;
let api: RouteApi;
const devices: RawDevice[] = [];

beforeAll(async () => {
  cluster = await startCluster({
    gateways: 1,
    env: { CIM_REDIS_COMMAND_TIMEOUT_MS: String(COMMAND_TIMEOUT_MS) },
    gatewayEnv: { CIM_MAX_SENDS_IN_FLIGHT: String(MAX_SENDS_IN_FLIGHT), CIM_SEND_RESEND_GRACE_MS: String(RESEND_GRACE_MS) },
  });
  api = new RouteApi(cluster.route.url);
});
afterAll(async () => {
  for (const device of devices) device.ws.close();
  await cluster?.stop();
});

async function device(name: string) {
  const opened = await freshDevice(cluster.route.url, name);
  devices.push(opened.device);
  return opened;
}

/** The code of the answer to a send: "ack", or the Error frame's code. */
const answerTo = (sending: Promise<string>) => sending.then(() => "ack", (error: Error) => error.message);

type Device = Awaited<ReturnType<typeof device>>;

/**
 * Route's answer to `from`'s HTTP send was 503 unavailable with Retry-After; its resend (same clientMsgId) is stored
 * once Redis serves again, and `to` gets it once.
 */
async function expectRetriedOnce(refusal: unknown, from: Device, to: Device, text: string, clientMsgId: string, within: number): Promise<void> {
  expect(refusal).toBeInstanceOf(CimApiError);
  const { status, code, retryAfterSeconds } = refusal as CimApiError;
  expect({ status, code }).toEqual({ status: 503, code: "unavailable" });
  expect(retryAfterSeconds).toBeGreaterThan(0);
  // The refused write may still have been applied when Redis came back: the resend is stored once.
  let msgId = "";
  await waitUntil(async () => !!(msgId = await api.sendMessage(from.token, { to: to.userId, text, clientMsgId }).then((r) => r.msgId, () => "")), within, "the resend to be stored");
  await waitUntil(() => to.device.messages().some((m) => m.msgId === msgId), 10_000, `${to.userId} to get it`);
  expect(to.device.messages().filter((m) => m.text === text).length).toBe(1);
}

describe("a Redis outage", () => {
  // First: its one "request failed" line would be left out (FailureLog's window) after a failure of the same kind
  // in an earlier test less than 10 s before.
  it("route answers 503 unavailable with Retry-After while Redis stalls longer than its command timeout, rather than hold the request", { timeout: 60_000 }, async () => {
    const ann = await device("ann");
    const bob = await device("bob");
    const leaving = [await device("cat"), await device("dan")];
    const admin = new Redis(cluster.redis.address);
    try {
      // DEBUG SLEEP blocks the whole server without closing a connection, as a huge command or a slow fsync does.
      await admin.ping();
      const gateway = cluster.gateways[0]!.process;
      const logged = gateway.output().length;
      const routeLogged = cluster.route.process.output().length;
      // Written on the connection before route's request leaves: Redis reads it first.
      const sleeping = admin.call("DEBUG", "SLEEP", String(STALL_SECONDS));
      const wsSends = Array.from({ length: 6 }, (_, i) => answerTo(ann.device.say({ clientMsgId: `ws-stall-${i}`, to: bob.userId, text: `ws during the stall ${i}` })));
      const reads = Array.from({ length: 5 }, () => api.online(bob.token).then(() => 0, (error: CimApiError) => error.status));
      // Their session counts cannot be written: both cleanups time out (3 s) within the stall (7 s).
      for (const { device: closing } of leaving) closing.ws.close();
      const refusal = await api.sendMessage(ann.token, { to: bob.userId, text: "over HTTP during the stall", clientMsgId: "http-stall" }).then(() => null, (error: unknown) => error);
      expect(await Promise.all(wsSends)).toEqual(Array(6).fill("unavailable"));
      expect(await Promise.all(reads)).toEqual(Array(5).fill(503));
      await sleeping;
      // One line for the kind of failure, not one (with a stack) per frame: before the fix, six.
      expect(gateway.output().slice(logged).match(/request failed/g)?.length).toBe(1);
      // So for the two sockets that closed, whose cleanups failed: before, an error with a stack each.
      expect(gateway.output().slice(logged).match(/cleanup after close failed/g)?.length).toBe(1);
      // Route too, for its six requests: before, a line each.
      expect(cluster.route.process.output().slice(routeLogged).match(/request failed: Redis unavailable/g)?.length).toBe(1);
      // Before the fix route held the request until Redis woke and answered 201 only then: no timeout at all, so a
      // silent link held it forever.
      await expectRetriedOnce(refusal, ann, bob, "over HTTP during the stall", "http-stall", 30_000);
    } finally {
      admin.disconnect();
    }
  });

  it("an edit and a reply sent while Redis is down are answered unavailable (retry), and their resends are stored", async () => {
    const ann = await device("ann");
    const bob = await device("bob");
    const original = await ann.device.say({ to: bob.userId, text: "before the outage" });
    await waitUntil(() => bob.device.messages().some((m) => m.msgId === original), 10_000, "bob to get the message");

    await cluster.redis.stop("SIGKILL");
    // Two senders, so neither send waits behind the other's failure.
    const edit = { clientMsgId: "outage-edit", to: bob.userId, editOf: original, text: "edited during the outage" };
    const reply = { clientMsgId: "outage-reply", to: ann.userId, replyTo: original, text: "reply during the outage" };
    // Before the fix both were refused with not_found ("no message ... in this conversation"), a final answer.
    expect(await Promise.all([answerTo(ann.device.say(edit)), answerTo(bob.device.say(reply))])).toEqual(["unavailable", "unavailable"]);

    await cluster.redis.restart();
    // The clients resend (same clientMsgId) until acknowledged, as the SDK does after `unavailable`.
    const resend = async (sender: RawDevice, body: typeof edit | typeof reply) => {
      let msgId = "";
      await waitUntil(async () => !!(msgId = await sender.say(body).catch(() => "")), 20_000, `${body.clientMsgId} to be acknowledged`);
      return msgId;
    };
    const [edited, replied] = await Promise.all([resend(ann.device, edit), resend(bob.device, reply)]);
    const received = async (receiver: RawDevice, msgId: string) => {
      await waitUntil(() => receiver.messages().some((m) => m.msgId === msgId), 10_000, `${msgId} to arrive`);
      const message = receiver.messages().find((m) => m.msgId === msgId)!;
      return [message.text, message.editOf ?? "", message.replyTo ?? ""];
    };
    expect(await received(bob.device, edited)).toEqual(["edited during the outage", original, ""]);
    expect(await received(ann.device, replied)).toEqual(["reply during the outage", "", original]);
  });

  it("a user who logs off while Redis is down is reported offline once Redis is back", async () => {
    const ann = await device("ann");
    const bob = await device("bob");
    bob.device.send({ kind: "presenceSubscribe", body: { userIds: [ann.userId] } });
    await bob.device.waitFor("presenceBatch", (batch) => batch.presences.some((p) => p.userId === ann.userId && p.online));

    const gateway = cluster.gateways[0]!.process;
    // The gateway logs a failed cleanup once per window of its kind (FailureLog): an earlier test's cleanup that failed
    // the same way (a command timeout) less than a window ago would hide ann's line, so that window ends first.
    const lastCleanupLine = Math.max(0, ...[...gateway.output().matchAll(/"time":(\d+)[^\n]*cleanup after close failed/g)].map((m) => Number(m[1])));
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, lastCleanupLine + FAILURE_LOG_WINDOW_MS + 200 - Date.now())));
    const logged = gateway.output().length;
    await cluster.redis.stop("SIGKILL");
    ann.device.ws.close();
    try {
      // The gateway could not write ann's session count (0 now) while Redis was down.
      await waitUntil(() => gateway.output().slice(logged).includes("cleanup after close failed"), 20_000, "ann's cleanup to fail");
    } finally {
      // Redis comes back whatever happened, so that a failure here is this test's alone.
      await cluster.redis.restart();
    }

    // Before the fix ann stayed counted on the gateway, online for everyone, until the gateway restarted.
    const presences = () => bob.device.frames.flatMap((f) => (f.kind === "presence" ? [f.body] : f.kind === "presenceBatch" ? f.body.presences : []));
    await waitUntil(() => presences().some((p) => p.userId === ann.userId && !p.online), 20_000, "bob to see ann go offline");
    await waitUntil(async () => !(await api.online(bob.token)).users.some((u) => u.userId === ann.userId), 10_000, "ann to leave the online list");
  });

  it("route answers a request it could not serve for want of Redis with 503 unavailable and Retry-After, not 500 internal", async () => {
    const ann = await device("ann");
    const bob = await device("bob");
    await cluster.redis.stop("SIGKILL");
    const refusal = await api.sendMessage(ann.token, { to: bob.userId, text: "over HTTP during the outage", clientMsgId: "http-outage" }).then(() => null, (error: unknown) => error);
    await cluster.redis.restart();
    // Before the fix: 500 internal, which says "a bug" to a client rather than "send it again".
    await expectRetriedOnce(refusal, ann, bob, "over HTTP during the outage", "http-outage", 20_000);
  });

  it("while Redis stalls, Sends beyond CIM_MAX_SENDS_IN_FLIGHT are answered unavailable at once, the session stays open, and the resends are stored once, in order", async () => {
    const ann = await device("ann");
    const bob = await device("bob");
    const admin = new Redis(cluster.redis.address);
    const gateway = cluster.gateways[0]!.process;
    const logged = gateway.output().length;
    const texts = Array.from({ length: MAX_SENDS_IN_FLIGHT + 10 }, (_, i) => `pipelined ${i}`);
    const sends = texts.map((text, i) => ({ kind: "send" as const, body: { clientMsgId: `in-flight-${i}`, to: bob.userId, text } }));
    const answered = (clientMsgId: string) => ann.device.frames.find((f) => (f.kind === "sendAck" || f.kind === "error") && f.body.clientMsgId === clientMsgId);
    try {
      // Writes wait (EVALSHA included) while reads and PINGs go on: the stores of the Sends stay in flight.
      await admin.call("CLIENT", "PAUSE", "30000", "WRITE");
      for (const send of sends) ann.device.send(send);
      ann.device.send({ kind: "ping", body: { ts: 1 } });
      // The Pong is answered after every Send before it was started or refused: the refusals are out by then.
      await ann.device.waitFor("pong", (pong) => Number(pong.ts) === 1);
      const answers = sends.map((send) => answered(send.body.clientMsgId));
      // Before the fix none was answered while Redis stalled: all 30 were held, and each held its text in memory.
      expect(answers.slice(0, MAX_SENDS_IN_FLIGHT)).toEqual(Array(MAX_SENDS_IN_FLIGHT).fill(undefined));
      expect(answers.slice(MAX_SENDS_IN_FLIGHT).map((f) => f && [f.kind, f.kind === "error" ? f.body.code : ""])).toEqual(Array(10).fill(["error", "unavailable"]));
      expect(ann.device.ws.readyState).toBe(ann.device.ws.OPEN);
    } finally {
      await admin.call("CLIENT", "UNPAUSE");
      admin.disconnect();
    }
    await waitUntil(() => sends.slice(0, MAX_SENDS_IN_FLIGHT).every((send) => answered(send.body.clientMsgId)?.kind === "sendAck"), 20_000, "the Sends in flight to be acknowledged");
    // As the SDK does after `unavailable`: the same clientMsgIds again, in order.
    for (const send of sends.slice(MAX_SENDS_IN_FLIGHT)) await ann.device.say(send.body);
    const { messages } = await api.history(ann.token, { with: bob.userId, limit: 200 });
    expect(messages.map((m) => m.text)).toEqual(texts);
    // One line for the streak of ten refusals.
    expect(gateway.output().slice(logged).match(/refusing Sends beyond CIM_MAX_SENDS_IN_FLIGHT/g)?.length).toBe(1);
  });

  // Last: its Sends beyond CIM_MAX_SENDS_IN_FLIGHT would leave out the test above's one log line (FailureLog's window).
  it("a session's pipelined Sends are stored in the order they were first sent through a Redis restart, by a client that resends each refused one at once", { timeout: 60_000 }, async () => {
    const ann = await device("ann");
    const bob = await device("bob");
    const texts = Array.from({ length: 60 }, (_, i) => `steady ${i}`);
    // A naive client: each Send written on its own clock, and written again (same clientMsgId) 20 ms after it is
    // refused, however many newer ones are in flight.
    const sendUntilAcked = async (text: string, i: number) => {
      for (;;) {
        const answer = await answerTo(ann.device.say({ clientMsgId: `steady-${i}`, to: bob.userId, text }));
        if (answer === "ack") return;
        expect(answer).toBe("unavailable");
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    const sending: Array<Promise<void>> = [];
    for (const [i, text] of texts.entries()) {
      if (i === 10) await cluster.redis.stop("SIGKILL");
      if (i === 40) await cluster.redis.restart();
      sending.push(sendUntilAcked(text, i));
      await new Promise((resolve) => setTimeout(resolve, 40));
    }
    await Promise.all(sending);
    // Before the order was kept, the Sends refused in the first second of the outage (ioredis fails its offline queue
    // every few reconnect attempts) were stored after the ones written later, which waited in the next queue:
    // "steady 10 ... 17" after those. CIM_MAX_SENDS_IN_FLIGHT (20 here) refuses some of them too.
    const { messages } = await api.history(ann.token, { with: bob.userId, limit: 200 });
    expect(messages.map((m) => m.text)).toEqual(texts);
    await waitUntil(() => bob.device.messages().length >= texts.length, 10_000, "bob to get every message");
    expect(bob.device.messages().map((m) => m.text)).toEqual(texts);
  });
  it("a client resending a refused Send through an outage longer than the resend grace keeps its order", { timeout: 60_000 }, async () => {
    const ann = await device("ann");
    const bob = await device("bob");
    const texts = Array.from({ length: 12 }, (_, i) => `long ${i}`);
    const sendUntilAcked = async (text: string, i: number) => {
      while ((await answerTo(ann.device.say({ clientMsgId: `long-${i}`, to: bob.userId, text }))) !== "ack") await new Promise((resolve) => setTimeout(resolve, 50));
    };
    await cluster.redis.stop("SIGKILL");
    const sending = [sendUntilAcked(texts[0]!, 0)];
    // The others are written once the first was refused: held behind it, not refused.
    await ann.device.waitFor("error", (error) => error.clientMsgId === "long-0");
    for (const [i, text] of texts.entries()) if (i > 0) sending.push(sendUntilAcked(text, i));
    // Down for twice the grace while long-0 is resent every 50 ms.
    await new Promise((resolve) => setTimeout(resolve, 2 * RESEND_GRACE_MS));
    await cluster.redis.restart();
    await Promise.all(sending);
    // Before the fix the grace ran out under the resending client: the held Sends went on, were refused, and the
    // line was rebuilt in the order of the refusals ('long 0' stored after later ones).
    const { messages } = await api.history(ann.token, { with: bob.userId, limit: 50 });
    expect(messages.map((m) => m.text)).toEqual(texts);
  });

  it("the Sends held behind a refused Send that is never resent go on after the grace, in the order they came", { timeout: 60_000 }, async () => {
    const ann = await device("ann");
    const bob = await device("bob");
    await cluster.redis.stop("SIGKILL");
    ann.device.send({ kind: "send", body: { clientMsgId: "lost-0", to: bob.userId, text: "never resent" } });
    await ann.device.waitFor("error", (error) => error.clientMsgId === "lost-0");
    const texts = Array.from({ length: 10 }, (_, i) => `held ${i}`);
    const held = texts.map((text, i) => ann.device.say({ clientMsgId: `held-${i}`, to: bob.userId, text }));
    await cluster.redis.restart();
    await Promise.all(held);
    // Before the fix the whole line was dropped at once when the grace ran out, and the held Sends raced for the
    // store: the first woken (often the newest) went first.
    const { messages } = await api.history(ann.token, { with: bob.userId, limit: 50 });
    expect(messages.map((m) => m.text).filter((text) => text !== "never resent")).toEqual(texts);
    await waitUntil(() => bob.device.messages().length >= texts.length, 10_000, "bob to get the held messages");
    expect(bob.device.messages().map((m) => m.text).filter((text) => text !== "never resent")).toEqual(texts);
  });
  it("the Sends held when their session closes are not stored: the client resends them, oldest first, on its next session", { timeout: 60_000 }, async () => {
    const ann = await device("ann");
    const bob = await device("bob");
    await cluster.redis.stop("SIGKILL");
    const texts = Array.from({ length: 6 }, (_, i) => `away ${i}`);
    ann.device.send({ kind: "send", body: { clientMsgId: "away-0", to: bob.userId, text: texts[0]! } });
    await ann.device.waitFor("error", (error) => error.clientMsgId === "away-0");
    for (const [i, text] of texts.entries()) if (i > 0) ann.device.send({ kind: "send", body: { clientMsgId: `away-${i}`, to: bob.userId, text } });
    ann.device.send({ kind: "ping", body: { ts: 2 } });
    await ann.device.waitFor("pong", (pong) => Number(pong.ts) === 2);
    ann.device.ws.close();
    await ann.device.closed;
    await cluster.redis.restart();
    // The client comes back later than the grace.
    await new Promise((resolve) => setTimeout(resolve, 2 * RESEND_GRACE_MS));
    const again = await rawDevice(`${cluster.gateways[0]!.url.replace(/^http/, "ws")}/ws`, ann.token);
    devices.push(again);
    await Promise.all(texts.map((text, i) => again.say({ clientMsgId: `away-${i}`, to: bob.userId, text })));
    // Before the fix the held Sends went on after the grace, stored without 'away 0', which came after them.
    const { messages } = await api.history(ann.token, { with: bob.userId, limit: 50 });
    expect(messages.map((m) => m.text)).toEqual(texts);
  });
});
