// Every Lua script of this package is called with keys of one Redis Cluster slot, on every path: a workload of
// every kind runs while MONITOR records each EVAL/EVALSHA, whose keys are checked with cluster-key-slot.
import { createHash } from "node:crypto";
import calculateSlot from "cluster-key-slot";
import { describe, expect, it } from "vitest";
import { waitUntil } from "@cim/devstack";
import { AccountStore } from "./accounts.js";
import { BlockStore } from "./blocks.js";
import { BusPublisher } from "./bus.js";
import { InboxStore } from "./inbox.js";
import { LoginGate } from "./login-gate.js";
import { conv, keys } from "./keys.js";
import { MessageStore } from "./messages.js";
import { ReadStore } from "./reads.js";
import { ReceiptStore } from "./receipts.js";
import { RoomStore } from "./rooms.js";
import { SessionStore } from "./sessions.js";
import { useRedis } from "./test-harness.js";

const h = useRedis();

interface ScriptCall {
  sha: string;
  keys: string[];
}

const ESCAPES: Record<string, string> = { n: "\n", r: "\r", t: "\t", a: "\x07", b: "\b", "\\": "\\", '"': '"' };

/** Undoes MONITOR's quoting of an argument (sdscatrepr): `\n`, `\\`, `\xHH`, ... */
function unescapeMonitor(text: string): string {
  return text.replace(/\\(x[0-9a-f]{2}|.)/g, (_, code: string) => (code.length === 3 ? String.fromCharCode(parseInt(code.slice(1), 16)) : (ESCAPES[code] ?? code)));
}

/** Records the scripts Redis runs (EVALSHA, and EVAL when ioredis falls back to it) with their keys. */
async function recordScripts(): Promise<{ calls: ScriptCall[]; seen: Set<string>; stop: () => void }> {
  const monitor = await h.redis.monitor();
  const calls: ScriptCall[] = [];
  const seen = new Set<string>();
  monitor.on("monitor", (_time: string, args: string[]) => {
    const command = args[0]?.toLowerCase();
    if (command === "echo") seen.add(args[1] ?? "");
    if (command !== "evalsha" && command !== "eval") return;
    const sha = command === "eval" ? createHash("sha1").update(unescapeMonitor(args[1] ?? "")).digest("hex") : (args[1] ?? "");
    const count = Number(args[2]);
    calls.push({ sha, keys: args.slice(3, 3 + count) });
  });
  return { calls, seen, stop: () => monitor.disconnect() };
}

/** Wraps defineCommand so that every script the stores define is known by name and sha. */
function catalogueScripts(): Map<string, string> {
  const shas = new Map<string, string>();
  const define = h.redis.defineCommand.bind(h.redis);
  h.redis.defineCommand = (name, definition) => {
    shas.set(createHash("sha1").update(definition.lua).digest("hex"), name);
    define(name, definition);
  };
  return shas;
}

/**
 * Scripts that run on a single Redis only, over keys of many slots: a turn's private messages (on a cluster each has
 * its own calls) and the newest entries of many conversations (on a cluster one read each: newest-positions.ts).
 */
const SINGLE_REDIS_ONLY = new Set(["cimStorePrivateAllBatch", "cimNewestPositions"]);

