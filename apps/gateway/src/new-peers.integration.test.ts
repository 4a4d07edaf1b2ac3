// A Send to one more new peer than CIM_NEW_PEERS_PER_HOUR allows is answered Error{rate_limited} with its clientMsgId;
// the socket stays open, the recipient gets nothing, and chats already there go on. Real Redis, ZooKeeper, route and
// a gateway.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ErrorCode } from "@cim/protocol";
import { startCluster, type Cluster } from "@cim/devstack";
import { rawDevice, registerUser, type RawDevice } from "./test-support.js";

let cluster: Cluster;
const sockets: RawDevice[] = [];

beforeAll(async () => {
  cluster = await startCluster({ gateways: 1, env: { CIM_NEW_PEERS_PER_HOUR: "1" } });
});
afterAll(async () => {
  for (const socket of sockets) socket.ws.close();
  await cluster?.stop();
});

describe("new private conversations over a socket", () => {
  it("past the hour's limit a Send to a new peer is refused rate_limited, the socket stays open and chats go on", async () => {
    const wsUrl = `ws://127.0.0.1:${cluster.gateways[0]!.port}/ws`;
    const [spammer, ann, bob] = await Promise.all(["spam", "ann", "bob"].map((name) => registerUser(cluster.route.url, name)));
    const [s, b] = await Promise.all([rawDevice(wsUrl, spammer!.token), rawDevice(wsUrl, bob!.token)]);
    sockets.push(s, b);
    await s.say({ to: ann!.userId, text: "hello ann" });
    await expect(s.say({ clientMsgId: "to-bob", to: bob!.userId, text: "hello bob" })).rejects.toThrow(ErrorCode.RateLimited);
    expect(s.frames.find((f) => f.kind === "error" && f.body.clientMsgId === "to-bob")?.body).toMatchObject({ code: ErrorCode.RateLimited, message: expect.stringContaining("new private conversations") });
    await s.say({ to: ann!.userId, text: "hello again ann" });
    expect(s.ws.readyState).toBe(s.ws.OPEN);
    expect(b.messages()).toEqual([]);
  });
});
