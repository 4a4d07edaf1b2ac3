import { describe, expect, it } from "vitest";
import { withOnlineUser } from "./online-list.js";

const user = (userId: string, userName: string) => ({ userId, userName });
const names = (list: { userName: string }[] | null) => list?.map((u) => u.userName) ?? null;

describe("online list", () => {
  const shown = [user("1", "ann"), user("2", "Cid"), user("3", "eve")];

  it("a user who came online goes in at once where route lists it: by name, case folded", () => {
    expect(names(withOnlineUser(shown, user("9", "Bob"), { prefix: "", complete: true }))).toEqual(["ann", "Bob", "Cid", "eve"]);
    expect(names(withOnlineUser(shown, user("9", "zed"), { prefix: "", complete: true }))).toEqual(["ann", "Cid", "eve", "zed"]);
    expect(names(withOnlineUser(shown, user("0", "aa"), { prefix: "", complete: true }))).toEqual(["aa", "ann", "Cid", "eve"]);
  });

  it("while more pages follow, only a user sorting inside the shown part goes in; the next page has the others", () => {
    expect(names(withOnlineUser(shown, user("9", "bob"), { prefix: "", complete: false }))).toEqual(["ann", "bob", "Cid", "eve"]);
    expect(withOnlineUser(shown, user("9", "zed"), { prefix: "", complete: false })).toBeNull();
  });

  it("nothing changes for a user listed already or not matching the filter", () => {
    expect(withOnlineUser(shown, user("2", "Cid"), { prefix: "", complete: true })).toBeNull();
    expect(withOnlineUser(shown, user("9", "bob"), { prefix: "C", complete: true })).toBeNull();
    expect(names(withOnlineUser([user("2", "Cid")], user("9", "cy"), { prefix: "C", complete: true }))).toEqual(["Cid", "cy"]);
  });
});
