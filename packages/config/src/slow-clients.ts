// Node's HTTP server options that cut off slow clients (route's port and a gateway's): headers must be in within
// `headersMs`, a whole request within `requestMs`, else 408 and the connection closed. Node's defaults (headers
// 60 s, checked every 30 s; a request 300 s) let a client that sends a byte now and then hold a socket for minutes.
import type { ServerOptions } from "node:http";

/** How often Node looks for requests past their timeouts: about a third of the headers timeout, within these bounds. */
const CHECK_INTERVAL_MIN_MS = 250;
const CHECK_INTERVAL_MAX_MS = 5_000;

export function slowClientTimeouts(headersMs: number, requestMs: number): Pick<ServerOptions, "headersTimeout" | "requestTimeout" | "connectionsCheckingInterval"> {
  return {
    headersTimeout: headersMs,
    requestTimeout: Math.max(headersMs, requestMs),
    connectionsCheckingInterval: Math.min(CHECK_INTERVAL_MAX_MS, Math.max(CHECK_INTERVAL_MIN_MS, Math.floor(headersMs / 3))),
  };
}
