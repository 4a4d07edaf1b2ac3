// This tab's login in sessionStorage (per tab, so several tabs may be several users); device choices in localStorage.
import type { StoredLogin } from "@cim/client";

const LOGIN_KEY = "cim.login";
const ADMIN_KEY = "cim.adminToken";
/**
 * localStorage: the name of the user signed in last on this device, until they log out: a second tab (its own login)
 * offers it, as the tab itself does after a sign-out, instead of a blank form that looked like being signed out.
 */
const SIGNED_IN_NAME_KEY = "cim.signedInName";
/** Followed by the user name: "1" when that user keeps their messages on this device after logout. */
const KEEP_MESSAGES_PREFIX = "cim.keepMessages.";

export function loadLogin(): StoredLogin | null {
  try {
    const raw = sessionStorage.getItem(LOGIN_KEY);
    if (!raw) return null;
    const value = JSON.parse(raw) as Partial<StoredLogin>;
    if (typeof value.userId !== "string" || typeof value.userName !== "string" || typeof value.token !== "string") return null;
    return { userId: value.userId, userName: value.userName, token: value.token, ...(typeof value.logoutToken === "string" ? { logoutToken: value.logoutToken } : {}) };
  } catch {
    return null;
  }
}

export function saveLogin(login: StoredLogin): void {
  sessionStorage.setItem(LOGIN_KEY, JSON.stringify({ userId: login.userId, userName: login.userName, token: login.token, logoutToken: login.logoutToken }));
  try {
    localStorage.setItem(SIGNED_IN_NAME_KEY, login.userName);
  } catch {
    // Storage refused (private mode): a new tab's form starts blank.
  }
}

/** The user name signed in last on this device and not logged out since ("" when none): a new tab offers it. */
export function loadSignedInName(): string {
  try {
    return localStorage.getItem(SIGNED_IN_NAME_KEY) ?? "";
  } catch {
    return "";
  }
}

/** A logout (or the account deleted): new tabs no longer offer the name. */
export function forgetSignedInName(): void {
  try {
    localStorage.removeItem(SIGNED_IN_NAME_KEY);
  } catch {
    // Nothing was kept.
  }
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
