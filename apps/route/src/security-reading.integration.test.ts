// Reading what is not the caller's, through route's HTTP API on real Redis and ZooKeeper (app.request()): a deleted
// message's text and the quotes of it, and who is online across a block. Each test is an attack that used to work.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitUntil } from "@cim/devstack";
import { conv } from "@cim/state";
import { newUser, type LoginAnswer } from "./testing/api-client.js";
import { startRouteHarness, type RouteHarness } from "./testing/route-harness.js";

/** The stream age limit of this harness, in seconds: a deployment that keeps messages a day sets 86400. */
const MAX_AGE_SECONDS = 1;

let h: RouteHarness;

beforeAll(async () => {
  h = await startRouteHarness({ CIM_STREAM_MAX_AGE_SECONDS: String(MAX_AGE_SECONDS) });
});
afterAll(async () => h?.stop());

interface HistoryMessage {
  msgId: string;
  text: string;
  replyTo?: string;
  replyText?: string;
}

async function send(who: LoginAnswer, body: Record<string, unknown>): Promise<string> {
  const res = await h.call("POST", "/api/messages", { token: who.token, body });
  expect(res.status).toBe(202);
  return ((await res.json()) as { msgId: string }).msgId;
}

async function history(who: LoginAnswer, peer: LoginAnswer): Promise<HistoryMessage[]> {
  const res = await h.call("GET", `/api/history?with=${peer.userId}`, { token: who.token });
  expect(res.status).toBe(200);
  return ((await res.json()) as { messages: HistoryMessage[] }).messages;
}

describe("a deleted message", () => {
  it("stays blank in history and in the quotes of it once the stream's age limit has passed with no new message", async () => {
    const ann = await newUser(h, "del-ann");
    const bob = await newUser(h, "del-bob");
    const secret = await send(ann, { to: bob.userId, text: "the door code is 4711" });
    await send(bob, { to: ann.userId, text: "got it", replyTo: secret });
    await send(ann, { to: bob.userId, text: "", editOf: secret, delete: true });
    const blank = (messages: HistoryMessage[]) => messages.map((m) => [m.text, m.replyText ?? null]);
    expect(blank(await history(bob, ann))).toEqual([["", null], ["got it", ""], ["", null]]);
    // The conversation stays quiet past the age limit: no message is stored, so nothing trims its stream, and the
    // deleted message is still there to be read. What the deletion noted must still be there too.
    const deletions = conv.deletions(conv.ofPair(ann.userId, bob.userId));
    await waitUntil(async () => (await h.redis.pttl(deletions)) === -1 || !(await h.redis.exists(deletions)), 5_000, "the deletions' expiry, if any, to pass");
    expect(blank(await history(bob, ann))).toEqual([["", null], ["got it", ""], ["", null]]);
  });
});
