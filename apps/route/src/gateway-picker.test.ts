import { describe, expect, it } from "vitest";
import type { GatewayInfo } from "@cim/discovery";
import { createPicker } from "./gateway-picker.js";

const gw = (id: string): GatewayInfo => ({ id, wsUrl: `ws://127.0.0.1/${id}`, startedAt: 0 });
const list = [gw("gw-a"), gw("gw-b"), gw("gw-c")];
const noCounts = async () => [];

describe("gateway picker", () => {
  it("round robin cycles through the list", async () => {
    const picker = createPicker("round-robin", noCounts);
    const ids = [];
    for (let i = 0; i < 6; i++) ids.push((await picker.pick(list, { userId: String(i) }))!.id);
    expect(ids).toEqual(["gw-a", "gw-b", "gw-c", "gw-a", "gw-b", "gw-c"]);
  });

  it("consistent hash keeps users in place when another gateway leaves", async () => {
    const picker = createPicker("consistent-hash", noCounts);
    const before = new Map<string, string>();
    for (let u = 0; u < 200; u++) before.set(String(u), (await picker.pick(list, { userId: String(u) }))!.id);
    expect(new Set(before.values()).size).toBe(3);
    const survivors = list.filter((g) => g.id !== "gw-b");
    for (const [userId, id] of before) {
      const now = (await picker.pick(survivors, { userId }))!.id;
      if (id !== "gw-b") expect(now).toBe(id);
    }
  });

  it("least connections picks the emptiest", async () => {
    const picker = createPicker("least-connections", async () => [5, 1, 3]);
    expect((await picker.pick(list, { userId: "1" }))!.id).toBe("gw-b");
  });

  it("avoids the gateway the client failed on unless it is the only one", async () => {
    const picker = createPicker("random", noCounts);
    for (let i = 0; i < 20; i++) expect((await picker.pick(list.slice(0, 2), { userId: "1", avoid: "gw-a" }))!.id).toBe("gw-b");
    expect((await picker.pick([gw("gw-a")], { userId: "1", avoid: "gw-a" }))!.id).toBe("gw-a");
    expect(await picker.pick([], { userId: "1" })).toBeNull();
  });
});