describe("Redis Cluster slots", () => {
  it("every script of every store runs with keys of a single slot", async () => {
    const scripts = catalogueScripts();
    const sessions = new SessionStore(h.redis);
    // The paths a cluster takes: no private batches across slots.
    const messages = new MessageStore(h.redis, { maxLenPerStream: 50, maxAgeSeconds: 3_600, batchPrivate: false, newPeersPerHour: 100 });
    const inboxes = new InboxStore(h.redis, { maxLenPerStream: 50, maxAgeSeconds: 3_600 });
    const reads = new ReadStore(h.redis);
    const receipts = new ReceiptStore(h.redis);
    const rooms = new RoomStore(h.redis, { nameKeyOf: (userName) => userName });
    const bus = new BusPublisher(h.redis, sessions);
    const accounts = new AccountStore(h.redis);
    const blocks = new BlockStore(h.redis);
    const logins = new LoginGate(h.redis, "gw-a", { maxSessions: 10, loginsPerSec: 1, loginsBurst: 30 });
    const recorder = await recordScripts();
    try {
      for (const id of ["1", "2", "3"]) await h.redis.hset(keys.account(id), { userName: `u${id}`, passwordHash: "x", createdAt: "0" });
      await sessions.setSessions("2", "gw-a", 2);
      await sessions.setSessions("1", "gw-b", 1, new Map([["s1", 1]]));
      expect(await logins.admit("1", "s1", new Map())).toMatchObject({ admitted: true, counted: 1 });
      const room = await rooms.create({ name: "slots", visibility: "public", owner: "1" });
      await rooms.join(room.roomId, "2", { userName: "u2" });
      // Created without its owner's name: the first page indexes the room, then reads it.
      expect((await rooms.memberPage(room.roomId, { prefix: "", after: "", limit: 5, budget: 10 })).userIds).toEqual(["1", "2"]);
      const send = (input: { from: string; to?: string; room?: string; clientMsgId: string }) =>
        messages.store({ fromName: "n", fromDevice: "d", text: "t", ...input });
      const results = [
        await send({ from: "1", clientMsgId: "g" }),
        await send({ from: "1", clientMsgId: "g" }),
        await send({ from: "1", room: "everyone", clientMsgId: "e" }),
        await send({ from: "2", room: room.roomId, clientMsgId: "r" }),
        await send({ from: "2", room: room.roomId, clientMsgId: "r" }),
        await send({ from: "3", room: room.roomId, clientMsgId: "x" }),
        await send({ from: "1", to: "2", clientMsgId: "p" }),
        await send({ from: "1", to: "2", clientMsgId: "p" }),
        await send({ from: "2", to: "1", clientMsgId: "q" }),
        await send({ from: "2", to: "404", clientMsgId: "u" }),
      ];
      expect(await blocks.block("3", "1")).toEqual({ state: "blocked", order: 1 });
      expect(await send({ from: "1", to: "3", clientMsgId: "b" })).toEqual({ error: "blocked" });
      expect(await blocks.unblock("3", "1")).toEqual({ state: "unblocked", order: 2 });
      expect(await blocks.list("3")).toEqual({ ids: [], order: 2 });
      const sent = results[6]!;
      if ("error" in sent) throw new Error(sent.error);
      const privateId = sent.message.msgId;
      expect(await inboxes.acknowledge("2", privateId, "1")).toBe(true);
      expect(await inboxes.acknowledge("2", privateId, "3")).toBe(false);
      expect(await reads.setRead("2", "1", privateId)).toBe(true);
      expect(await reads.setRead("2", "1", privateId)).toBe(false);
      await receipts.delivered("1", "2", privateId);
      await receipts.read("1", "2", privateId);
      await rooms.leave(room.roomId, "2", { userName: "u2", by: { userId: "1", userName: "u1" } });
      expect(await rooms.rename(room.roomId, "slots renamed", { userId: "1", userName: "u1" })).toMatchObject({ name: "slots renamed" });
      expect((await rooms.events(room.roomId)).map((e) => `${e.kind} ${e.name}`)).toEqual(["joined ", "left ", "renamed slots renamed"]);
      await sessions.setSessions("2", "gw-a", 1);
      await sessions.releaseGateway("gw-a");
      await sessions.setSessions("1", "gw-b", 0);
      await bus.toUser("1", { type: "presence", userId: "1", userName: "u1", online: true });
      expect(await accounts.rehashPassword("3", "x", "y")).toBe(true);
      expect(await accounts.rehashPassword("3", "x", "z")).toBe(false);
      await accounts.countLogin({ userId: "3", sessionId: "s", loginEpoch: 0 }, 1);
      expect(await accounts.endOtherLogins({ userId: "3", sessionId: "s", loginEpoch: 0 }, { verified: "y", next: "w" })).toBeGreaterThan(0);
      await accounts.remove("3");
      expect(await send({ from: "1", to: "3", clientMsgId: "gone" })).toEqual({ error: "unknown_recipient" });
      await h.redis.echo("done");
      await waitUntil(() => recorder.seen.has("done"), 5_000, "MONITOR to catch up");
    } finally {
      recorder.stop();
    }

    const crossSlot = recorder.calls.filter((call) => new Set(call.keys.map((key) => calculateSlot(key))).size > 1);
    expect(crossSlot).toEqual([]);
    const unnamed = recorder.calls.filter((call) => !scripts.has(call.sha));
    expect(unnamed).toEqual([]);
    // Every script the stores define ran at least once above: a new one must be added to this workload.
    const ran = new Set(recorder.calls.map((call) => scripts.get(call.sha)));
    expect([...scripts.values()].filter((name) => !ran.has(name) && !SINGLE_REDIS_ONLY.has(name))).toEqual([]);
    expect(ran.size).toBeGreaterThanOrEqual(7);
    // The keys of one conversation and of one user share a slot each.
    expect(calculateSlot(conv.messages("r1"))).toBe(calculateSlot(conv.roomMembers("r1")));
  });
});
