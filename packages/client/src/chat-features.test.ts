// The SDK's side of typing, edits, deletions, replies and search, against a scripted gateway socket and a fake route.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ChatMessage, Typing } from "@cim/protocol";
import { CimClient } from "./client.js";
import { applyEvent, applyEvents } from "./message-events.js";
import { fakeRoute, FakeSocket, fakeToken } from "./testing.js";
import { TypingState, typingText } from "./typing.js";

function setup() {
  const sockets: FakeSocket[] = [];
  const route = fakeRoute((call) => {
    if (call.path === "/api/login") return { status: 200, body: { userId: "7", userName: "ann", token: fakeToken({ exp: Math.floor(Date.now() / 1000) + 3600 }), gateway: { id: "gw-a", wsUrl: "ws://gw-a/ws" } } };
    if (call.path === "/api/search") return { status: 200, body: { results: [{ conversation: "r1", msgId: "5", text: "hit", edited: true }] } };
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
  return { client, route, logIn };
}

const message = (fields: Partial<ChatMessage>): ChatMessage => ({ msgId: "1", from: "8", fromName: "bob", to: "", text: "", ts: 0, room: "r1", replyTo: "", editOf: "", deleted: false, ...fields });

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe("typing", () => {
  it("sends a Typing at once, then at most every 3 s per conversation; a send makes the next keystroke news again", async () => {
    const t = setup();
    const socket = await t.logIn();
    t.client.typing("r1");
    t.client.typing("r1");
    t.client.typing("8");
    vi.advanceTimersByTime(2_000);
    t.client.typing("r1");
    expect(socket.sentOf("typing").map((s) => s.conversation)).toEqual(["r1", "8"]);
    vi.advanceTimersByTime(1_000);
    t.client.typing("r1");
    void t.client.send({ room: "r1", text: "done" });
    t.client.typing("r1");
    expect(socket.sentOf("typing").map((s) => s.conversation)).toEqual(["r1", "8", "r1", "r1"]);
    t.client.typing("everyone");
    void t.client.send({ text: "to the group" });
    t.client.typing("everyone");
    expect(socket.sentOf("typing").map((s) => s.conversation).slice(4)).toEqual(["everyone", "everyone"]);
  });

  it("reports received Typing frames; TypingState shows each typist until 5 s pass or it sends a message", async () => {
    const t = setup();
    const socket = await t.logIn();
    const seen: Typing[] = [];
    t.client.onTyping((typing) => void seen.push(typing));
    socket.push({ kind: "typing", body: { conversation: "r1", userId: "8", userName: "bob" } });
    expect(seen).toEqual([{ conversation: "r1", userId: "8", userName: "bob" }]);

    const state = new TypingState();
    state.typing({ conversation: "r1", userId: "8", userName: "bob" }, 0);
    state.typing({ conversation: "r1", userId: "9", userName: "cat" }, 1_000);
    expect(typingText(state.who("r1", 4_999))).toBe("bob and cat are typing…");
    expect(state.nextLapse(1_000)).toBe(5_000);
    expect(state.nextLapse(5_500)).toBe(6_000);
    expect(typingText(state.who("r1", 5_000))).toBe("cat is typing…");
    state.stopped("r1", "9");
    expect(state.who("r1", 5_000)).toEqual([]);
    expect(typingText([])).toBe("");
  });
});

describe("edits, deletions and replies", () => {
  it("send carries replyTo, editOf and delete (a deletion sends no text)", async () => {
    const t = setup();
    const socket = await t.logIn();
    void t.client.send({ room: "r1", text: "re", replyTo: "3" });
    void t.client.send({ room: "r1", text: "fixed", editOf: "3" });
    void t.client.send({ room: "r1", text: "ignored", editOf: "3", delete: true });
    expect(socket.sentOf("send").map((s) => [s.text, s.replyTo, s.editOf, s.delete])).toEqual([["re", "3", "", false], ["fixed", "", "3", false], ["", "", "3", true]]);
  });

  it("applyEvents applies a page's events in order and returns those whose message is older than the page", () => {
    const page = [
      message({ msgId: "1", text: "helo" }),
      message({ msgId: "2", text: "hello", editOf: "1" }),
      message({ msgId: "3", text: "x", editOf: "0" }),
      message({ msgId: "4", text: "second" }),
      message({ msgId: "5", editOf: "4", deleted: true }),
      message({ msgId: "6", text: "too late", editOf: "4" }),
    ];
    const { messages, pending } = applyEvents(page);
    expect(messages.map((m) => [m.msgId, m.text, m.edited ?? false, m.deleted])).toEqual([["1", "hello", true, false], ["4", "", false, true]]);
    expect(pending.map((m) => m.msgId)).toEqual(["3"]);
    expect(applyEvent(messages[0]!, message({ msgId: "7", editOf: "9", text: "other" }))).toBeNull();
  });
});

describe("search", () => {
  it("asks route with the query and answers its results", async () => {
    const t = setup();
    await t.logIn();
    const results = await t.client.search("hit me", { conversation: "r1", limit: 5 });
    expect(results).toEqual([{ conversation: "r1", msgId: "5", text: "hit", edited: true }]);
    const call = t.route.calls.find((c) => c.path === "/api/search")!;
    expect(call.token).not.toBe("");
  });
});
