// A room's owner removes a member, on real Redis and ZooKeeper across two gateways with raw protocol clients: the
// removed member's sessions stop getting the room at once, live and after a reconnect, and its sends are refused;
// a member that left and joined again gets nothing said while it was out, whatever cursor a device comes back with.
import { describe, expect, it, vi } from "vitest";
import { ErrorCode, type ChatMessage } from "@cim/protocol";
import { BusPublisher, createRedisClient, RoomStore, SessionStore, type ClusterMessage, type RedisClient } from "@cim/state";
import type { Cluster } from "@cim/devstack";
import { receivedTexts as received, registerUser, useTwoGateways, type RawDevice } from "./test-support.js";

// Read through `stack` in the tests: the system starts in beforeAll.
const stack = useTwoGateways();
const { device } = stack;

const texts = (messages: ChatMessage[]) => messages.map((m) => m.text);

describe("the owner removes a member", () => {
  it("no room message sent after the removal reaches the removed member's sessions, live or after a reconnect with its old cursor; its sends get not_member", async () => {
    const url = stack.cluster.route.url;
    const [alice, bob, carol] = [await registerUser(url, "alice"), await registerUser(url, "bob"), await registerUser(url, "carol")];
    const room = await stack.api.createRoom(alice.token, { name: "moderated", visibility: "private" });
    await stack.api.invite(alice.token, room.roomId, bob.userId);
    await stack.api.invite(alice.token, room.roomId, carol.userId);
    // Bob and carol, who stays, share the gateway the owner is not on.
    const [a, b, c] = [await device(alice, 0, {}, alice.token), await device(bob, 1, {}, bob.token), await device(carol, 1, {}, carol.token)];
    const before = await a.say({ room: room.roomId, text: "before the removal" });
    expect(await received(b, "before the removal")).toEqual(["before the removal"]);
    const bobCursors = { rooms: [{ room: room.roomId, after: before }] };

    await stack.api.removeMember(alice.token, room.roomId, bob.userId);
    await a.say({ room: room.roomId, text: "right after the removal" });
    await stack.api.sendMessage(alice.token, { room: room.roomId, text: "after it over http" });
    await a.say({ room: room.roomId, text: "one more" });
    await received(c, "right after the removal", "after it over http", "one more");
    expect(texts(b.messages())).toEqual(["before the removal"]);

    // Bob, carol and alice hear of it as of a leave; bob can no longer send to the room.
    for (const session of [a, b, c]) await session.waitFor("roomEvent", (e) => e.room === room.roomId && e.userId === bob.userId && e.kind === "left" && e.by === alice.userId);
    // Once each: the removal's quiet copy on the room's channel (handled before the messages after it) tells no one.
    await received(a, "after it over http");
    const told = (session: RawDevice) => session.frames.filter((f) => f.kind === "roomEvent" && f.body.room === room.roomId && f.body.kind === "left").length;
    expect([a, b, c].map(told)).toEqual([1, 1, 1]);
    await expect(b.say({ room: room.roomId, text: "am I out?" })).rejects.toThrow(ErrorCode.NotMember);

    // Bob's reconnect on either gateway with his old room cursor gets nothing of the room.
    b.ws.close();
    await a.say({ room: room.roomId, text: "while bob was away" });
    const again = [await device(bob, 0, bobCursors), await device(bob, 1, bobCursors)];
    await a.say({ room: room.roomId, text: "after bob is back" });
    await a.say({ to: bob.userId, text: "barrier" });
    await received(c, "while bob was away", "after bob is back");
    for (const session of again) {
      expect(await received(session, "barrier")).toEqual(["barrier"]);
      expect(session.ack.rooms.map((r) => r.room)).not.toContain(room.roomId);
    }
    expect((await stack.api.history(carol.token, { room: room.roomId })).messages.map((m) => m.text)).not.toContain("am I out?");
  });

  it("a message stored after the removal reaches no session of the removed member, also when it is stored before route announces the removal", async () => {
    const url = stack.cluster.route.url;
    const [alice, bob, carol] = [await registerUser(url, "alice"), await registerUser(url, "bob"), await registerUser(url, "carol")];
    const room = await stack.api.createRoom(alice.token, { name: "the gap", visibility: "private" });
    await stack.api.invite(alice.token, room.roomId, bob.userId);
    await stack.api.invite(alice.token, room.roomId, carol.userId);
    const [a, b, c] = [await device(alice, 0, {}, alice.token), await device(bob, 1, {}, bob.token), await device(carol, 1, {}, carol.token)];
    await a.say({ room: room.roomId, text: "before the gap" });
    await received(b, "before the gap");
    // Route's removal, one step at a time, with alice's message stored between them (two requests at once): the
    // removal's store call, as DELETE /api/rooms/{roomId}/members/{userId} makes it, then the message, then the
    // announcement route publishes once that call answered. Route's process stalls right after the removal's script
    // (a pause of its event loop): what it would publish itself then waits until alice's message was delivered.
    // Before, route published the quiet copy after the script (on a Redis Cluster until now: its channel lay in
    // another slot than the room's keys), and bob got the message.
    const redis = clientOf(stack.cluster);
    const stalled = stallPublishes(redis);
    try {
      const left: ClusterMessage = { type: "room", room: room.roomId, name: room.name, userId: bob.userId, userName: bob.userName, kind: "left", by: alice.userId, byName: alice.userName };
      const removal = new RoomStore(redis).leave(room.roomId, bob.userId, { userName: bob.userName, by: { userId: alice.userId, userName: alice.userName } }, { ...left, quiet: true });
      // The removal's script has run: the call answered, or it publishes after the script.
      await Promise.race([removal, stalled.asked]);
      await a.say({ room: room.roomId, text: "stored after the removal" });
      // Carol's session reads the room on bob's gateway, from the same reader: what reached bob came with hers.
      await received(c, "stored after the removal");
      stalled.release();
      expect(await removal).toBe(true);
      await new BusPublisher(redis, new SessionStore(redis)).toAll(left);
      await b.waitFor("roomEvent", (e) => e.room === room.roomId && e.userId === bob.userId && e.kind === "left");
      expect(texts(b.messages())).toEqual(["before the gap"]);
    } finally {
      stalled.release();
      redis.disconnect();
    }
  });

  it("a member that left and joined again gets nothing said while it was out, also on a device back with its cursor from before the leave", async () => {
    const url = stack.cluster.route.url;
    const [alice, bob] = [await registerUser(url, "alice"), await registerUser(url, "bob")];
    const room = await stack.api.createRoom(alice.token, { name: "open door", visibility: "public" });
    await stack.api.joinRoom(bob.token, room.roomId);
    const a = await device(alice, 0, {}, alice.token);
    const before = await a.say({ room: room.roomId, text: "before the leave" });
    // Bob's device was away (a closed laptop) while bob left from another device and joined again later.
    await stack.api.leaveRoom(bob.token, room.roomId);
    await a.say({ room: room.roomId, text: "while bob was out" });
    await stack.api.sendMessage(alice.token, { room: room.roomId, text: "while bob was out, over http" });
    await stack.api.joinRoom(bob.token, room.roomId);
    await a.say({ room: room.roomId, text: "after bob is back in" });
    for (const gateway of [0, 1]) {
      const b = await device(bob, gateway, { rooms: [{ room: room.roomId, after: before }] });
      expect(await received(b, "after bob is back in")).toEqual(["after bob is back in"]);
      b.ws.close();
    }
  });
});

/** A client of the stack's Redis, either layout. */
function clientOf(cluster: Cluster): RedisClient {
  const nodes = cluster.redisCluster?.nodes.map((n) => `${n.host}:${n.port}`);
  return createRedisClient(nodes ? { url: "", clusterNodes: nodes } : { url: cluster.redis.address }, "room-removal-test");
}

/**
 * Holds what `redis` publishes (PUBLISH, SPUBLISH: its commands, not a script's) until `release`, as a process stalled
 * between its steps would; `asked` settles at the first one held. The commands run for real once released.
 */
function stallPublishes(redis: RedisClient): { asked: Promise<void>; release: () => void } {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let asked!: () => void;
  const first = new Promise<void>((resolve) => (asked = resolve));
  for (const name of ["publish", "spublish"] as const) {
    const real = redis[name].bind(redis) as (channel: string, payload: string) => Promise<number>;
    vi.spyOn(redis, name).mockImplementation(((channel: string, payload: string) => {
      asked();
      return released.then(() => real(channel, payload));
    }) as never);
  }
  return { asked: first, release };
}
