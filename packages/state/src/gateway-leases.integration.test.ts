// GatewayLeases on a real Redis: the lease and the release mark, each side writing before it reads the other's.
import { describe, expect, it } from "vitest";
import { GatewayLeases } from "./gateway-leases.js";
import { keys } from "./keys.js";
import { useRedis } from "./test-harness.js";

const h = useRedis();

describe("GatewayLeases", () => {
  it("a release begins only for a lapsed lease, once across routes, and the gateway claims again only once it is done", async () => {
    const leases = new GatewayLeases(h.redis);
    expect(await leases.renew("gw-l", "i1", 200)).toBeNull();
    expect(await leases.beginRelease("gw-l")).toBe(false);
    // The lease still current, the mark was taken back: nothing for the gateway to act on.
    expect(await leases.renew("gw-l", "i1", 100)).toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(await leases.alive("gw-l")).toBe(false);
    expect(await leases.beginRelease("gw-l")).toBe(true);
    expect(await leases.beginRelease("gw-l")).toBe(false);
    // Back during the release: it sees "releasing" and waits; once released it claims and the mark goes.
    expect(await leases.renew("gw-l", "i1", 1_000)).toBe("releasing");
    await leases.claimedAgain("gw-l");
    await leases.endRelease("gw-l");
    expect(await leases.renew("gw-l", "i1", 1_000)).toBe("released");
    await leases.claimedAgain("gw-l");
    expect(await leases.renew("gw-l", "i1", 1_000)).toBeNull();
  });

  it("a lease carries the lease its gateway declared; a value written before that (a bare instance) stays readable", async () => {
    const leases = new GatewayLeases(h.redis);
    await leases.renew("gw-d", "i7", 4_321);
    expect(await leases.lease("gw-d")).toEqual({ instance: "i7", leaseMs: 4_321 });
    await h.redis.set(keys.gatewayLease("gw-old"), "0f6c2a1e-old-instance", "PX", 1_000);
    expect(await leases.lease("gw-old")).toEqual({ instance: "0f6c2a1e-old-instance" });
    expect(await leases.alive("gw-old")).toBe(true);
    expect(await leases.lease("gw-none")).toBeNull();
  });
});
