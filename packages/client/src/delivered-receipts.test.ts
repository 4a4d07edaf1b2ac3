import { describe, expect, it } from "vitest";
import { DeliveredReceipts } from "./delivered-receipts.js";

const RETRY_MS = 3_000;

function setup() {
  const written: string[] = [];
  const receipts = new DeliveredReceipts({ write: ({ from, msgId }) => written.push(`${from}:${msgId}`) > 0, retryMs: RETRY_MS });
  return { receipts, written };
}

describe("DeliveredReceipts", () => {
  it("writes a receipt again on the next session even after retryMs (its gateway may have frozen unread), once", () => {
    const t = setup();
    t.receipts.received("7", "10", 0);
    t.receipts.received("8", "20", 0);
    t.receipts.received("7", "11", 1_000);
    t.receipts.flush(RETRY_MS + 1_000);
    expect(t.written).toEqual(["7:10", "8:20", "7:11"]);
    t.receipts.resend(10 * RETRY_MS);
    expect(t.written).toEqual(["7:10", "8:20", "7:11", "7:11", "8:20"]);
    // Written twice, they are not written a third time; a newer one is.
    t.receipts.flush(20 * RETRY_MS);
    t.receipts.resend(30 * RETRY_MS);
    expect(t.written).toHaveLength(5);
    t.receipts.received("8", "21", 31 * RETRY_MS);
    t.receipts.flush(40 * RETRY_MS);
    t.receipts.resend(50 * RETRY_MS);
    expect(t.written.slice(5)).toEqual(["8:21", "8:21"]);
  });

  it("after an unavailable, writes the recent receipts again once retryMs passed", () => {
    const t = setup();
    t.receipts.received("7", "10", 0);
    t.receipts.failed(100);
    t.receipts.flush(100 + RETRY_MS - 1);
    expect(t.written).toEqual(["7:10"]);
    t.receipts.flush(100 + RETRY_MS);
    expect(t.written).toEqual(["7:10", "7:10"]);
  });
});
