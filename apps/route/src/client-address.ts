// The address a request came from, for per-client limits: the socket's peer, or the proxy's X-Forwarded-For.
import type { Context } from "hono";
import { getConnInfo } from "@hono/node-server/conninfo";
import { clientKey } from "@cim/config";

/**
 * The key a client's requests are limited under. With `trustProxy` the last X-Forwarded-For entry (the one our
 * proxy added) wins; otherwise the TCP peer. As the gateways' limits count it (`clientKey`): an IPv4-mapped IPv6
 * address as IPv4, any other IPv6 address as its /64, so that one subscriber cannot take a fresh address of its
 * block per try. "unknown" when neither exists (app.request()).
 */
export function clientAddress(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = c.req.header("x-forwarded-for")?.split(",").map((s) => s.trim()).filter(Boolean).at(-1);
    if (forwarded) return clientKey(forwarded);
  }
  try {
    const address = getConnInfo(c).remote.address;
    if (address) return clientKey(address);
  } catch {
    // not served by @hono/node-server (tests through app.request())
  }
  return "unknown";
}
