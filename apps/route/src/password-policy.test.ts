import { describe, expect, it } from "vitest";
import { checkNewPassword } from "./password-policy.js";

describe("password policy", () => {
  it("refuses passwords shorter than 8 characters", () => {
    expect(() => checkNewPassword("abc1234", "ann")).toThrow(/at least 8/);
    expect(() => checkNewPassword("vq8#kd2z", "ann")).not.toThrow();
  });

  it("refuses the most common passwords, whatever their case", () => {
    for (const password of ["password1", "12345678", "Qwertyuiop", "iloveyou1"]) {
      expect(() => checkNewPassword(password, "ann")).toThrow(expect.objectContaining({ status: 400, code: "weak_password" }));
    }
  });

  it("refuses a character or a short group repeated, and a run of consecutive characters, in any case; not a strong one", () => {
    for (const password of ["aaaaaaaaaa", "AAAAaaaa", "abcabcabc", "12121212", "xyzwxyzw", "zzzz zzzz"]) {
      expect(() => checkNewPassword(password, "ann"), password).toThrow(/repeated/);
    }
    for (const password of ["23456789", "hgfedcba", "ABCDEFGHIJ", "klmnopqr"]) {
      expect(() => checkNewPassword(password, "ann"), password).toThrow(/consecutive/);
    }
    for (const password of ["qz7abcdefg", "aaaaaaaab", "abcdabcde", "97531864"]) expect(() => checkNewPassword(password, "ann"), password).not.toThrow();
  });

  it("refuses the user name as password and overlong passwords", () => {
    expect(() => checkNewPassword("zyxwvquorn", "Zyxwvquorn")).toThrow(/user name/);
    expect(() => checkNewPassword("x".repeat(129), "ann")).toThrow(/at most 128/);
  });

  it("refuses lone surrogates, which hash as U+FFFD (so different ones would be one password); whole emoji are fine", () => {
    for (const password of ["\ud800".repeat(9), "vq8#kd2z\udfff", "\ude00vq8#kd2z"]) {
      expect(() => checkNewPassword(password, "ann")).toThrow(expect.objectContaining({ status: 400, code: "weak_password" }));
    }
    expect(() => checkNewPassword("vq8#kd2z🙂", "ann")).not.toThrow();
  });

  it("judges a password by what it holds besides spaces: blank, padded common ones and the padded name are refused", () => {
    expect(() => checkNewPassword(" ".repeat(9), "ann")).toThrow(/besides spaces/);
    expect(() => checkNewPassword("a b c d e f g", "ann")).toThrow(/besides spaces/);
    for (const password of [" password1 ", "pass word1", "\tqwertyuiop\n"]) expect(() => checkNewPassword(password, "ann"), JSON.stringify(password)).toThrow(/most common/);
    expect(() => checkNewPassword("  zyxwvquorn ", "zyxwvquorn")).toThrow(/user name/);
    // Spaces stay allowed in a password that is strong without them.
    expect(() => checkNewPassword("correct horse battery", "ann")).not.toThrow();
  });
});
