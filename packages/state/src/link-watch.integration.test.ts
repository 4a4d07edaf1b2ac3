// A link to Redis that goes silent without closing (a half-dead TCP connection, here a proxy that stops forwarding)
// is noticed by the link watch: the client reconnects, its subscriber subscribes again, commands are answered.
import { afterEach, describe, expect, it } from "vitest";
import { startLinkProxy, waitUntil, type LinkProxy } from "@cim/devstack";
import { Redis as IORedis } from "ioredis";
import { watchLink } from "./link-watch.js";
import { createRedis, type Redis } from "./redis.js";
import { useRedis } from "./test-harness.js";

/**
 * The link watch's timing here: shorter than the apps' (a PING every 2 s, 10 s without an answer), which this test
 * would otherwise wait out; the same watch, only sooner. A PING through the proxy is answered in milliseconds, so
 * 3 s is far from a false alarm even on a loaded machine (one would show as a third "no answer to PING" line).
 */
const LINK = { intervalMs: 1_000, timeoutMs: 3_000 };

const harness = useRedis();
let proxy: LinkProxy | undefined;
const clients: Redis[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.disconnect();
  await proxy?.close();
});

describe("a silent link to Redis", () => {
  it("is dropped and reconnected: commands are answered and the subscriber gets what is published afterwards", { timeout: 60_000 }, async () => {
    proxy = await startLinkProxy(harness.service.port);
    const commands = createRedis(`redis://127.0.0.1:${proxy.port}`, "link-commands", {}, LINK);
    const subscriber = createRedis(`redis://127.0.0.1:${proxy.port}`, "link-subscriber", {}, LINK);
    clients.push(commands, subscriber);
    const errors: string[] = [];
    for (const client of [commands, subscriber]) client.on("error", (error: Error) => errors.push(error.message));
    const received: string[] = [];
    subscriber.on("message", (_channel: string, payload: string) => received.push(payload));
    await subscriber.subscribe("link-test");
    await commands.set("link-key", "before");
    expect(proxy.accepted()).toBe(2);

    proxy.stall();
    // Sent into the stalled link: before the fix it waited forever, and so did the subscriber.
    const during = commands.get("link-key").then((value) => value, (error: Error) => error.message);
    await waitUntil(() => proxy!.accepted() === 4, LINK.timeoutMs * 3, "both clients to reconnect through new connections");
    await waitUntil(() => commands.status === "ready" && subscriber.status === "ready", 10_000, "both clients ready again");
    expect(["before", "Command timed out"]).toContain(await during);
    expect(await commands.get("link-key")).toBe("before");
    await waitUntil(async () => {
      await harness.redis.publish("link-test", "after");
      return received.includes("after");
    }, 10_000, "the subscriber to get a message published after the reconnect");
    // One line per client and failure kind, not one per command.
    expect(errors.filter((e) => e.includes("no answer to PING")).length).toBe(2);
  });

  it("a link whose answer came while the client's event loop stalled past the deadline is kept", { timeout: 20_000 }, async () => {
    // A gateway busy for seconds (a storm of logins, a long GC) read its PONG only after the watch's timer had
    // fired: it dropped a healthy link and aborted every command in flight (2,943 error lines in a load test).
    const client = new IORedis(harness.service.address);
    clients.push(client);
    const errors: string[] = [];
    client.on("error", (error: Error) => errors.push(error.message));
    let reconnects = 0;
    client.on("reconnecting", () => reconnects++);
    await client.ping();
    let stalls = 0;
    const ping = client.ping.bind(client);
    // The event loop stalls right after each of the watch's PINGs is written, longer than its deadline.
    client.ping = (() => {
      const answer = ping();
      setImmediate(() => {
        const until = Date.now() + 500;
        while (Date.now() < until) {
          // busy: nothing else runs, the PONG waits in the socket
        }
        stalls++;
      });
      return answer;
    }) as typeof client.ping;
    watchLink(client, { intervalMs: 50, timeoutMs: 200 });
    await waitUntil(() => stalls >= 3, 10_000, "three PINGs with a stall after each");
    await client.set("link-key", "kept");
    expect(errors).toEqual([]);
    expect(reconnects).toBe(0);
  });
});
