import { describe, expect, it } from "vitest";
import { decodeFrame, type Frame } from "@cim/protocol";
import { createMetrics } from "./metrics.js";
import { PresenceFanOut } from "./presence-fan-out.js";
import type { Session } from "./session.js";
import type { SessionTable } from "./session-table.js";

function reader(userId: string) {
  const frames: Frame[] = [];
  const session = { user: { userId, userName: userId, sessionId: "s" }, sendBytes: (bytes: Uint8Array) => frames.push(decodeFrame(bytes)) > 0 };
  return { session: session as unknown as Session, frames };
}

describe("PresenceFanOut", () => {
  it("sends the changes of one tick as one frame per reader, the latest per user, never a user's own", async () => {
    const [a, b] = [reader("1"), reader("2")];
    const table = { users: () => [a.session, b.session][Symbol.iterator]() } as unknown as SessionTable;
    const fanOut = new PresenceFanOut(table, createMetrics());
    fanOut.offer({ userId: "3", userName: "cat", online: true });
    fanOut.offer({ userId: "4", userName: "dan", online: true });
    fanOut.offer({ userId: "3", userName: "cat", online: false });
    fanOut.offer({ userId: "1", userName: "1", online: true });
    await new Promise((resolve) => setImmediate(resolve));
    expect(b.frames).toEqual([{ kind: "presenceBatch", body: { presences: [
      { userId: "4", userName: "dan", online: true },
      { userId: "3", userName: "cat", online: false },
      { userId: "1", userName: "1", online: true },
    ] } }]);
    expect(a.frames).toEqual([{ kind: "presenceBatch", body: { presences: [
      { userId: "4", userName: "dan", online: true },
      { userId: "3", userName: "cat", online: false },
    ] } }]);
  });

  it("sends a single change as a plain Presence frame", async () => {
    const a = reader("1");
    const fanOut = new PresenceFanOut({ users: () => [a.session][Symbol.iterator]() } as unknown as SessionTable, createMetrics());
    fanOut.offer({ userId: "9", userName: "ivy", online: true });
    await new Promise((resolve) => setImmediate(resolve));
    expect(a.frames).toEqual([{ kind: "presence", body: { userId: "9", userName: "ivy", online: true } }]);
  });
});
