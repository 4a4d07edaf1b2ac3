// Notices gateway connections the page's Content-Security-Policy refuses: route names in connect-src the
// gateways that were live when the page loaded, so one that appeared later (a restart on a new address,
// scale-out) is blocked by the browser until the page is loaded again.

const RELOAD_KEY = "cim.policyReloadAt";
/** At most one automatic reload per this interval, so a policy that never fits cannot loop. */
const MIN_RELOAD_INTERVAL_MS = 60_000;

/** Calls `handler` with the URL of every WebSocket connection the page's policy refuses; returns a stop function. */
export function onBlockedGateway(handler: (url: string) => void): () => void {
  const listener = (event: SecurityPolicyViolationEvent) => {
    if (event.effectiveDirective === "connect-src" && /^wss?:/.test(event.blockedURI)) handler(event.blockedURI);
  };
  document.addEventListener("securitypolicyviolation", listener);
  return () => document.removeEventListener("securitypolicyviolation", listener);
}

/** Reloads the page (a fresh policy from route) unless that was done less than a minute ago; false then. */
export function reloadForFreshPolicy(now: number = Date.now()): boolean {
  const last = Number(sessionStorage.getItem(RELOAD_KEY) ?? 0);
  if (now - last < MIN_RELOAD_INTERVAL_MS) return false;
  sessionStorage.setItem(RELOAD_KEY, String(now));
  location.reload();
  return true;
}
