import { describe, expect, it } from "vitest";
import { entryId, lexEntry, lexRange } from "./lex-index.js";

describe("lex index entries", () => {
  it("an entry's id is what follows its last NUL", () => {
    expect(entryId(lexEntry("book club", "r12"))).toBe("r12");
    expect(entryId(lexEntry("", "7"))).toBe("7");
  });

  it("the range of a prefix starts at it and ends before byte 0xff, which UTF-8 never holds", () => {
    expect(lexRange("")).toEqual(["-", "+"]);
    const [min, max] = lexRange("zoë");
    expect(min).toEqual(Buffer.from("[zoë"));
    expect((max as Buffer).subarray(1).equals(Buffer.concat([Buffer.from("zoë"), Buffer.from([0xff])]))).toBe(true);
    expect((max as Buffer)[0]).toBe("(".charCodeAt(0));
  });
});
