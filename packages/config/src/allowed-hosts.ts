// The Host names route and gateways answer (DNS rebinding): a page whose own name its DNS points at 127.0.0.1 calls a
// loopback server from the visitor's browser, as the same origin, with that name in Host; such Hosts are refused.
import { isIP } from "node:net";

/** One host name as `CIM_ALLOWED_HOSTS` takes it: `chat.example.com`, or `.example.com` for it and its subdomains. */
const HOST_NAME = /^\.?[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;
/** A Host header's name as browsers send it (no port, no brackets): anything else is not a page's Host. */
const DNS_NAME = /^[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*$/;
/** A refused Host is logged once per window; the next line says how many were left out. */
export const HOST_LOG_WINDOW_MS = 10_000;

/** True for an entry of `CIM_ALLOWED_HOSTS`: `*` alone, or a host name without scheme, port or path. */
export function isAllowedHostEntry(entry: string): boolean {
  return entry === "*" || HOST_NAME.test(entry.toLowerCase());
}

/** True when `host` (the HOST setting) is a loopback address or `localhost`: the server is for this machine only. */
export function isLoopbackListen(host: string): boolean {
  const plain = host.toLowerCase().replace(/^\[|\]$/g, "");
  return plain === "localhost" || plain === "::1" || (isIP(plain) === 4 && plain.startsWith("127."));
}

/** The name of a Host header (`Chat.Example.com.:443` → `chat.example.com`; `[::1]:80` → `::1`). */
export function hostNameOf(header: string): string {
  const value = header.trim().toLowerCase();
  if (value.startsWith("[")) return value.slice(1, value.includes("]") ? value.indexOf("]") : undefined);
  return value.replace(/:\d*$/, "").replace(/\.$/, "");
}

export interface HostCheckOptions {
  /** The HOST the server listens on. */
  listenHost: string;
  /** CIM_ALLOWED_HOSTS: names (`.name` for subdomains too), or `*`; empty: the default of `listenHost`. */
  allowed: readonly string[];
  log: { warn: (fields: Record<string, unknown>, msg: string) => void };
  now?: () => number;
}

/**
 * Which Hosts a server answers. Any, when it listens on an address that is not loopback and `allowed` is empty (a
 * deployment behind proxies that send their own names, as before), or with `*`. Otherwise an IP address or
 * `localhost` (no page can carry either through a rebinding: its Host is its own name, and a page at an IP address
 * is of that address; the ports are not compared, so the Vite dev proxy, which passes the page's `127.0.0.1:5173`,
 * and health checks by address keep working), a name of `allowed`, and a Host that is no DNS name at all (no browser
 * sends one: other checks answer it).
 */
export class HostCheck {
  private readonly any: boolean;
  private readonly names: Set<string>;
  private readonly suffixes: string[];
  private readonly now: () => number;
  private windowEnd = 0;
  private leftOut = 0;

  constructor(private readonly options: HostCheckOptions) {
    const entries = options.allowed.map((entry) => entry.toLowerCase().replace(/\.$/, ""));
    this.any = entries.includes("*") || (entries.length === 0 && !isLoopbackListen(options.listenHost));
    this.names = new Set(entries.filter((entry) => !entry.startsWith(".")));
    this.suffixes = entries.filter((entry) => entry.startsWith("."));
    this.now = options.now ?? Date.now;
  }

  /** True when a request with this Host header may be answered (a request without one: no browser's). */
  allows(header: string | undefined): boolean {
    if (this.any || header === undefined || header === "") return true;
    const name = hostNameOf(header);
    if (isIP(name) !== 0 || name === "localhost" || !DNS_NAME.test(name) || this.names.has(name)) return true;
    return this.suffixes.some((suffix) => name.endsWith(suffix) || name === suffix.slice(1));
  }

  /**
   * Checks a request's Host: undefined when it may be answered, else the refusal's message. A refusal is logged once
   * per HOST_LOG_WINDOW_MS (a rebinding page may loop), the first of the next window saying how many were left out.
   */
  refusal(header: string | undefined, fields: Record<string, unknown>): string | undefined {
    if (this.allows(header)) return undefined;
    const message = "this server does not answer that Host: CIM_ALLOWED_HOSTS names the ones it does";
    const now = this.now();
    if (now < this.windowEnd) {
      this.leftOut += 1;
      return message;
    }
    this.options.log.warn({ ...fields, host: String(header).slice(0, 100), leftOut: this.leftOut }, "request refused: its Host is not one this server answers (DNS rebinding?); one line per 10 s");
    this.windowEnd = now + HOST_LOG_WINDOW_MS;
    this.leftOut = 0;
    return message;
  }
}
