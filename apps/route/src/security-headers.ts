// Security headers of every response (Hono's secureHeaders): a strict CSP whose connect-src names the live gateways.
import type { Context } from "hono";
import { secureHeaders } from "hono/secure-headers";
import type { GatewayList } from "./context.js";

/** CSP and the usual hardening headers; `extraConnect` are origins beyond the gateways (e.g. a CDN of the API). */
export function securityHeaders(gateways: GatewayList) {
  // Computed per response: gateways come and go, and the page must be allowed to reach each live one.
  const gatewayOrigins = (_c: Context) => {
    const origins = new Set<string>();
    for (const gateway of gateways.list()) {
      try {
        origins.add(new URL(gateway.wsUrl).origin.replace(/^http/, "ws"));
      } catch {
        // a malformed advertised URL is the gateway's problem; it is left out
      }
    }
    return [...origins].join(" ");
  };
  return secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      // Svelte sets style attributes at run time; scripts stay self-only.
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", "data:"],
      connectSrc: ["'self'", gatewayOrigins],
      frameAncestors: ["'none'"],
      baseUri: ["'none'"],
      formAction: ["'self'"],
      objectSrc: ["'none'"],
    },
    referrerPolicy: "no-referrer",
    xFrameOptions: "DENY",
    xContentTypeOptions: "nosniff",
  });
}
