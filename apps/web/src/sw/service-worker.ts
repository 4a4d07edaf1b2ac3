// The service worker (built to dist/sw.js by ../../shell-worker-plugin.ts): the app opens while route is unreachable.
// Navigations go to the network first, so a reachable route always serves the current build; only when route cannot
// be reached (no answer, or a proxy's 502/504) the cached shell answers. Hashed assets come from the cache first.
// Everything else (the API, /metrics, /healthz, anything with Authorization, other origins) passes untouched.
import { cacheNameOf, keepable, keepableShell, outdatedCaches, SHELL_KEY, SHELL_NETWORK_TIMEOUT_MS, strategyOf, upstreamDown } from "./shell-rules.js";

/** Written by the build: this build's version and the URLs of its shell (the page and every hashed asset). */
declare const __CIM_SHELL__: { version: string; urls: string[] };

// The DOM typings of the app describe a window; the few worker types used here are declared instead.
interface ExtendableEvent extends Event {
  waitUntil: (promise: Promise<unknown>) => void;
}
interface FetchEvent extends ExtendableEvent {
  readonly request: Request;
  respondWith: (response: Promise<Response>) => void;
}
interface WorkerScope {
  readonly location: Location;
  readonly clients: { claim: () => Promise<void> };
  skipWaiting: () => Promise<void>;
  addEventListener: ((type: "install" | "activate", listener: (event: ExtendableEvent) => void) => void) & ((type: "fetch", listener: (event: FetchEvent) => void) => void);
}

const worker = globalThis as unknown as WorkerScope;
const CACHE = cacheNameOf(__CIM_SHELL__.version);

worker.addEventListener("install", (event) => {
  // The page is revalidated; hashed assets may come from the HTTP cache (their content never changes).
  const requests = __CIM_SHELL__.urls.map((url) => new Request(url, { cache: url === SHELL_KEY ? "no-cache" : "default" }));
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(requests)).then(() => worker.skipWaiting()));
});

worker.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys()
    .then((names) => Promise.all(outdatedCaches(names, CACHE).map((name) => caches.delete(name))))
    .then(() => worker.clients.claim()));
});

worker.addEventListener("fetch", (event) => {
  const { request } = event;
  const strategy = strategyOf({ method: request.method, url: request.url, mode: request.mode, authorization: request.headers.has("authorization") }, worker.location.origin);
  if (strategy === "shell") event.respondWith(page(request));
  else if (strategy === "asset") event.respondWith(asset(request));
});

/**
 * Network first; the cached shell when route cannot be reached, or has not answered within SHELL_NETWORK_TIMEOUT_MS
 * (frozen). A fresh page becomes the cached shell, also one that comes after the timeout.
 */
async function page(request: Request): Promise<Response> {
  const network = fetch(request).then((response) => {
    if (keepableShell(response)) void store(SHELL_KEY, response.clone());
    return response;
  });
  const first = await Promise.race([
    network.then((response) => ({ response }), (error: unknown) => ({ error })),
    new Promise<{ late: true }>((resolve) => setTimeout(() => resolve({ late: true }), SHELL_NETWORK_TIMEOUT_MS)),
  ]);
  if ("response" in first && !upstreamDown(first.response.status)) return first.response;
  const shell = await cachedShell();
  if (shell) return shell;
  if ("error" in first) throw first.error;
  return network; // no shell kept yet: wait for route after all
}

/** Cache first: a hashed asset never changes. One missing (a build newer than this worker) is fetched and kept. */
async function asset(request: Request): Promise<Response> {
  const cached = await caches.match(request, { cacheName: CACHE, ignoreVary: true });
  if (cached) return cached;
  const response = await fetch(request);
  if (keepable(response)) void store(request, response.clone());
  return response;
}

async function cachedShell(): Promise<Response | undefined> {
  const shell = await caches.match(SHELL_KEY, { cacheName: CACHE, ignoreVary: true });
  if (!shell) console.warn("route is unreachable and no app page is cached yet");
  return shell;
}

async function store(key: RequestInfo, response: Response): Promise<void> {
  try {
    await (await caches.open(CACHE)).put(key, response);
  } catch (error) {
    console.warn("the offline shell could not keep a response", error);
  }
}
