// The address a request came from, for per-client limits: the socket's peer, or the proxy's X-Forwarded-For.
import type { Context } from "hono";
import { getConnInfo } from "@hono/node-server/conninfo";
import { clientKey } from "@cim/config";

/** Where a request came from, as the per-address limits see it. */
export interface ClientAddress {
  /** The key its requests are counted under (`clientKey`); "unknown" when there is no address (app.request()). */
  key: string;
  /** True for an address of CIM_CONNECT_LIMIT_EXEMPT (loopback by default): no per-address limit counts it. */
  exempt: boolean;
}

/**
 * The client's address: with `trustProxy` the last X-Forwarded-For entry (the one our proxy added) wins; otherwise
 * the TCP peer. Keyed as the gateways' limits count it (`clientKey`): an IPv4-mapped IPv6 address as IPv4, any
 * other IPv6 address as its /64, so that one subscriber cannot take a fresh address of its block per try.
 * `isExempt` is asked about the address itself, before keying (`::1` is not its /64).
 */
export function clientAddress(c: Context, trustProxy: boolean, isExempt: (address: string) => boolean = () => false): ClientAddress {
  const address = peerAddress(c, trustProxy);
  return address ? { key: clientKey(address), exempt: isExempt(address) } : { key: "unknown", exempt: false };
}

function peerAddress(c: Context, trustProxy: boolean): string | undefined {
  if (trustProxy) {
    const forwarded = c.req.header("x-forwarded-for")?.split(",").map((s) => s.trim()).filter(Boolean).at(-1);
    if (forwarded) return forwarded;
  }
  try {
    return getConnInfo(c).remote.address || undefined;
  } catch {
    return undefined; // not served by @hono/node-server (tests through app.request())
  }
}
