import { describe, expect, it } from "vitest";
import type { RoomHistoryEvent } from "@cim/client";
import { addedBy } from "./room-arrivals.js";

function event(kind: RoomHistoryEvent["kind"], userId: string, ts: number, by?: string): RoomHistoryEvent {
  return { kind, name: "", userId, userName: userId, after: String(ts), ts, ...(by ? { by, byName: `${by}-name` } : {}) };
}

describe("addedBy", () => {
  it("finds the newest invitation of the user by someone else", () => {
    const events = [event("invited", "u2", 10, "u1"), event("left", "u2", 20), event("invited", "u2", 30, "u3"), event("invited", "u9", 40, "u1")];
    expect(addedBy(events, "u2")).toMatchObject({ by: "u3", byName: "u3-name", ts: 30 });
  });

  it("is null for a room the user joined or created, or was added to by nobody named", () => {
    expect(addedBy([event("joined", "u2", 10)], "u2")).toBeNull();
    expect(addedBy([event("invited", "u2", 10, "u2")], "u2")).toBeNull();
    expect(addedBy([{ ...event("invited", "u2", 10), by: "u1" }], "u2")).toBeNull();
  });
});
