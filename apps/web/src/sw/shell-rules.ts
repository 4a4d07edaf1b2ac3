// The offline shell's rules, kept pure so they are tested without a browser: which requests the service worker
// answers (the page's navigations and the hashed assets, nothing else) and which responses it may keep.

/** What the worker does with a request: the app's page (network first, the cached shell when route is unreachable),
 * a hashed asset (cache first), or nothing at all (the browser fetches it as if there were no worker). */
export type Strategy = "shell" | "asset" | "network";

/** The parts of a request the rules look at. */
export interface RequestFacts {
  method: string;
  url: string;
  /** `Request.mode`: "navigate" for the page itself. */
  mode: string;
  /** The request carries an Authorization header. */
  authorization: boolean;
}

/** Paths the worker never answers nor keeps: route's API, metrics and health, and the worker's own script. */
const NEVER_CACHED = [/^\/api(?:\/|$)/, /^\/metrics(?:\/|$)/, /^\/healthz(?:\/|$)/, /^\/sw\.js$/, /\.map$/];
/** Answers of a proxy whose upstream (route) is down: the cached shell is better than the proxy's error page. */
const UPSTREAM_DOWN = new Set([502, 504]);
/** Prefix of the worker's cache names; a version of the build follows it. */
export const CACHE_PREFIX = "cim-shell-";
/**
 * How long a navigation waits for route before the cached shell answers: a route that accepts connections and never
 * answers (frozen, or its host gone without a reset) would otherwise hold the reload for good. Route's own answer
 * still becomes the cached shell when it comes, so the next load is current.
 */
export const SHELL_NETWORK_TIMEOUT_MS = 4_000;
/** The key of the app's page in the cache: every path of the single-page app is this one document. */
export const SHELL_KEY = "/";

/** How the worker treats `request` on a page of `origin`. */
export function strategyOf(request: RequestFacts, origin: string): Strategy {
  if (request.method !== "GET" || request.authorization) return "network";
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return "network";
  }
  if (url.origin !== origin || NEVER_CACHED.some((path) => path.test(url.pathname))) return "network";
  if (request.mode === "navigate") return "shell";
  return url.pathname.startsWith("/assets/") ? "asset" : "network";
}

/** The parts of a response the rules look at. */
export interface ResponseFacts {
  status: number;
  /** `Response.type`: "basic" for a same-origin answer. */
  type: string;
  redirected: boolean;
  headers: { get: (name: string) => string | null };
}

/** A response that may be kept: a whole same-origin 200, not redirected, that does not forbid storing it. */
export function keepable(response: ResponseFacts): boolean {
  return response.status === 200 && response.type === "basic" && !response.redirected && !/no-store|private/i.test(response.headers.get("cache-control") ?? "");
}

/** A page answer that may become the cached shell: keepable, and the app's HTML. */
export function keepableShell(response: ResponseFacts): boolean {
  return keepable(response) && (response.headers.get("content-type") ?? "").startsWith("text/html");
}

/**
 * A response that says route cannot be reached (a proxy's 502/504): the service worker serves the cached shell
 * instead, and the page's RouteWatch counts route as down.
 */
export function upstreamDown(status: number): boolean {
  return UPSTREAM_DOWN.has(status);
}

/** The name of the cache of build `version`; the others are deleted when this build's worker takes over. */
export function cacheNameOf(version: string): string {
  return `${CACHE_PREFIX}${version}`;
}

/** Caches of older builds (to delete) among `names`. */
export function outdatedCaches(names: readonly string[], current: string): string[] {
  return names.filter((name) => name.startsWith(CACHE_PREFIX) && name !== current);
}
