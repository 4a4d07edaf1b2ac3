// What a client of route's HTTP API sees, for the API tests: accounts, logins and the error body of CONTRACT.md.
import { expect } from "vitest";
import type { RouteHarness } from "./route-harness.js";

export const PASSWORD = "cim-test-pass-1";

export interface ErrorBody {
  error: { code: string; message: string; clientMsgId?: string };
}

export interface LoginAnswer {
  userId: string;
  userName: string;
  token: string;
  gateway: { id: string; wsUrl: string };
}

let seq = 0;
/** A user name no other test of the run uses (names are unique per Redis, and limits count per name). */
export const uniqueName = (prefix: string) => `${prefix}${Date.now().toString(36)}${seq++}`;

/**
 * Asserts an error answer as CONTRACT.md has it: the status, a JSON body `{"error":{"code","message"}}` with
 * that code and a non-empty message, and nothing else at the top level.
 */
export async function expectError(res: Response, status: number, code: string): Promise<ErrorBody> {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type") ?? "").toMatch(/^application\/json/);
  const body = (await res.json()) as ErrorBody;
  expect(Object.keys(body)).toEqual(["error"]);
  expect(body.error.code).toBe(code);
  expect(typeof body.error.message).toBe("string");
  expect(body.error.message.length).toBeGreaterThan(0);
  return body;
}

/** Registers a user (201 expected) and returns its id and name. */
export async function registerUser(h: Pick<RouteHarness, "call">, prefix: string): Promise<{ userId: string; userName: string }> {
  const res = await h.call("POST", "/api/register", { body: { userName: uniqueName(prefix), password: PASSWORD } });
  expect(res.status).toBe(201);
  return (await res.json()) as { userId: string; userName: string };
}

/** Logs a user in (200 expected). */
export async function loginUser(h: Pick<RouteHarness, "call">, userName: string): Promise<LoginAnswer> {
  const res = await h.call("POST", "/api/login", { body: { userName, password: PASSWORD } });
  expect(res.status).toBe(200);
  return (await res.json()) as LoginAnswer;
}

/** Registers and logs in a new user. */
export async function newUser(h: Pick<RouteHarness, "call">, prefix: string): Promise<LoginAnswer> {
  const { userName } = await registerUser(h, prefix);
  return loginUser(h, userName);
}
