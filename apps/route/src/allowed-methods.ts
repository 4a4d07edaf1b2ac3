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
 * route is registered before the first request). Middleware and wildcard paths name no method of a path. A path that
 * names a resource of its own (`/api/rooms/public`) takes only its own routes' methods, not those of a pattern it
 * also fits (`PATCH /api/rooms/:roomId`, which would look for a room "public").
 */
export function allowedMethods(routes: () => readonly RegisteredRoute[]): (path: string) => string[] {
  let router: TrieRouter<RegisteredRoute> | null = null;
  return (path) => {
    if (!router) {
      router = new TrieRouter<RegisteredRoute>();
      for (const route of routes()) {
        if (route.method !== "ALL" && !route.path.includes("*")) router.add("ALL", route.path, route);
      }
    }
    const matched = router.match("GET", path)[0].map(([route]) => route);
    const own = matched.filter((route) => !route.path.includes(":"));
    const methods = new Set((own.length > 0 ? own : matched).map((route) => route.method));
    if (methods.has("GET")) methods.add("HEAD");
    return [...methods];
  };
}
