// GatewayLeases on a real Redis: the lease and the release mark, each side writing before it reads the other's.
import { describe, expect, it } from "vitest";
import { GatewayLeases } from "./gateway-leases.js";
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
});
