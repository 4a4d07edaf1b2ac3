// BusPublisher against a real redis-server: messages reach the gateway that holds a user, or every gateway.
import { describe, expect, it } from "vitest";
import { waitUntil } from "@cim/devstack";
import { BusPublisher, parseClusterMessage, parseClusterMessages, type ClusterMessage } from "./bus.js";
import { channels, PRESENCE_BUCKETS, presenceBucket } from "./keys.js";
import { SessionStore } from "./sessions.js";
import { useRedis } from "./test-harness.js";

const h = useRedis();

describe("BusPublisher", () => {
  it("sends to every gateway holding a session of a user, to all gateways, and reports an offline user", async () => {
    const sessions = new SessionStore(h.redis);
    const bus = new BusPublisher(h.redis, sessions);
    const heard: Array<{ channel: string; message: ClusterMessage | null }> = [];
    const sub = h.connect("subscriber");
    sub.on("message", (channel: string, payload: string) => heard.push({ channel, message: parseClusterMessage(payload) }));
    await sub.subscribe(channels.gateway("gw-a"), channels.gateway("gw-b"), channels.gateway("gw-c"), channels.all);

    await sessions.claim("5", "gw-b");
    await sessions.claim("5", "gw-c", 2);
    const kick: ClusterMessage = { type: "kick", userId: "5", keepConnection: "c-1" };
    expect(await bus.toUser("5", kick)).toBe(true);
    expect(await bus.toUser("6", kick)).toBe(false);
    const presence: ClusterMessage = { type: "presence", userId: "5", userName: "five", online: true };
    await bus.toAll(presence);
    await bus.toGateway("gw-a", { type: "roomMessage", room: "everyone" });

    await waitUntil(() => heard.length >= 4, 5_000, "four bus messages");
    expect(heard.slice(0, 2).sort((a, b) => a.channel.localeCompare(b.channel))).toEqual([
      { channel: channels.gateway("gw-b"), message: kick },
      { channel: channels.gateway("gw-c"), message: kick },
    ]);
    expect(heard.slice(2)).toEqual([
      { channel: channels.all, message: presence },
      { channel: channels.gateway("gw-a"), message: { type: "roomMessage", room: "everyone" } },
    ]);
  });
});

describe("BusPublisher.presence", () => {
  it("publishes each change on its user's presence bucket channel only", async () => {
    const bus = new BusPublisher(h.redis, new SessionStore(h.redis));
    const heard: Array<{ channel: string; message: ClusterMessage | null }> = [];
    const sub = h.connect("presence-subscriber");
    sub.on("message", (channel: string, payload: string) => heard.push({ channel, message: parseClusterMessage(payload) }));
    const watched = channels.presence(presenceBucket("41"));
    await sub.subscribe(watched, channels.all);
    const other = Array.from({ length: 50 }, (_, i) => String(100 + i)).find((id) => presenceBucket(id) !== presenceBucket("41"))!;
    await bus.presence([{ userId: other, userName: "x", online: true }, { userId: "41", userName: "fortyone", online: false }]);
    await waitUntil(() => heard.length >= 1, 5_000, "the watched bucket's change");
    await bus.toAll({ type: "roomMessage", room: "everyone" }); // a marker: anything published before it has arrived
    await waitUntil(() => heard.length >= 2, 5_000, "the marker");
    expect(heard).toEqual([
      { channel: watched, message: { type: "presence", userId: "41", userName: "fortyone", online: false } },
      { channel: channels.all, message: { type: "roomMessage", room: "everyone" } },
    ]);
    expect(watched).toMatch(/^cim-bus:presence:\{p:\d+\}$/);
    expect(presenceBucket("41")).toBeLessThan(PRESENCE_BUCKETS);
  });
});

describe("BusPublisher.presence when a user moves between gateways", () => {
  // Found by scripts/many/flap-probe.ts: users closing a device on one gateway and opening one on another at once
  // were left 'offline' for their watchers while online. gw-a's release saw no sessions left and went to publish
  // 'offline'; gw-b's claim, after it, published 'online' first; gw-a's late 'offline' was the last word.
  it("the last word heard is the user's state when an older change is published after a newer one", async () => {
    const sessions = new SessionStore(h.redis);
    const bus = new BusPublisher(h.redis, sessions);
    const heard: ClusterMessage[] = [];
    const sub = h.connect("mover-subscriber");
    sub.on("message", (_channel: string, payload: string) => heard.push(parseClusterMessage(payload)!));
    await sub.subscribe(channels.presence(presenceBucket("77")), channels.all);
    await sessions.claim("77", "gw-a");
    expect(await sessions.release("77", "gw-a")).toBe(true); // gw-a: the user went offline...
    expect((await sessions.claim("77", "gw-b")).cameOnline).toBe(true); // ...gw-b: and came back online
    await bus.presence([{ userId: "77", userName: "seven", online: true }]); // gw-b publishes first
    await bus.presence([{ userId: "77", userName: "seven", online: false }]); // gw-a's, late
    await bus.toAll({ type: "roomMessage", room: "everyone" }); // a marker: what was published before it has arrived
    await waitUntil(() => heard.some((m) => m.type === "roomMessage"), 5_000, "the marker");
    const words = heard.filter((m) => m.type === "presence").map((m) => (m as { online: boolean }).online);
    expect(words.at(-1)).toBe(true);
  });
});

describe("parseClusterMessage", () => {
  it("accepts tagged objects and refuses anything else", () => {
    expect(parseClusterMessage('{"type":"presence"}')).toEqual({ type: "presence" });
    for (const bad of ["", "not json", "null", "42", '"group"', "[]", '{"kind":"group"}', '{"type":7}'])
      expect(parseClusterMessage(bad)).toBeNull();
  });
});

describe("parseClusterMessages", () => {
  it("accepts one tagged object or a non-empty array of them, in order, and refuses anything else", () => {
    expect(parseClusterMessages('{"type":"presence"}')).toEqual([{ type: "presence" }]);
    expect(parseClusterMessages('[{"type":"inbox","userId":"2"},{"type":"inbox","userId":"1"}]')).toEqual([
      { type: "inbox", userId: "2" },
      { type: "inbox", userId: "1" },
    ]);
    for (const bad of ["", "not json", "null", "[]", "[42]", '[{"type":"inbox"},{"kind":"group"}]', '{"type":7}'])
      expect(parseClusterMessages(bad)).toBeNull();
  });
});
