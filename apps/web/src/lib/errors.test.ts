import { describe, expect, it } from "vitest";
import { CimApiError, CloseError, LoginError, OutboxFullError, SendError } from "@cim/client";
import { describeAccountError, describeError, describeSendError, isAuthFailure, isRetryableSendError } from "./errors.js";

describe("describeError", () => {
  it("says how long to wait after a 429 with Retry-After", () => {
    expect(describeError(new CimApiError(429, "rate_limited", "too many failed logins for ann: try again in 30 s", 30))).toBe("Too many attempts. Try again in 30 seconds.");
    expect(describeError(new CimApiError(429, "rate_limited", "slow down", 600))).toBe("Too many attempts. Try again in 10 minutes.");
    expect(describeError(new CimApiError(429, "rate_limited", "slow down"))).toMatch(/Wait a moment/);
  });

  it("shows the server's reason for a weak password", () => {
    expect(describeError(new CimApiError(400, "weak_password", "this password is one of the most common ones: choose another"))).toBe(
      "This password is one of the most common ones: choose another.",
    );
    expect(describeError(new CimApiError(400, "weak_password", "password must be at least 8 characters."))).toBe("Password must be at least 8 characters.");
  });

  it("turns route's validation messages into sentences without field paths", () => {
    expect(describeError(new CimApiError(400, "bad_request", "userName: userName may hold letters, digits, _ . - only"))).toBe("The user name may hold letters, digits, _ . - only.");
    expect(describeError(new CimApiError(400, "bad_request", "userName: userName is required; userName: userName may hold letters, digits, _ . - only")))
      .toBe("The user name is required. The user name may hold letters, digits, _ . - only.");
    expect(describeError(new CimApiError(400, "bad_request", "name: name is at most 64 characters"))).toBe("The name is at most 64 characters.");
    expect(describeError(new CimApiError(400, "bad_request", "room names cannot hold control characters"))).toBe("Room names cannot hold control characters.");
    expect(describeError(new CimApiError(400, "bad_request", "q: q is at most 100 characters"))).toBe("A search is at most 100 characters.");
    expect(describeError(new CimApiError(400, "bad_request", ""))).toBe("The server refused the request.");
  });

  it("a refused login does not claim it expired: another device may have ended it", () => {
    expect(describeError(new LoginError("unauthorized", "bad token"))).toBe(
      "You were signed out: your session has expired or was ended on another device. Please log in again.",
    );
  });

  it("a gateway that is briefly unavailable is not a failed login", () => {
    const error = new LoginError("unavailable", "login failed, retry");
    expect(describeError(error)).toMatch(/briefly unavailable/);
    expect(isAuthFailure(error)).toBe(false);
    expect(isAuthFailure(new CloseError(1011, "login failed, retry"))).toBe(false);
    expect(isAuthFailure(new CloseError(4401, "logged out"))).toBe(true);
  });
});

describe("describeSendError", () => {
  it("says in words why a message was not sent, never a raw code or undefined", () => {
    expect(describeSendError(new SendError("rate_limited", "rate limited", "c1"))).toBe("You are sending too fast. Wait a moment, then retry.");
    expect(describeSendError(new SendError("not_member", "", "c1"))).toBe("You are no longer a member of this room.");
    expect(describeSendError(new SendError("internal", "", "c1"))).toBe("The server refused it.");
    expect(describeSendError(new SendError("bad_request", "text is empty", "c1"))).toBe("The server refused it: text is empty.");
    expect(describeSendError(new OutboxFullError(100))).toMatch(/^Too many messages are waiting/);
    expect(describeSendError(new Error("socket closed"))).toBe("The connection was lost before the server confirmed it.");
    expect(describeSendError(undefined)).toBe("The connection was lost before the server confirmed it.");
  });
});

describe("isRetryableSendError", () => {
  it("offers no Retry for a refusal that the same message cannot get past: a block, a room left, a message too long", () => {
    expect(isRetryableSendError(new SendError("blocked", "this user does not accept your messages", "c1"))).toBe(false);
    expect(isRetryableSendError(new SendError("not_member", "", "c1"))).toBe(false);
    expect(isRetryableSendError(new SendError("unknown_recipient", "", "c1"))).toBe(false);
    expect(isRetryableSendError(new SendError("payload_too_large", "", "c1"))).toBe(false);
    expect(isRetryableSendError(new SendError("bad_request", "text is empty", "c1"))).toBe(false);
  });

  it("offers Retry when waiting may help: a rate limit, a lost connection, a full outbox, a server in trouble", () => {
    expect(isRetryableSendError(new SendError("rate_limited", "rate limited", "c1"))).toBe(true);
    expect(isRetryableSendError(new SendError("unavailable", "redis down", "c1"))).toBe(true);
    expect(isRetryableSendError(new SendError("internal", "", "c1"))).toBe(true);
    expect(isRetryableSendError(new OutboxFullError(100))).toBe(true);
    expect(isRetryableSendError(new Error("socket closed"))).toBe(true);
  });
});

describe("describeAccountError", () => {
  it("shows route's reason for a 401 (a wrong current password), not the login screen's sentence", () => {
    expect(describeAccountError(new CimApiError(401, "unauthorized", "the current password is wrong"))).toBe("The current password is wrong.");
    expect(describeAccountError(new CimApiError(400, "weak_password", "password must be at least 8 characters"))).toBe("Password must be at least 8 characters.");
    expect(describeAccountError(new CimApiError(429, "rate_limited", "too many wrong passwords: try again in 5 s", 5))).toBe("Too many attempts. Try again in 5 seconds.");
  });
});
