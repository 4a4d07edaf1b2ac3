import { describe, expect, it } from "vitest";
import { MAX_REREADS, Rereads, WakeLedger } from "./wake-ledger.js";

describe("WakeLedger", () => {
  it("a read that finds a position confirms what wake-ups sent up to it, and keeps what they sent after it", () => {
    const ledger = new WakeLedger("10", 8);
    for (const position of ["11", "12", "13"]) ledger.sentFromWake(position);
    ledger.found("12");
    expect(ledger.confirmed).toBe("12");
    expect(["11", "12", "13"].map((p) => ledger.wasSent(p))).toEqual([false, false, true]);
  });

  it("a wake-up's entry after the confirmed position that was not sent is skipped; one sent, or at or before it, is not", () => {
    const ledger = new WakeLedger("10", 8);
    ledger.sentFromWake("12");
    expect(["9", "10", "11", "12"].map((p) => ledger.skipped(p))).toEqual([false, false, true, false]);
  });

  it("compares positions as numbers, not as text", () => {
    const ledger = new WakeLedger("9", 8);
    expect(ledger.skipped("10")).toBe(true);
    ledger.sentFromWake("100");
    ledger.found("99");
    expect(ledger.wasSent("100")).toBe(true);
  });

  it("says it is full at its limit, so the reader reads", () => {
    const ledger = new WakeLedger("0", 3);
    expect(["1", "2", "3"].map((p) => ledger.sentFromWake(p))).toEqual([false, false, true]);
    ledger.found("3");
    expect(ledger.sentFromWake("4")).toBe(false);
  });
});

describe("Rereads", () => {
  it("lets a drain read again until MAX_REREADS reads in a row were not found, then fails it saying what and how often", () => {
    const rereads = new Rereads("room r1: a read was not in the stream when read again");
    for (let i = 1; i < MAX_REREADS; i++) rereads.again();
    expect(() => rereads.again()).toThrow(`room r1: a read was not in the stream when read again, ${MAX_REREADS} times`);
  });
});
