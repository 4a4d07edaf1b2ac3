// The SDK's side of reactions: the frames react/unreact send, and folding reaction events into messages.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ChatMessage } from "@cim/protocol";
import { CimClient } from "./client.js";
import { applyEvent, applyEvents, isEvent, type ShownMessage } from "./message-events.js";
import { fakeRoute, FakeSocket, fakeToken } from "./testing.js";

function setup() {
  const sockets: FakeSocket[] = [];
  const route = fakeRoute((call) => {
    if (call.path === "/api/login") return { status: 200, body: { userId: "7", userName: "ann", token: fakeToken({ exp: Math.floor(Date.now() / 1000) + 3600 }), gateway: { id: "gw-a", wsUrl: "ws://gw-a/ws" } } };
    return { status: 204 };
  });
  const client = new CimClient({
    routeUrl: "http://route.test", fetch: route.fetch, logger: { warn: () => undefined },
    createSocket: (url) => {
      const socket = new FakeSocket(url);
      sockets.push(socket);
      return socket;
    },
  });
  const logIn = async () => {
    const done = client.logIn("ann", "cim-test-pass-1");
    await vi.waitFor(() => expect(sockets).toHaveLength(1));
    sockets[0]!.accept();
    await done;
    return sockets[0]!;
  };
  return { client, logIn };
}

const message = (fields: Partial<ChatMessage>): ChatMessage => ({ msgId: "1", from: "8", fromName: "bob", to: "", text: "", ts: 0, room: "r1", replyTo: "", editOf: "", deleted: false, reactTo: "", reaction: "", ...fields });
const react = (msgId: string, from: string, reaction: string, reactTo = "1") => message({ msgId, from, reactTo, reaction });
const chips = (shown: ShownMessage | undefined) => (shown?.reactions ?? []).map((r) => `${r.emoji}:${r.userIds.join(",")}`);

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe("react and unreact", () => {
  it("send a reaction event to the conversation's target: reactTo, the emoji (\"\" to take it back), no text", async () => {
    const t = setup();
    const socket = await t.logIn();
    void t.client.react("r1", "3", "👍");
    void t.client.react("8", "4", "❤️");
    void t.client.unreact("everyone", "5");
    expect(socket.sentOf("send").map((s) => [s.room, s.to, s.text, s.reactTo, s.reaction])).toEqual([
      ["r1", "", "", "3", "👍"], ["", "8", "", "4", "❤️"], ["", "", "", "5", ""],
    ]);
  });
});

describe("folding reactions", () => {
  it("a reaction event is an event, never shown as a message of its own", () => {
    expect(isEvent(react("2", "9", "👍"))).toBe(true);
    expect(isEvent(react("2", "9", ""))).toBe(true);
    const { messages, pending } = applyEvents([message({ msgId: "1", text: "hi" }), react("2", "9", "👍"), react("3", "9", "", "0")]);
    expect(messages.map((m) => m.msgId)).toEqual(["1"]);
    expect(pending.map((m) => m.msgId)).toEqual(["3"]);
  });

  it("counts each user once per message: a newer reaction replaces the user's older one", () => {
    const { messages } = applyEvents([
      message({ msgId: "1", text: "hi" }),
      react("2", "9", "👍"), react("3", "10", "👍"), react("4", "11", "😂"),
      react("5", "9", "❤️"),
    ]);
    expect(chips(messages[0])).toEqual(["👍:10", "😂:11", "❤️:9"]);
  });

  it("a reaction taken back leaves the others; an emoji nobody uses any more goes", () => {
    const { messages } = applyEvents([message({ msgId: "1", text: "hi" }), react("2", "9", "👍"), react("3", "10", "🎉"), react("4", "9", "")]);
    expect(chips(messages[0])).toEqual(["🎉:10"]);
    expect(chips(applyEvent(messages[0]!, react("5", "10", ""))!)).toEqual([]);
  });

  it("applies events in msgId order: the last one of a user wins, a deletion drops the reactions and is final", () => {
    const { messages } = applyEvents([message({ msgId: "1", text: "hi" }), react("2", "9", "👍"), react("3", "9", ""), react("4", "9", "😮")]);
    expect(chips(messages[0])).toEqual(["😮:9"]);
    const deleted = applyEvent(messages[0]!, message({ msgId: "5", from: "8", editOf: "1", deleted: true }))!;
    expect([deleted.deleted, chips(deleted)]).toEqual([true, []]);
    expect(chips(applyEvent(deleted, react("6", "10", "👍"))!)).toEqual([]);
    expect(applyEvent(deleted, react("7", "10", "👍", "2"))).toBeNull();
  });
});
