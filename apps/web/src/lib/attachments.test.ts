import { describe, expect, it } from "vitest";
import { carriesFiles, pastesOnlyFiles } from "./attachments.js";

/** A clipboard or drag's data as the browser shows it: its types, and its text when it has some. */
const data = (types: string[], text = "") => ({ types, getData: (type: string) => (type === "text/plain" ? text : "") });

describe("attachments", () => {
  it("a screenshot or a file pasted alone is said to be unsupported", () => {
    expect(pastesOnlyFiles(data(["Files"]))).toBe(true);
    expect(pastesOnlyFiles(data(["Files", "image/png"]))).toBe(true);
  });

  it("text pastes as usual, also when a file comes with it", () => {
    expect(pastesOnlyFiles(data(["text/plain"], "hello"))).toBe(false);
    expect(pastesOnlyFiles(data(["Files", "text/plain"], "https://example.com/cat.png"))).toBe(false);
    expect(pastesOnlyFiles(null)).toBe(false);
  });

  it("a drag carries files only when the browser says so", () => {
    expect(carriesFiles(data(["Files"]))).toBe(true);
    expect(carriesFiles(data(["text/plain", "text/html"]))).toBe(false);
    expect(carriesFiles(undefined)).toBe(false);
  });
});
