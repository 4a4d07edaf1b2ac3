import { describe, expect, it } from "vitest";
import { ReadMarks } from "./read-marks.js";

const TIMEOUT_MS = 3_000;

function setup() {
  const written: string[] = [];
  const link = { online: true };
  const marks = new ReadMarks({ write: (read) => link.online && written.push(`${read.conversation}:${read.msgId}`) > 0, timeoutMs: TIMEOUT_MS });
  const echo = (conversation: string, msgId: string, now = 0) => marks.confirmed({ conversation, msgId, by: "7" }, now);
  return { marks, written, link, echo };
}

describe("ReadMarks", () => {
  it("sends one Read per conversation at a time; marks made meanwhile wait and the newest wins", () => {
    const t = setup();
    t.marks.mark("r1", "10", 0);
    t.marks.mark("r1", "11", 0);
    t.marks.mark("r1", "13", 0);
    t.marks.mark("r1", "12", 0);
    t.marks.mark("9", "5", 0);
    expect(t.written).toEqual(["r1:10", "9:5"]);
    t.echo("r1", "10");
    expect(t.written).toEqual(["r1:10", "9:5", "r1:13"]);
    t.echo("r1", "13");
    t.marks.mark("r1", "13", 0);
    expect(t.written).toHaveLength(3);
  });

  it("ignores marks not newer than what another device already read", () => {
    const t = setup();
    t.echo("everyone", "50");
    t.marks.mark("everyone", "40", 0);
    t.marks.mark("everyone", "50", 0);
    expect(t.written).toEqual([]);
    t.marks.mark("everyone", "51", 0);
    expect(t.written).toEqual(["everyone:51"]);
  });

  it("a Read never confirmed is given up after the timeout, and what waited behind it is sent", () => {
    const t = setup();
    t.marks.mark("r1", "10", 0);
    t.marks.mark("r1", "20", 100);
    t.marks.tick(TIMEOUT_MS - 1);
    expect(t.written).toEqual(["r1:10"]);
    t.marks.tick(TIMEOUT_MS);
    expect(t.written).toEqual(["r1:10", "r1:20"]);
    t.marks.tick(2 * TIMEOUT_MS);
    expect(t.written).toEqual(["r1:10", "r1:20"]);
  });

  it("a Read the gateway could not apply (Redis down) is sent again after the timeout until it is confirmed", () => {
    const t = setup();
    t.marks.mark("r1", "10", 0);
    t.marks.failed(100);
    t.marks.tick(100 + TIMEOUT_MS - 1);
    expect(t.written).toEqual(["r1:10"]);
    t.marks.tick(100 + TIMEOUT_MS);
    expect(t.written).toEqual(["r1:10", "r1:10"]);
    t.marks.failed(200 + TIMEOUT_MS);
    t.marks.mark("r1", "12", 300 + TIMEOUT_MS);
    expect(t.written).toEqual(["r1:10", "r1:10", "r1:12"]);
    t.echo("r1", "12");
    t.marks.tick(10 * TIMEOUT_MS);
    expect(t.written).toEqual(["r1:10", "r1:10", "r1:12"]);
  });

  it("an echo past what waits makes the waiting mark needless", () => {
    const t = setup();
    t.marks.mark("r1", "10", 0);
    t.marks.mark("r1", "20", 0);
    t.echo("r1", "25");
    expect(t.written).toEqual(["r1:10"]);
  });

  it("keeps marks made offline, and sends the newest of each conversation again on a new session", () => {
    const t = setup();
    t.marks.mark("r1", "10", 0);
    t.link.online = false;
    t.marks.mark("r1", "11", 0);
    t.marks.mark("9", "3", 0);
    t.marks.tick(TIMEOUT_MS);
    expect(t.written).toEqual(["r1:10"]);
    t.link.online = true;
    t.marks.resend(TIMEOUT_MS + 1);
    expect(t.written).toEqual(["r1:10", "r1:11", "9:3"]);
  });

  it("a Read given up unconfirmed is sent once more on the next session (its gateway froze, then died)", () => {
    const t = setup();
    t.marks.mark("r1", "10", 0);
    t.marks.mark("9", "3", 0);
    t.marks.tick(TIMEOUT_MS);
    expect(t.written).toEqual(["r1:10", "9:3"]);
    // Another device confirmed 9 up to 3 meanwhile: only r1 is still unconfirmed.
    t.echo("9", "3");
    t.marks.resend(TIMEOUT_MS + 1);
    expect(t.written).toEqual(["r1:10", "9:3", "r1:10"]);
    t.echo("r1", "10");
    t.marks.resend(2 * TIMEOUT_MS);
    expect(t.written).toEqual(["r1:10", "9:3", "r1:10"]);
  });

  it("a Read given up twice (the gateway ignores it) is not sent a third time", () => {
    const t = setup();
    t.marks.mark("r1", "10", 0);
    t.marks.tick(TIMEOUT_MS);
    t.marks.resend(TIMEOUT_MS + 1);
    t.marks.tick(3 * TIMEOUT_MS);
    t.marks.resend(3 * TIMEOUT_MS + 1);
    t.marks.tick(5 * TIMEOUT_MS);
    expect(t.written).toEqual(["r1:10", "r1:10"]);
  });

  it("refuses a conversation or msgId that is not one", () => {
    const t = setup();
    expect(() => t.marks.mark("room 1", "10", 0)).toThrow(/not a roomId or userId/);
    expect(() => t.marks.mark("r1", "abc", 0)).toThrow(/not a msgId/);
  });
});
