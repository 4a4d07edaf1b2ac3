// Login policies (CIM_LOGIN_POLICY): how a login is answered when the user already has live sessions.
import { ErrorCode } from "@cim/protocol";
import { ApiError } from "./errors.js";

export const LOGIN_POLICIES = ["multi", "replace", "reject"] as const;
export type LoginPolicy = (typeof LOGIN_POLICIES)[number];

/**
 * The refusal of a login by a user with `live` sessions, or null to let it in. `multi`: up to `maxDevices`
 * sessions; `replace`: always in (the gateway closes the others); `reject`: only while there is none.
 */
export function loginRefusal(policy: LoginPolicy, live: number, maxDevices: number, userName: string): ApiError | null {
  if (policy === "reject" && live > 0) return new ApiError(409, ErrorCode.AlreadyOnline, `${userName} is already online`);
  if (policy === "multi" && live >= maxDevices) {
    return new ApiError(409, ErrorCode.TooManyDevices, `${userName} is logged in on ${live} devices, the most allowed: log out on one of them first`);
  }
  return null;
}
