// CimClient's watched lists (presence and typing): sent when online, again after a reconnect, only when changed.
import { describe, expect, it, vi } from "vitest";
import { setup, useFakeClock } from "./client-test-support.js";

useFakeClock();

describe("CimClient: presence by subscription", () => {
  it("sends the watched list when online and again after a reconnect, skips an unchanged one, refuses one over 500", async () => {
    const t = setup();
    t.client.subscribePresence(["3", "4", "3"]); // before login: kept for the LoginAck
    await t.logIn();
    const subscribes = (i: number) => t.sockets[i]!.sent.filter((f) => f.kind === "presenceSubscribe").map((f) => f.body);
    expect(subscribes(0)).toEqual([{ userIds: ["3", "4"] }]);
    t.client.subscribePresence(["3", "4"]);
    t.client.subscribePresence(["5"]);
    expect(subscribes(0)).toEqual([{ userIds: ["3", "4"] }, { userIds: ["5"] }]);
    expect(() => t.client.subscribePresence(Array.from({ length: 501 }, (_, i) => String(i)))).toThrow(RangeError);
    const seen: string[] = [];
    t.client.onPresence((p) => void seen.push(`${p.userId}:${p.online}`));
    t.sockets[0]!.push({ kind: "presenceBatch", body: { presences: [{ userId: "5", userName: "eve", online: true }] } });
    t.sockets[0]!.push({ kind: "presence", body: { userId: "5", userName: "eve", online: false } });
    expect(seen).toEqual(["5:true", "5:false"]);
    t.sockets[0]!.serverClose(1006);
    await vi.advanceTimersByTimeAsync(200);
    await t.socketCount(2);
    t.sockets[1]!.accept();
    await vi.waitFor(() => expect(subscribes(1)).toEqual([{ userIds: ["5"] }]));
  });
});

describe("CimClient: typing by subscription", () => {
  it("sends the list only to a gateway that takes it, again after a reconnect; an empty list too", async () => {
    const t = setup();
    t.client.subscribeTyping(["r1", "r1"]); // before login: kept for the LoginAck
    await t.logIn(); // a gateway before TypingSubscribe: it would close the session for it
    const lists = (i: number) => t.sockets[i]!.sent.filter((f) => f.kind === "typingSubscribe").map((f) => f.body);
    t.client.subscribeTyping(["2"]);
    expect(lists(0)).toEqual([]);
    t.sockets[0]!.serverClose(1006);
    await vi.advanceTimersByTimeAsync(200);
    await t.socketCount(2);
    t.sockets[1]!.accept(15_000, { typingSubscribe: true });
    await vi.waitFor(() => expect(lists(1)).toEqual([{ conversations: ["2"] }]));
    t.client.subscribeTyping(["2"]);
    t.client.subscribeTyping([]);
    expect(lists(1)).toEqual([{ conversations: ["2"] }, { conversations: [] }]);
    expect(() => t.client.subscribeTyping(Array.from({ length: 21 }, (_, i) => String(i)))).toThrow(/at most 20 conversations/);
  });
});
