// The key route's per-address limits (registrations, failed logins, admin tokens) count a request under.
import { describe, expect, it } from "vitest";
import { Hono } from "hono";
import { clientAddress } from "./client-address.js";

async function keyOf(forwardedFor: string | undefined, trustProxy = true): Promise<string> {
  const app = new Hono().get("/", (c) => c.text(clientAddress(c, trustProxy)));
  const res = await app.request("/", { headers: forwardedFor === undefined ? {} : { "x-forwarded-for": forwardedFor } });
  return res.text();
}

describe("clientAddress", () => {
  it("counts an IPv6 client by its /64, so a fresh address of the same block is the same client", async () => {
    const first = await keyOf("2001:db8:1:2::1");
    expect(first).toBe("2001:db8:1:2::/64");
    expect(await keyOf("2001:db8:1:2:ffff:eeee:dddd:cccc")).toBe(first);
    expect(await keyOf("2001:db8:1:3::1")).not.toBe(first);
  });

  it("takes an IPv4-mapped address as its IPv4 address, and the proxy's (last) X-Forwarded-For entry", async () => {
    expect(await keyOf("::ffff:203.0.113.9")).toBe("203.0.113.9");
    expect(await keyOf("198.51.100.1, 203.0.113.9")).toBe("203.0.113.9");
  });

  it("ignores X-Forwarded-For unless route is behind a proxy it trusts", async () => {
    expect(await keyOf("203.0.113.9", false)).toBe("unknown");
  });
});
