// The key route's per-address limits (registrations, failed logins, admin tokens) count a request under.
import { describe, expect, it } from "vitest";
import { Hono } from "hono";
import { addressMatcher } from "@cim/config";
import { clientAddress, type ClientAddress } from "./client-address.js";

async function addressOf(forwardedFor: string | undefined, trustProxy = true, exempt: string[] = []): Promise<ClientAddress> {
  const app = new Hono().get("/", (c) => c.json(clientAddress(c, trustProxy, addressMatcher(exempt))));
  const res = await app.request("/", { headers: forwardedFor === undefined ? {} : { "x-forwarded-for": forwardedFor } });
  return (await res.json()) as ClientAddress;
}

async function keyOf(forwardedFor: string | undefined, trustProxy = true): Promise<string> {
  return (await addressOf(forwardedFor, trustProxy)).key;
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

  it("marks exempt addresses by the address itself: ::1 and 127.0.0.x, not the rest of their /64 or /8 neighbours", async () => {
    const loopback = ["127.0.0.0/8", "::1"];
    expect(await addressOf("::1", true, loopback)).toEqual({ key: "0:0:0:0::/64", exempt: true });
    expect(await addressOf("::2", true, loopback)).toMatchObject({ exempt: false });
    expect(await addressOf("::ffff:127.0.0.2", true, loopback)).toEqual({ key: "127.0.0.2", exempt: true });
    expect(await addressOf("128.0.0.1", true, loopback)).toMatchObject({ exempt: false });
    expect(await addressOf(undefined, true, loopback)).toEqual({ key: "unknown", exempt: false });
  });
});
