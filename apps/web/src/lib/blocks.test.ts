import { afterEach, describe, expect, it, vi } from "vitest";
import type { BlockedUser, CimClient } from "@cim/client";
import { Blocks } from "./blocks.svelte.js";

const PEER = "42";

/** Route's answers, given by the test one call at a time. */
function route() {
  const calls: Array<{ call: string; resolve: (value?: unknown) => void; reject: (error: Error) => void }> = [];
  const ask = (call: string) => new Promise<never>((resolve, reject) => calls.push({ call, resolve: resolve as (value?: unknown) => void, reject }));
  const client = { block: () => ask("block"), unblock: () => ask("unblock"), blockList: () => ask("blocks") } as unknown as CimClient;
  /** Answers the oldest call not answered yet, which must be `call`. */
  const answer = async (call: string, value?: { blocks: BlockedUser[]; order: number }) => {
    const next = calls.shift();
    expect(next?.call).toBe(call);
    next!.resolve(value);
    await Promise.resolve();
  };
  const fail = (call: string) => {
    const next = calls.shift();
    expect(next?.call).toBe(call);
    next!.reject(new Error("route is unreachable"));
  };
  return { client, answer, fail };
}

const event = (blocked: boolean, order = 0) => ({ userId: PEER, userName: "bob", blocked, order });

describe("Blocks", () => {
  it("a quick Block then Unblock: the Block's event that comes after the Unblock's answer does not show blocked again", async () => {
    const server = route();
    const blocks = new Blocks({ client: () => server.client });
    const block = blocks.block(PEER, "bob");
    await server.answer("block");
    await block;
    const unblock = blocks.unblock(PEER);
    await server.answer("unblock");
    await unblock;
    expect(blocks.has(PEER)).toBe(false);

    blocks.changed(event(true));
    expect(blocks.has(PEER)).toBe(false);
    blocks.changed(event(false));
    expect(blocks.has(PEER)).toBe(false);
    // Both came back: another device's block from now on is newer.
    blocks.changed(event(true));
    expect(blocks.has(PEER)).toBe(true);
  });

  it("applies another device's change that comes before this device's change is answered", async () => {
    const server = route();
    const blocks = new Blocks({ client: () => server.client });
    const block = blocks.block(PEER, "bob");
    blocks.changed(event(false));
    expect(blocks.has(PEER)).toBe(false);
    // Its own event before its answer: shown at once.
    blocks.changed(event(true));
    expect(blocks.has(PEER)).toBe(true);
    await server.answer("block");
    await block;
    blocks.changed(event(false));
    expect(blocks.has(PEER)).toBe(false);
  });

  it("owes no event for a change route did not answer", async () => {
    const server = route();
    const blocks = new Blocks({ client: () => server.client });
    const block = blocks.block(PEER, "bob");
    await server.answer("block");
    await block;
    blocks.changed(event(true));
    const unblock = blocks.unblock(PEER);
    server.fail("unblock");
    await expect(unblock).rejects.toThrow("route is unreachable");
    expect(blocks.unblockFailure(PEER)).toContain("route is unreachable");
    const again = blocks.unblock(PEER);
    await server.answer("unblock");
    await again;
    blocks.changed(event(false));
    // Nothing owed any more: another device's block is newer.
    blocks.changed(event(true));
    expect(blocks.has(PEER)).toBe(true);
  });

  it("owes no event after the list is read again (events sent while disconnected are lost)", async () => {
    const server = route();
    const blocks = new Blocks({ client: () => server.client });
    const block = blocks.block(PEER, "bob");
    await server.answer("block");
    await block;
    const load = blocks.load();
    await server.answer("blocks", { blocks: [{ userId: PEER, name: "bob" }], order: 0 });
    await load;
    blocks.changed(event(false));
    expect(blocks.has(PEER)).toBe(false);
  });

  it("owes an event no more once it is overdue (lost on the way): another device's change is applied again", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const server = route();
    const blocks = new Blocks({ client: () => server.client });
    const block = blocks.block(PEER, "bob");
    await server.answer("block");
    await block;
    // The Block's event never comes; a minute later another device unblocks.
    vi.setSystemTime(Date.now() + 60_000);
    blocks.changed(event(false));
    expect(blocks.has(PEER)).toBe(false);
  });

  it("drops another device's event whose order is lower than the state shown (two route processes announced them the other way round)", async () => {
    const server = route();
    const blocks = new Blocks({ client: () => server.client });
    // A block (order 5) then an unblock (order 6) made on other devices; the unblock's announcement comes first.
    blocks.changed(event(false, 6));
    blocks.changed(event(true, 5));
    expect(blocks.has(PEER)).toBe(false);
    blocks.changed(event(true, 7));
    expect(blocks.has(PEER)).toBe(true);
    // The list read is newer than what it answers with: an event announced before it is older.
    const load = blocks.load();
    await server.answer("blocks", { blocks: [], order: 9 });
    await load;
    blocks.changed(event(true, 8));
    expect(blocks.has(PEER)).toBe(false);
    blocks.changed(event(true, 10));
    expect(blocks.has(PEER)).toBe(true);
  });

  it("applies again, after a list read, only the events heard meanwhile that are newer than the list", async () => {
    const server = route();
    const blocks = new Blocks({ client: () => server.client });
    const load = blocks.load();
    blocks.changed(event(true, 3));
    await server.answer("blocks", { blocks: [], order: 4 });
    await load;
    expect(blocks.has(PEER)).toBe(false);
  });
});

afterEach(() => {
  vi.useRealTimers();
});
