// The address a request came from, for per-client limits: the socket's peer, or the proxy's X-Forwarded-For.
import type { Context } from "hono";
import { getConnInfo } from "@hono/node-server/conninfo";

/**
 * The client's address. With `trustProxy` the last X-Forwarded-For entry (the one our proxy added) wins;
 * otherwise the TCP peer. IPv4-mapped IPv6 is shown as IPv4. "unknown" when neither exists (app.request()).
 */
export function clientAddress(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = c.req.header("x-forwarded-for")?.split(",").map((s) => s.trim()).filter(Boolean).at(-1);
    if (forwarded) return normalise(forwarded);
  }
  try {
    const address = getConnInfo(c).remote.address;
    if (address) return normalise(address);
  } catch {
    // not served by @hono/node-server (tests through app.request())
  }
  return "unknown";
}

function normalise(address: string): string {
  return address.startsWith("::ffff:") ? address.slice(7) : address;
}
