// Registers the service worker (dist/sw.js, src/sw/) that lets a reload open the app while route is unreachable.
import { config } from "./config.js";

/** The worker's script; its scope is the whole origin (every path of the app is the same page). */
const WORKER_URL = "/sw.js";

/** Installs or updates the worker; without one (an old browser, a private window that refuses it) nothing changes. */
export function registerOfflineShell(): void {
  if (!config.offlineShell || !("serviceWorker" in navigator)) return;
  // updateViaCache "none": the browser checks sw.js itself on every navigation, so a new build is found at once.
  navigator.serviceWorker.register(WORKER_URL, { scope: "/", updateViaCache: "none" })
    .catch((error: unknown) => console.warn("the offline app could not be installed: a reload needs the server", error));
}
