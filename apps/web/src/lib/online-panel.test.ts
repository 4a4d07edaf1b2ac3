import { describe, expect, it } from "vitest";
import type { CimClient, LastSeenEntry } from "@cim/client";
import { OnlinePanel } from "./online-panel.svelte.js";

/** A client whose `lastSeen` answers from `answers` (or fails while `down`), counting the requests. */
function fakeClient(answers: Record<string, LastSeenEntry>) {
  const state = { asked: 0, down: false };
  const client = {
    lastSeen: async (ids: readonly string[]) => {
      state.asked++;
      if (state.down) throw new Error("route unreachable");
      return ids.flatMap((id) => (answers[id] ? [answers[id]] : []));
    },
  } as unknown as CimClient;
  return { client, state };
}

const bob = (lastSeen: number, online = false): LastSeenEntry => ({ userId: "2", userName: "bob", online, lastSeen });

describe("OnlinePanel's last seen", () => {
  it("asks route once per presence change, and forgets the time when the user comes online", async () => {
    const answers = { "2": bob(1_000) };
    const { client, state } = fakeClient(answers);
    const panel = new OnlinePanel({ client: () => client, me: () => "1" });
    panel.presence({ userId: "2", userName: "bob", online: false });
    await panel.askLastSeen("2");
    await panel.askLastSeen("2");
    expect(state.asked).toBe(1);
    expect(panel.lastSeen("2")).toBe(1_000);

    panel.presence({ userId: "2", userName: "bob", online: true });
    expect(panel.lastSeen("2")).toBe(0);
    answers["2"] = bob(2_000);
    panel.presence({ userId: "2", userName: "bob", online: false });
    expect(panel.lastSeen("2")).toBe(0); // the old time is gone until route says the new one
    await panel.askLastSeen("2");
    expect(state.asked).toBe(2);
    expect(panel.lastSeen("2")).toBe(2_000);
  });

  it("asks again after a failure, and keeps no answer that a presence change made old meanwhile", async () => {
    const { client, state } = fakeClient({ "2": bob(1_000) });
    const panel = new OnlinePanel({ client: () => client, me: () => "1" });
    panel.presence({ userId: "2", userName: "bob", online: false });
    state.down = true;
    await panel.askLastSeen("2");
    expect(panel.lastSeen("2")).toBe(0);
    state.down = false;
    const asking = panel.askLastSeen("2");
    panel.presence({ userId: "2", userName: "bob", online: true });
    panel.presence({ userId: "2", userName: "bob", online: false });
    await asking;
    expect(state.asked).toBe(2);
    expect(panel.lastSeen("2")).toBe(0);
  });

  it("shows no time for a user route says is online, nor one it does not know, which it tells", async () => {
    const { client } = fakeClient({ "2": bob(0, true) });
    const panel = new OnlinePanel({ client: () => client, me: () => "1" });
    expect(await panel.askLastSeen("2")).toBe(true);
    expect(await panel.askLastSeen("3")).toBe(false); // no such account (deleted)
    expect(panel.lastSeen("2")).toBe(0);
    expect(panel.lastSeen("3")).toBe(0);
  });
});
