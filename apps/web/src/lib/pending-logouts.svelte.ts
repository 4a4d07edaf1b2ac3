// Logouts route has not heard yet: the user logged out while the device had no network (or route did not answer), so
// the login would stay valid until its token expired. The login's logout token (route's LoginAnswer: it ends that
// login and is refused everywhere else) is kept on this device (localStorage of this origin, so a reload or another
// tab can send it) until route ends that login, and sent from whichever tab of this origin runs first: this one when
// the network is back, a reload, or the next tab opened. It is never the session token, which would let the next
// user of a shared browser profile go on as the user who logged out (only a login stored before route gave logout
// tokens falls back to it). A token past its expiry is dropped unsent, and at most MAX_PENDING are kept.
import { CimApiError, RouteApi } from "@cim/client";
import { config } from "./config.js";
import { deviceOnline, onNetworkChance, retryDelay } from "./network-wait.js";

/** localStorage: a JSON array of `{token, userName}`, the logins whose logout is still to be sent. */
const PENDING_KEY = "cim.pendingLogouts";
/** The most pending logouts kept (the newest): each needs a login made on this device, so more is not a real use. */
export const MAX_PENDING = 20;

/** The token's `exp` (seconds since the epoch) read from its payload, unverified; undefined when it has none. */
function expiryOf(token: string): number | undefined {
  try {
    const payload = token.split(".")[1] ?? "";
    const json = JSON.parse(atob(payload.replace(/-/g, "+").replace(/_/g, "/"))) as { exp?: unknown };
    return typeof json.exp === "number" ? json.exp : undefined;
  } catch {
    return undefined;
  }
}

/** A token no server takes any more (past its expiry) ends nothing: keeping it only leaves it behind. */
function expired(token: string, nowMs = Date.now()): boolean {
  const exp = expiryOf(token);
  return exp !== undefined && exp * 1000 <= nowMs;
}

export interface PendingLogout {
  token: string;
  userName: string;
}

/** Route's answer means the login is over: ended now (2xx), or already (401: ended, expired or not a token). */
function loginOver(error: unknown): boolean {
  return error instanceof CimApiError && error.status === 401;
}

/** The pending logouts kept on this device (none when storage is refused or holds something else). */
export function loadPending(): PendingLogout[] {
  try {
    const value = JSON.parse(localStorage.getItem(PENDING_KEY) ?? "[]") as unknown;
    if (!Array.isArray(value)) return [];
    return value.filter((entry): entry is PendingLogout => typeof entry?.token === "string" && entry.token !== "" && typeof entry?.userName === "string" && !expired(entry.token));
  } catch {
    return [];
  }
}

function savePending(all: PendingLogout[]): void {
  const entries = all.filter((entry) => !expired(entry.token)).slice(-MAX_PENDING);
  try {
    if (entries.length === 0) localStorage.removeItem(PENDING_KEY);
    else localStorage.setItem(PENDING_KEY, JSON.stringify(entries));
  } catch (error) {
    console.warn("could not keep a logout to send later", error);
  }
}

export class PendingLogouts {
  /** User names whose logout waits for the network (this device, any tab): the login screen says it will be done. */
  waiting = $state<string[]>([]);
  private timer: ReturnType<typeof setTimeout> | undefined;
  private attempt = 0;
  private passes: Promise<void> = Promise.resolve();

  constructor(private readonly api: RouteApi = new RouteApi(config.routeUrl)) {}

  /** Sends what earlier pages left (a reload, the next tab) now and whenever the network comes back; returns the stop. */
  start(): () => void {
    // Drops what can no longer end anything (expired tokens) before anything else reads the list.
    savePending(loadPending());
    this.waiting = loadPending().map((entry) => entry.userName);
    const stopChance = onNetworkChance(() => void this.flush());
    // Another tab of this origin kept or sent one: the login screen here says what is true.
    const stored = (event: StorageEvent) => {
      if (event.key === PENDING_KEY) this.waiting = loadPending().map((entry) => entry.userName);
    };
    window.addEventListener("storage", stored);
    void this.flush();
    return () => {
      stopChance();
      window.removeEventListener("storage", stored);
      clearTimeout(this.timer);
    };
  }

  /**
   * Ends the login of `token` at route. It is kept first, so a page closed before route answers (or a device
   * without a network) still ends it later; resolves true when route ended it now, false when it waits.
   */
  async end(token: string, userName: string): Promise<boolean> {
    // Said on the login screen only once a send failed (pass): a logout route answers at once shows nothing.
    savePending([...loadPending().filter((entry) => entry.token !== token), { token, userName }]);
    await this.flush();
    return !loadPending().some((entry) => entry.token === token);
  }

  /** Sends every pending logout; those route did not answer stay, asked again later (at once when the network returns).
   * Passes run one after another (a logout, the network's return and a retry may ask at once). */
  flush(): Promise<void> {
    this.passes = this.passes.then(() => this.pass());
    return this.passes;
  }

  private async pass(): Promise<void> {
    clearTimeout(this.timer);
    for (const entry of loadPending()) {
      if (!deviceOnline()) break;
      try {
        await this.api.logout(entry.token);
      } catch (error) {
        if (!loginOver(error)) {
          console.warn(`the logout of ${entry.userName} waits: route did not end it (${error instanceof Error ? error.message : String(error)})`);
          continue;
        }
      }
      savePending(loadPending().filter((other) => other.token !== entry.token));
    }
    const left = loadPending();
    this.waiting = left.map((entry) => entry.userName);
    if (left.length === 0) {
      this.attempt = 0;
      return;
    }
    // Offline: the `online` event sends them; a look now and then costs little (retryDelay's offline pause).
    this.timer = setTimeout(() => void this.flush(), retryDelay(this.attempt++, config.routeRetry));
  }
}
