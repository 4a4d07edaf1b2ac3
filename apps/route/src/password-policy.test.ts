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
});
