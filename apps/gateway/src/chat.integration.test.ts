// Three users on two gateways over real Redis and ZooKeeper: group, private, online list, presence, policies.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newUser, startApp, startCluster, waitUntil, type AppProcess, type Cluster, type RecordingClient } from "@cim/devstack";

let cluster: Cluster;
const clients: RecordingClient[] = [];

beforeAll(async () => {
  cluster = await startCluster({ gateways: 2 });
});
afterAll(async () => {
  for (const client of clients) client.close();
  await cluster?.stop();
});

async function user(name: string, routeUrl = cluster.route.url): Promise<RecordingClient> {
  const client = await newUser(routeUrl, name);
  clients.push(client);
  return client;
}

describe("three users on two gateways", () => {
  let ann: RecordingClient, bob: RecordingClient, cat: RecordingClient;

  beforeAll(async () => {
    ann = await user("ann");
    bob = await user("bob");
    cat = await user("cat");
  });

  it("round robin spreads logins over both gateways", () => {
    const used = new Set([ann, bob, cat].map((c) => c.gateway!.id));
    expect(used).toEqual(new Set(["gw-a", "gw-b"]));
  });

  it("a group message reaches every other user exactly once", async () => {
    const ack = await ann.send({ text: "hello group" });
    expect(ack.msgId).toMatch(/^\d+$/);
    await bob.waitForText("hello group");
    await cat.waitForText("hello group");
    // a later message proves nothing more of the first is on its way
    await ann.send({ text: "second" });
    await bob.waitForText("second");
    await cat.waitForText("second");
    for (const c of [bob, cat]) expect(c.texts().filter((t) => t === "hello group")).toHaveLength(1);
    expect(ann.texts()).not.toContain("hello group");
    const received = bob.messages.find((m) => m.text === "hello group")!;
    expect(received).toMatchObject({ from: ann.session!.userId, fromName: ann.session!.userName, to: "" });
  });

  it("a private message crosses gateways and reaches only its recipient", async () => {
    const [a, b] = [ann, bob, cat].reduce<[RecordingClient, RecordingClient] | []>((pair, c, _, all) => {
      if (pair.length) return pair;
      const other = all.find((o) => o.gateway!.id !== c.gateway!.id);
      return other ? [c, other] : [];
    }, []) as [RecordingClient, RecordingClient];
    await a.send({ to: b.session!.userId, text: "psst across" });
    const got = await b.waitForText("psst across");
    expect(got.to).toBe(b.session!.userId);
    await b.send({ to: a.session!.userId, text: "psst back" });
    await a.waitForText("psst back");
    const third = [ann, bob, cat].find((c) => c !== a && c !== b)!;
    await a.send({ text: "marker after private" });
    await third.waitForText("marker after private");
    expect(third.texts()).not.toContain("psst across");
  });

  it("messages from one sender arrive in order", async () => {
    const texts = Array.from({ length: 30 }, (_, i) => `seq ${i}`);
    await Promise.all(texts.map((text) => ann.send({ to: cat.session!.userId, text })));
    await cat.waitForText("seq 29");
    expect(cat.texts().filter((t) => t.startsWith("seq "))).toEqual(texts);
  });

  it("a resent clientMsgId is acked again but stored and delivered once", async () => {
    const first = await bob.send({ to: ann.session!.userId, text: "only once", clientMsgId: "dup-1" });
    const second = await bob.send({ to: ann.session!.userId, text: "only once", clientMsgId: "dup-1" });
    expect(second.msgId).toBe(first.msgId);
    await bob.send({ to: ann.session!.userId, text: "after dup" });
    await ann.waitForText("after dup");
    expect(ann.texts().filter((t) => t === "only once")).toHaveLength(1);
    const history = await ann.history({ withUser: bob.session!.userId });
    expect(history.filter((m) => m.text === "only once")).toHaveLength(1);
  });

  it("the online list shows all three with names", async () => {
    const online = await ann.online();
    for (const c of [ann, bob, cat]) expect(online).toContainEqual({ userId: c.session!.userId, userName: c.session!.userName });
  });

  it("presence reaches those who watch a user when it comes and goes", async () => {
    const danName = `dan-${Math.random().toString(36).slice(2, 8)}`;
    const { userId: danId } = await ann.register(danName, "cim-test-pass-1");
    ann.subscribePresence([danId]);
    bob.subscribePresence([danId]);
    await waitUntil(() => ann.presence.some((p) => p.userId === danId && !p.online), 10_000, "ann's answer: dan offline");
    await waitUntil(() => bob.presence.some((p) => p.userId === danId && !p.online), 10_000, "bob's answer: dan offline");
    const dan = new (ann.constructor as typeof RecordingClient)(cluster.route.url);
    clients.push(dan);
    await dan.logIn(danName, "cim-test-pass-1");
    const danSeenBy = (client: RecordingClient) => client.presence.filter((p) => p.userId === danId).map((p) => p.online);
    await waitUntil(() => danSeenBy(ann).join() === "false,true" && danSeenBy(bob).join() === "false,true", 10_000, "ann and bob to see dan online");
    dan.close();
    await waitUntil(() => danSeenBy(bob).join() === "false,true,false", 10_000, "bob to see dan offline");
    expect((await ann.online()).map((u) => u.userId)).not.toContain(danId);
    expect(cat.presence.map((p) => p.userId)).not.toContain(danId); // cat never asked
  });

  it("history pages back through a conversation, oldest first", async () => {
    const page = await ann.history({ withUser: cat.session!.userId, limit: 5 });
    expect(page.map((m) => m.text)).toEqual(["seq 25", "seq 26", "seq 27", "seq 28", "seq 29"]);
    const before = await ann.history({ withUser: cat.session!.userId, limit: 5, before: page[0]!.msgId });
    expect(before.map((m) => m.text)).toEqual(["seq 20", "seq 21", "seq 22", "seq 23", "seq 24"]);
  });

  it("delivery receipts reach the sender of a private message", async () => {
    const receipts: string[] = [];
    ann.onDelivered((d) => receipts.push(d.msgId));
    const ack = await ann.send({ to: bob.session!.userId, text: "did you get it" });
    await waitUntil(() => receipts.includes(ack.msgId), 10_000, "a delivered receipt");
  });

  it("send-by-HTTP reaches users on the gateways", async () => {
    const { msgId } = await cat.api.sendMessage(cat.session!.token, { to: ann.session!.userId, text: "from an integration" });
    expect(msgId).toMatch(/^\d+$/);
    expect((await ann.waitForText("from an integration")).from).toBe(cat.session!.userId);
  });
});

