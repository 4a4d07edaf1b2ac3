import { describe, expect, it, vi } from "vitest";
import { RESEND_GRACE_MS, SendOrder } from "./send-order.js";
import type { Session } from "./session.js";

/** A store that the test settles: `stored` lists what was stored, in order. */
function storage() {
  const stored: string[] = [];
  const pending = new Map<string, { ok: () => void; fail: () => void }>();
  const store = (id: string) => () =>
    new Promise<string>((resolve, reject) => {
      pending.set(id, { ok: () => (stored.push(id), resolve(id)), fail: () => reject(new Error("Connection is closed.")) });
    });
  return { stored, pending, store };
}

const answer = (sending: Promise<string>) => sending.then(() => "ack", (error: Error & { code?: string }) => error.code ?? error.message);
const turn = () => new Promise((resolve) => setImmediate(resolve));

describe("SendOrder", () => {
  it("stores a session's Sends at once while Redis is ready, none waiting for another", async () => {
    const order = new SendOrder(() => true);
    const session = {} as Session;
    const { stored, pending, store } = storage();
    const first = order.run(session, "u:2", "p1", store("p1"));
    const second = order.run(session, "u:2", "p2", store("p2"));
    await turn();
    expect([...pending.keys()]).toEqual(["p1", "p2"]);
    pending.get("p2")!.ok();
    pending.get("p1")!.ok();
    expect(await Promise.all([first, second])).toEqual(["p1", "p2"]);
    expect(stored).toEqual(["p2", "p1"]);
  });

  it("after a refusal, a newer Send of that conversation is held until the refused one's resend is stored, then follows it", async () => {
    const order = new SendOrder(() => true);
    const session = {} as Session;
    const { stored, pending, store } = storage();
    const p4 = answer(order.run(session, "u:2", "p4", store("p4")));
    await turn();
    pending.get("p4")!.fail();
    expect(await p4).toBe("Connection is closed.");
    // Written before the client heard of p4's refusal: without the order it was stored ahead of p4's resend.
    const p5 = order.run(session, "u:2", "p5", store("p5"));
    // Another conversation is not held.
    expect(await answer(order.run(session, "r:7", "q1", async () => "q1"))).toBe("ack");
    await turn();
    expect([...pending.keys()]).toEqual(["p4"]);
    const p4again = order.run(session, "u:2", "p4", store("p4"));
    await turn();
    pending.get("p4")!.ok();
    await p4again;
    for (let i = 0; i < 5 && !pending.has("p5"); i++) await turn();
    pending.get("p5")!.ok();
    expect(await p5).toBe("p5");
    expect(stored).toEqual(["p4", "p5"]);
    expect(await answer(order.run(session, "u:2", "p6", async () => "p6"))).toBe("ack");
  });

  it("while Redis is not ready, a Send waits for the previous one and is refused when that one failed; resends keep the first order", async () => {
    let ready = false;
    const order = new SendOrder(() => ready);
    const session = {} as Session;
    const { stored, pending, store } = storage();
    const p1 = answer(order.run(session, "u:2", "p1", store("p1")));
    const p2 = answer(order.run(session, "u:2", "p2", store("p2")));
    await turn();
    expect([...pending.keys()]).toEqual(["p1"]);
    pending.get("p1")!.fail();
    expect([await p1, await p2]).toEqual(["Connection is closed.", "unavailable"]);
    ready = true;
    // p2's resend before p1's waits for p1's.
    pending.clear();
    const again = [answer(order.run(session, "u:2", "p2", store("p2"))), answer(order.run(session, "u:2", "p1", store("p1")))];
    for (let i = 0; i < 5 && !pending.has("p1"); i++) await turn();
    expect([...pending.keys()]).toEqual(["p1"]);
    pending.get("p1")!.ok();
    for (let i = 0; i < 5 && !pending.has("p2"); i++) await turn();
    pending.get("p2")!.ok();
    expect(await Promise.all(again)).toEqual(["ack", "ack"]);
    expect(stored).toEqual(["p1", "p2"]);
  });

  it("a resend that came while its own first attempt was being stored is refused as not stored, not as after an earlier message", async () => {
    const order = new SendOrder(() => false);
    const session = {} as Session;
    const { pending, store } = storage();
    const said = (sending: Promise<string>) => sending.then(() => "ack", (error: Error) => error.message);
    const first = said(order.run(session, "u:2", "p1", store("p1")));
    // The client resent p1 before its answer came (its ack timed out), and then wrote p2.
    const resent = said(order.run(session, "u:2", "p1", store("p1")));
    const p2 = said(order.run(session, "u:2", "p2", store("p2")));
    await turn();
    pending.get("p1")!.fail();
    // p1's resend: nothing but itself failed before it. p2: p1 did.
    expect([await first, await resent, await p2]).toEqual(["Connection is closed.", "message not stored, retry", "an earlier message of this conversation was not stored: resend it first, then this one"]);
  });

  it("a Send refused before its store (too many in flight) holds the newer ones back; one not resent is given up after the grace", async () => {
    let now = 1_000;
    const order = new SendOrder(() => true, () => now);
    const session = {} as Session;
    order.refused(session, "r:", "g1");
    expect(order.isAwaited(session, "r:", "g1")).toBe(true);
    let settled = false;
    const g2 = order.run(session, "r:", "g2", async () => "g2").finally(() => (settled = true));
    await turn();
    expect(settled).toBe(false);
    now += RESEND_GRACE_MS + 1;
    expect(await answer(order.run(session, "r:", "g3", async () => "g3"))).toBe("ack");
    expect(await g2).toBe("g2");
  });
  it("keeps the line in arrival order when stores in flight together fail in another order", async () => {
    const order = new SendOrder(() => true);
    const session = {} as Session;
    const { pending, store } = storage();
    const p1 = answer(order.run(session, "u:2", "p1", store("p1")));
    const p2 = answer(order.run(session, "u:2", "p2", store("p2")));
    await turn();
    pending.get("p2")!.fail();
    await p2;
    order.refused(session, "u:2", "p3");
    pending.get("p1")!.fail();
    await p1;
    // Before, the line was in refusal order (p2, p3, p1): p1's resend waited behind p2 and p3.
    expect(["p1", "p2", "p3"].map((id) => order.isAwaited(session, "u:2", id))).toEqual([true, false, false]);
  });
  it("a Send that comes once Redis is not ready waits for the store started before, while Redis seemed ready", async () => {
    let ready = true;
    const order = new SendOrder(() => ready);
    const session = {} as Session;
    const { pending, store } = storage();
    const p1 = answer(order.run(session, "r:7", "p1", store("p1")));
    ready = false; // Redis killed: p1 went out on the connection that died
    const p2 = answer(order.run(session, "r:7", "p2", store("p2")));
    await turn();
    // Before, p2 went to the store at once: queued offline, it was stored when Redis came back, before p1's resend.
    expect([...pending.keys()]).toEqual(["p1"]);
    pending.get("p1")!.fail();
    expect([await p1, await p2]).toEqual(["Connection is closed.", "unavailable"]);
  });

  it("a held Send keeps one timer while it waits, and none once stored: 50 held behind a refusal left about 1,300 for the grace", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    try {
      const order = new SendOrder(() => true);
      const session = {} as Session;
      const { stored, pending, store } = storage();
      const p0 = answer(order.run(session, "u:2", "p0", store("p0")));
      await turn();
      pending.get("p0")!.fail();
      await p0;
      const ids = Array.from({ length: 50 }, (_, i) => `p${i + 1}`);
      const held = ids.map((id) => order.run(session, "u:2", id, store(id)));
      await turn();
      expect(vi.getTimerCount()).toBe(50); // one per held Send
      pending.clear();
      const again = order.run(session, "u:2", "p0", store("p0"));
      for (const id of ["p0", ...ids]) {
        for (let i = 0; i < 10 && !pending.has(id); i++) await turn();
        pending.get(id)!.ok();
        // Each progress wakes every held Send: each waits again with one timer, the one it waited with cleared.
        expect(vi.getTimerCount()).toBeLessThanOrEqual(50);
      }
      await Promise.all([again, ...held]);
      expect(stored).toEqual(["p0", ...ids]);
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});
