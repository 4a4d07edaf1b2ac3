// Open HTTP connections per client address, capped as they are accepted, before any byte is parsed: without it one
// client holding thousands of idle or slow connections (slowloris: headers or a body sent a byte at a time, each
// held until Node's 60-300 s timeouts) uses up the process's file descriptors, and nobody else gets in.
import type { Server } from "node:http";
import { BlockList, isIP, type Socket } from "node:net";

const MAPPED_IPV4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i;

/** An address as the limits see it: an IPv4-mapped IPv6 address (`::ffff:1.2.3.4`) as its IPv4 address. */
export function plainAddress(address: string): string {
  return address.replace(MAPPED_IPV4, "$1");
}

/** True for an IPv4 or IPv6 address, alone or with a prefix length (`10.0.0.0/8`, `fd00::/8`). */
export function isAddressOrRange(entry: string): boolean {
  const [address = "", prefix, ...rest] = entry.split("/");
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

/**
 * The key per-address limits count under: an IPv4 address as is; an IPv6 address by its /64, the block one
 * subscriber usually holds (counting single IPv6 addresses would let one client use 2^64 of them).
 */
export function clientKey(address: string): string {
  const plain = plainAddress(address).split("%")[0]!;
  if (isIP(plain) !== 6) return plain;
  const [head = "", tail] = plain.split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const groups = tail === undefined ? left : [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill("0"), ...right];
  return `${groups.slice(0, 4).map((g) => parseInt(g, 16).toString(16)).join(":")}::/64`;
}

/** A matcher for addresses in `entries` (addresses and CIDR ranges, checked with `isAddressOrRange`). */
export function addressMatcher(entries: readonly string[]): (address: string) => boolean {
  const list = new BlockList();
  for (const entry of entries) {
    const [address = "", prefix] = entry.split("/");
    const type = isIP(address) === 6 ? "ipv6" : "ipv4";
    if (prefix === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(prefix), type);
  }
  return (address) => {
    const plain = plainAddress(address);
    const family = isIP(plain);
    return family !== 0 && list.check(plain, family === 6 ? "ipv6" : "ipv4");
  };
}

export interface ConnectionCapOptions {
  /** Open connections of one address (IPv6: one /64); one more is closed at once. */
  maxPerAddress: number;
  /** Addresses and ranges not limited (a local reverse proxy, the test harness). */
  exempt: readonly string[];
  log: { info: (fields: Record<string, unknown>, msg: string) => void };
}

/**
 * Closes a new connection at once when its address already holds `maxPerAddress` open ones. A connection counts
 * until it closes or the server hands it to a WebSocket (`release`, which a gateway calls once it takes an upgrade:
 * sessions have limits of their own). Behind a reverse proxy every connection comes from the proxy: do not install it
 * there (CIM_TRUST_PROXY), the proxy limits its clients. It adds no 'upgrade' listener: one on route (which takes no
 * upgrades) made Node hand every request with `Upgrade` to it, and such a connection was held with no answer and no
 * timeout, and no longer counted (sec25: 1,500 from one address, past a cap of 1,000, route's files running out).
 */
export function capConnectionsPerAddress(server: Server, options: ConnectionCapOptions): { release: (socket: Socket) => void } {
  const isExempt = addressMatcher(options.exempt);
  const open = new Map<string, number>();
  const counted = new WeakMap<Socket, string>();
  const release = (socket: Socket) => {
    const key = counted.get(socket);
    if (key === undefined) return;
    counted.delete(socket);
    const left = (open.get(key) ?? 1) - 1;
    if (left > 0) open.set(key, left);
    else open.delete(key);
  };
  server.on("connection", (socket: Socket) => {
    const address = plainAddress(socket.remoteAddress ?? "");
    if (!address || isExempt(address)) return;
    const key = clientKey(address);
    const count = open.get(key) ?? 0;
    if (count >= options.maxPerAddress) {
      options.log.info({ remote: address, open: count }, "connection refused: this address holds too many open connections");
      socket.destroy();
      return;
    }
    open.set(key, count + 1);
    counted.set(socket, key);
    socket.once("close", () => release(socket));
  });
  return { release };
}
