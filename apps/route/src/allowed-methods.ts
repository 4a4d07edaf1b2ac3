// The methods route answers on a path, for a request that names a known path with another method: `405` with
// `Allow` (RFC 9110 15.5.6) tells a client its method is wrong, where `404` would say the path is.
import { TrieRouter } from "hono/router/trie-router";

/** A registered route as Hono lists it (`app.routes`); middleware is method `ALL`. */
export interface RegisteredRoute {
  method: string;
  path: string;
}

/**
 * Looks up the methods of the routes whose path matches, from the routes registered at the first call (every
 * route is registered before the first request). Middleware and wildcard paths name no method of a path.
 */
export function allowedMethods(routes: () => readonly RegisteredRoute[]): (path: string) => string[] {
  let router: TrieRouter<string> | null = null;
  return (path) => {
    if (!router) {
      router = new TrieRouter<string>();
      for (const { method, path: pattern } of routes()) {
        if (method !== "ALL" && !pattern.includes("*")) router.add("ALL", pattern, method);
      }
    }
    const methods = new Set(router.match("GET", path)[0].map(([method]) => method));
    if (methods.has("GET")) methods.add("HEAD");
    return [...methods];
  };
}
