// A member leaves a room while its gateway is frozen (SIGSTOP, as the membership fault probe's swap plan does), on
// real Redis and ZooKeeper across two gateways with raw protocol clients: once the gateway goes on, the leaver's
// sessions there get none of the room's messages stored after the leave was answered, and the member who stayed gets
// them all.
import { afterAll, expect, it } from "vitest";
import type { ChatMessage } from "@cim/protocol";
import { channels, createRedisClient, type ClusterMessage, type RedisClient } from "@cim/state";
import { waitUntil } from "@cim/devstack";
import { receivedTexts as received, registerUser, useTwoGateways } from "./test-support.js";

const stack = useTwoGateways();
const { device } = stack;
const texts = (messages: ChatMessage[]) => messages.map((m) => m.text);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The gateway's room poll (gateway.ts, ROOM_POLL_MS): frozen longer than it, its timer is due the moment it goes on. */
const ROOM_POLL_MS = 2_000;
/** Bus messages the frozen gateway reads before the leave: several times what Node reads of a socket at once. */
const BACKLOG_BYTES = 6 * 1024 * 1024;

let redis: RedisClient | undefined;
afterAll(() => {
  redis?.disconnect();
  for (const gateway of stack.cluster?.gateways ?? []) gateway.process.child.kill("SIGCONT");
});

/**
 * Publishes about `bytes` of bus messages every gateway reads and none acts on (a quiet membership change of a user
 * no gateway holds), as the traffic of a busy system does while a gateway is frozen.
 */
async function busBacklog(client: RedisClient, bytes: number): Promise<void> {
  const filler: ClusterMessage = { type: "room", room: "1", name: "elsewhere", userId: "999999999", userName: "x".repeat(1_000), kind: "left", quiet: true };
  const payload = JSON.stringify(filler);
  for (let sent = 0; sent < bytes; ) {
    const batch = client.pipeline();
    for (let i = 0; i < 500; i++, sent += payload.length) batch.publish(channels.all, payload);
    await batch.exec();
  }
}

it("a member that leaves while its gateway is frozen gets none of the room's later messages once it goes on, though the room poll reads the stream before the gateway reads the leave from its bus backlog", { timeout: 60_000 }, async () => {
  const url = stack.cluster.route.url;
  const [alice, bob, carol] = [await registerUser(url, "alice"), await registerUser(url, "bob"), await registerUser(url, "carol")];
  const room = await stack.api.createRoom(alice.token, { name: "frozen leave", visibility: "public" });
  await stack.api.joinRoom(bob.token, room.roomId);
  await stack.api.joinRoom(carol.token, room.roomId);
  // Bob, who leaves, and carol, who stays, are on the gateway that freezes; alice sends from the other one.
  const [a, b, c] = [await device(alice, 0, {}, alice.token), await device(bob, 1, {}, bob.token), await device(carol, 1, {}, carol.token)];
  await a.say({ room: room.roomId, text: "before the freeze" });
  await received(b, "before the freeze");
  await received(c, "before the freeze");

  redis = createRedisClient({ url: stack.cluster.redis.address }, "frozen-leave-test");
  const frozen = stack.cluster.gateways[1]!.process.child;
  const after = ["after the leave 1", "after the leave 2", "after the leave 3"];
  frozen.kill("SIGSTOP");
  try {
    await busBacklog(redis, BACKLOG_BYTES);
    await stack.api.leaveRoom(bob.token, room.roomId);
    for (const text of after) await a.say({ room: room.roomId, text });
    await sleep(ROOM_POLL_MS);
  } finally {
    frozen.kill("SIGCONT");
  }

  expect(await received(c, ...after)).toEqual(["before the freeze", ...after]);
  await b.waitFor("roomEvent", (e) => e.room === room.roomId && e.userId === bob.userId && e.kind === "left");
  // Bob's sessions read the room from the same reader as carol's: what would reach bob came with carol's messages.
  // A private message after them: bob's device has read its socket past them too.
  await a.say({ to: bob.userId, text: "barrier" });
  await waitUntil(() => texts(b.messages()).includes("barrier"), 20_000, "bob's barrier");
  expect(texts(b.messages())).toEqual(["before the freeze", "barrier"]);
});
