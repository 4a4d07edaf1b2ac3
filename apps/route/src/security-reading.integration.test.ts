// Reading what is not the caller's, through route's HTTP API on real Redis and ZooKeeper (app.request()): a deleted
// message's text and the quotes of it, and who is online across a block. Each test is an attack that used to work.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitUntil } from "@cim/devstack";
import { conv } from "@cim/state";
import { loginUser, newUser, PASSWORD, uniqueName, type LoginAnswer } from "./testing/api-client.js";
import { HARNESS_GATEWAY, startRouteHarness, type RouteHarness } from "./testing/route-harness.js";

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
    const deletedAt = Date.now();
    const blank = (messages: HistoryMessage[]) => messages.map((m) => [m.text, m.replyText ?? null]);
    expect(blank(await history(bob, ann))).toEqual([["", null], ["got it", ""], ["", null]]);
    // The conversation stays quiet past the age limit: no message is stored, so nothing trims its stream, and the
    // deleted message is still there to be read. What the deletion noted must still be there too.
    const deletions = conv.deletions(conv.ofPair(ann.userId, bob.userId));
    const lapsed = async () => Date.now() > deletedAt + MAX_AGE_SECONDS * 1_000 && [-1, -2].includes(await h.redis.pttl(deletions));
    await waitUntil(lapsed, 5_000, "the age limit to pass since the deletion (and what expires with it)");
    expect(blank(await history(bob, ann))).toEqual([["", null], ["got it", ""], ["", null]]);
  });
});

describe("the online list across a block", () => {
  /** Every page of the online users whose name starts with `prefix`, `limit` at a time, as `who` gets them. */
  async function pages(who: LoginAnswer, prefix: string, limit: number): Promise<Array<{ users: string[]; nextCursor: string }>> {
    const seen: Array<{ users: string[]; nextCursor: string }> = [];
    let cursor = "";
    do {
      const res = await h.call("GET", `/api/online?prefix=${prefix}&limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`, { token: who.token });
      expect(res.status).toBe(200);
      const page = (await res.json()) as { users: Array<{ userName: string }>; nextCursor: string };
      seen.push({ users: page.users.map((u) => u.userName), nextCursor: page.nextCursor });
      cursor = page.nextCursor;
    } while (cursor && seen.length < 10);
    return seen;
  }

  it("reads the same to the blocked user whether the blocker is online or not: no page, nor its cursor, tells", async () => {
    const stem = uniqueName("ol");
    const register = async (name: string) => {
      expect((await h.call("POST", "/api/register", { body: { userName: `${stem}${name}`, password: PASSWORD } })).status).toBe(201);
      return loginUser(h, `${stem}${name}`);
    };
    // In name order: the blocker, then two others online, whom the blocked user sees.
    const [ann, bea, cid, bob] = [await register("a"), await register("b"), await register("c"), await newUser(h, "watcher")];
    for (const user of [bea, cid]) await h.services.sessions.claim(user.userId, HARNESS_GATEWAY.id);
    expect((await h.call("PUT", `/api/blocks/${bob.userId}`, { token: ann.token })).status).toBe(204);
    const offline = [await pages(bob, stem, 1), await pages(bob, stem, 2)];
    await h.services.sessions.claim(ann.userId, HARNESS_GATEWAY.id);
    expect((await pages(cid, stem, 5))[0]!.users).toEqual([`${stem}a`, `${stem}b`, `${stem}c`]);
    const online = [await pages(bob, stem, 1), await pages(bob, stem, 2)];
    expect(online).toEqual(offline);
    expect(offline[0]!.flatMap((page) => page.users)).toEqual([`${stem}b`, `${stem}c`]);
  });
});