describe("login policies", () => {
  it("multi (the default): a second login of the same user leaves the first online, and both devices get messages", async () => {
    const first = await user("eve");
    const again = new (first.constructor as typeof RecordingClient)(cluster.route.url);
    clients.push(again);
    await again.logIn(first.session!.userName, "cim-test-pass-1");
    const other = await user("eve-friend");
    await other.send({ to: first.session!.userId, text: "to both devices" });
    await first.waitForText("to both devices");
    await again.waitForText("to both devices");
    expect(first.state).toBe("online");
    expect((await again.online()).filter((u) => u.userId === first.session!.userId)).toHaveLength(1);
  });

  it("reject: a second login is refused with 409 while the first is online", async () => {
    let rejectRoute: AppProcess | undefined;
    try {
      rejectRoute = await startApp("route", { ...cluster.env, CIM_LOGIN_POLICY: "reject" }, "route-reject");
      const first = await user("fay", rejectRoute.url);
      const second = new (first.constructor as typeof RecordingClient)(rejectRoute.url);
      await expect(second.logIn(first.session!.userName, "cim-test-pass-1")).rejects.toMatchObject({ status: 409, code: "already_online" });
      expect(first.state).toBe("online");
      first.close();
      await waitUntil(async () => !(await second.api.login(first.session!.userName, "cim-test-pass-1").then(() => false, () => true)), 10_000, "login to succeed after logout");
    } finally {
      await rejectRoute?.stop();
    }
  });

  it("logout ends the login everywhere: offline for others, and its token neither reconnects nor logs in to a gateway", async () => {
    const gus = await user("gus");
    const watcher = await user("hal");
    const { token, userId } = gus.session!;
    watcher.subscribePresence([userId]);
    await waitUntil(() => watcher.presence.some((p) => p.userId === userId && p.online), 10_000, "hal's answer: gus online");
    await gus.logout();
    await waitUntil(() => watcher.presence.filter((p) => p.userId === userId).at(-1)?.online === false, 10_000, "gus offline presence");
    expect((await watcher.online()).map((u) => u.userId)).not.toContain(userId);
    await expect(watcher.api.reconnect(token)).rejects.toMatchObject({ status: 401 });
    const stale = new (gus.constructor as typeof RecordingClient)(cluster.route.url);
    await expect(stale.resume({ userId, userName: "gus", token })).rejects.toMatchObject({ status: 401 });
  });
});
