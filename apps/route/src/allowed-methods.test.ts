import { describe, expect, it } from "vitest";
import { allowedMethods } from "./allowed-methods.js";

describe("allowedMethods", () => {
  const routes = [
    { method: "ALL", path: "/api/*" },
    { method: "GET", path: "/api/rooms" },
    { method: "POST", path: "/api/rooms" },
    { method: "GET", path: "/api/rooms/public" },
    { method: "PATCH", path: "/api/rooms/:roomId" },
    { method: "GET", path: "/api/rooms/:roomId/members" },
  ];
  const methodsOf = allowedMethods(() => routes);

  it("names the methods of a path's routes, HEAD wherever GET", () => {
    expect(methodsOf("/api/rooms").sort()).toEqual(["GET", "HEAD", "POST"]);
    expect(methodsOf("/api/rooms/r7")).toEqual(["PATCH"]);
    expect(methodsOf("/api/rooms/r7/members").sort()).toEqual(["GET", "HEAD"]);
    expect(methodsOf("/api/nothing")).toEqual([]);
  });

  // The public directory is a resource of its own: PATCH would rename a room named "public", which does not exist.
  it("takes a path's own routes over a pattern it also fits", () => {
    expect(methodsOf("/api/rooms/public").sort()).toEqual(["GET", "HEAD"]);
  });
});
