import { describe, expect, it } from "vitest";
import { invisibleInRoomName } from "./room-names.js";

describe("invisible code points in room names", () => {
  it("refuses those that show nothing where they are: ZWNJ or direction marks between Latin letters, tags, fillers", () => {
    for (const name of ["Book\u200Cclub", "Book\u200Eclub", "Book\u200Fclub", "Bo\u061Cok", "Book\u{E0041}\u{E0042}club", "Book club\u{E0001}", "club\u3164", "\u115Fclub",
      "soft\u00ADhyphen", "c\u034Flub", "club\uFE0F\uFE0F", "\uFE0Fclub", "\u{1F600}\u{E0100}\u{E0101}", "a \uFE0F", "\u{1F3F4}\u{E0067}\u{E0062}", "club\u{E007F}", "Book\u200C club", "Everyone\u200D", "a\u200Db", "a\u{E0100}"]) {
      expect(invisibleInRoomName(name), JSON.stringify(name)).toBeDefined();
    }
  });

  it("keeps what scripts and emoji need", () => {
    for (const name of ["\u05e9\u05dc\u05d5\u05dd \u200fchat", "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645", "family \u{1f468}\u200d\u{1f469}\u200d\u{1f467}", "caf\u0065\u0301",
      "\u0915\u094D\u200C\u0937", "\u2764\uFE0F club", "\u{1F3F4}\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F} fans", "\u05D0 2024\u200F!", "\u8FBB\u{E0100}", "plain", "\u0915\u094D\u200D\u0937", "\u{1F44D}\u{1F3FD}\u200D\u{1F525}", "\u2764\uFE0F\u200D\u{1F525}"]) {
      expect(invisibleInRoomName(name), JSON.stringify(name)).toBeUndefined();
    }
  });
});
