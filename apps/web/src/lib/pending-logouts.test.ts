import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { CimApiError, type RouteApi } from "@cim/client";
import { loadPending, MAX_PENDING, PendingLogouts } from "./pending-logouts.svelte.js";
import { MemoryStorage } from "./memory-storage.js";

/** A JWT-shaped token whose payload says `exp` (the web app reads it unverified, as it does here). */
function tokenExpiring(exp: number, id: string): string {
  const payload = btoa(JSON.stringify({ exp, sid: id })).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
  return `eyJhbGciOiJIUzI1NiJ9.${payload}.sig-${id}`;
}

/** Route unreachable: every logout fails as a lost connection does. */
const unreachable = { logout: () => Promise.reject(new CimApiError(0, "network", "route unreachable")) } as unknown as RouteApi;

describe("pending logouts", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.stubGlobal("localStorage", new MemoryStorage());
    vi.stubGlobal("navigator", { onLine: false });
    vi.stubGlobal("window", new EventTarget());
    vi.spyOn(console, "warn").mockImplementation(() => undefined);
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });

  it("drops a token past its expiry unsent: it ends nothing and would only be left behind", async () => {
    const now = Math.floor(Date.now() / 1000);
    const expired = tokenExpiring(now - 1, "old");
    const live = tokenExpiring(now + 3600, "new");
    localStorage.setItem("cim.pendingLogouts", JSON.stringify([{ token: expired, userName: "ann" }, { token: live, userName: "bob" }]));
    expect(loadPending()).toEqual([{ token: live, userName: "bob" }]);
    const logouts = new PendingLogouts(unreachable);
    const stop = logouts.start();
    expect(localStorage.getItem("cim.pendingLogouts")).not.toContain(expired);
    expect(logouts.waiting).toEqual(["bob"]);
    stop();
  });

  it(`keeps at most ${MAX_PENDING} logouts, the newest`, async () => {
    const now = Math.floor(Date.now() / 1000);
    const logouts = new PendingLogouts(unreachable);
    for (let i = 0; i < MAX_PENDING + 5; i++) expect(await logouts.end(tokenExpiring(now + 3600, `t${i}`), `user${i}`)).toBe(false);
    const kept = loadPending();
    expect(kept).toHaveLength(MAX_PENDING);
    expect(kept.at(-1)?.userName).toBe(`user${MAX_PENDING + 4}`);
    expect(kept[0]?.userName).toBe("user5");
  });
});
