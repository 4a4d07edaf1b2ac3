import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { apiRoutes } from "./api-document.js";
import { queryInteger } from "./query-number.js";

const LOOSE = ["0x10", " 5", "5 ", "1e1", "+5", "-1", "5.0", "", "0b11", "１０", "0"];

describe("numeric query parameters", () => {
  it("take decimal digits within the bounds only", () => {
    const limit = queryInteger("limit", 1, 50, 20);
    expect(limit.parse("05")).toBe(5);
    expect(limit.parse("50")).toBe(50);
    expect(limit.parse(undefined)).toBe(20);
    for (const bad of [...LOOSE, "51", "9".repeat(400)]) expect(limit.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    expect(limit.safeParse("0x10").error?.issues[0]?.message).toBe("limit must be a whole number from 1 to 50, in decimal digits");
  });

  it("follow that one rule on every endpoint with a limit", () => {
    const withLimit = apiRoutes.filter((route) => {
      const query = (route.request as { query?: z.ZodObject } | undefined)?.query;
      return query !== undefined && "limit" in query.shape;
    });
    expect(withLimit.map((route) => route.path).sort()).toEqual(["/api/conversations", "/api/history", "/api/online", "/api/rooms", "/api/rooms/public", "/api/rooms/{roomId}/members", "/api/search", "/api/users"]);
    for (const route of withLimit) {
      const query = (route.request as { query: z.ZodObject }).query;
      for (const bad of LOOSE) {
        // The other parameters as a valid request would carry them, so only limit can fail.
        const valid = { q: "x", with: "1" };
        expect(query.safeParse({ ...valid, limit: bad }).success, `${route.path} limit=${JSON.stringify(bad)}`).toBe(false);
      }
      expect(query.safeParse({ q: "x", with: "1", limit: "07" }).data).toMatchObject({ limit: 7 });
    }
  });
});
