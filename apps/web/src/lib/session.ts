// This tab's login in sessionStorage (per tab, so several tabs may be several users); device choices in localStorage.
import type { StoredLogin } from "@cim/client";

const LOGIN_KEY = "cim.login";
const ADMIN_KEY = "cim.adminToken";
/** Followed by the user name: "1" when that user keeps their messages on this device after logout. */
const KEEP_MESSAGES_PREFIX = "cim.keepMessages.";

export function loadLogin(): StoredLogin | null {
  try {
    const raw = sessionStorage.getItem(LOGIN_KEY);
    if (!raw) return null;
    const value = JSON.parse(raw) as Partial<StoredLogin>;
    if (typeof value.userId !== "string" || typeof value.userName !== "string" || typeof value.token !== "string") return null;
    return { userId: value.userId, userName: value.userName, token: value.token };
  } catch {
    return null;
  }
}

export function saveLogin(login: StoredLogin): void {
  sessionStorage.setItem(LOGIN_KEY, JSON.stringify({ userId: login.userId, userName: login.userName, token: login.token }));
}

export function clearLogin(): void {
  sessionStorage.removeItem(LOGIN_KEY);
}

export function loadAdminToken(): string {
  return sessionStorage.getItem(ADMIN_KEY) ?? "";
}

export function saveAdminToken(token: string): void {
  if (token) sessionStorage.setItem(ADMIN_KEY, token);
  else sessionStorage.removeItem(ADMIN_KEY);
}

/** Whether `userName` chose to keep their messages on this device after logout (default: no). */
export function loadKeepMessages(userName: string): boolean {
  try {
    return localStorage.getItem(KEEP_MESSAGES_PREFIX + userName) === "1";
  } catch {
    return false;
  }
}

export function saveKeepMessages(userName: string, keep: boolean): void {
  try {
    if (keep) localStorage.setItem(KEEP_MESSAGES_PREFIX + userName, "1");
    else localStorage.removeItem(KEEP_MESSAGES_PREFIX + userName);
  } catch {
    // Storage refused (private mode): the default, not keeping, applies.
  }
}
