// Admission of new sockets per client address: an upgrade rate (token bucket) and a cap on the sockets that
// have not logged in yet, so one client cannot hold or churn thousands of unauthenticated sockets.
import type { IncomingMessage } from "node:http";
import { BlockList, isIP } from "node:net";
import { RateLimiter } from "./rate-limiter.js";

export interface AdmissionLimits {
  /** Sockets of one address not logged in yet; an upgrade beyond is refused. */
  maxPendingPerClient: number;
  /** Upgrades of one address per second, sustained, and at once. */
  connectRatePerSec: number;
  connectBurst: number;
  /** Addresses and CIDR ranges (`127.0.0.0/8`, `::1`) that the per-address limits skip. */
  exempt: readonly string[];
}

export type Refusal = "pending" | "rate";

const MAPPED_IPV4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i;

/** The client's address: the TCP peer, or behind a trusted proxy the last X-Forwarded-For entry (the one it added). */
export function clientAddress(req: IncomingMessage, trustProxy: boolean): string {
  const forwarded = trustProxy ? String(req.headers["x-forwarded-for"] ?? "").split(",").map((s) => s.trim()).filter(Boolean).at(-1) : undefined;
  const address = forwarded ?? req.socket.remoteAddress ?? "unknown";
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
 * The key the limits count under: an IPv4 address as is; an IPv6 address by its /64, the block one
 * subscriber usually holds (counting single IPv6 addresses would let one client use 2^64 of them).
 */
export function clientKey(address: string): string {
  const plain = address.replace(MAPPED_IPV4, "$1").split("%")[0]!;
  if (isIP(plain) !== 6) return plain;
  const [head = "", tail] = plain.split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const groups = tail === undefined ? left : [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill("0"), ...right];
  return `${groups.slice(0, 4).map((g) => parseInt(g, 16).toString(16)).join(":")}::/64`;
}

function blockListOf(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const [address = "", prefix] = entry.split("/");
    const type = isIP(address) === 6 ? "ipv6" : "ipv4";
    if (prefix === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(prefix), type);
  }
  return list;
}

export class Admission {
  private readonly buckets = new Map<string, RateLimiter>();
  private readonly pendingByKey = new Map<string, number>();
  /** The key each counted socket is pending under, until it logs in or closes. */
  private readonly pendingSockets = new Map<object, string>();
  private readonly exempt: BlockList;

  constructor(private readonly limits: AdmissionLimits, private readonly now: () => number = Date.now) {
    this.exempt = blockListOf(limits.exempt);
  }

  /** Checks an upgrade from `address`, counting it against the address's rate; why it must be refused, or null. */
  check(address: string): Refusal | null {
    if (this.isExempt(address)) return null;
    const key = clientKey(address);
    if ((this.pendingByKey.get(key) ?? 0) >= this.limits.maxPendingPerClient) return "pending";
    let bucket = this.buckets.get(key);
    if (!bucket) this.buckets.set(key, (bucket = new RateLimiter(this.limits.connectRatePerSec, this.limits.connectBurst, this.now)));
    return bucket.take() ? null : "rate";
  }

  /** Counts `socket` as not logged in yet, under its address. */
  opened(socket: object, address: string): void {
    if (this.isExempt(address)) return;
    const key = clientKey(address);
    this.pendingSockets.set(socket, key);
    this.pendingByKey.set(key, (this.pendingByKey.get(key) ?? 0) + 1);
  }

  /** `socket` logged in or closed: it no longer counts. Safe to call more than once. */
  settled(socket: object): void {
    const key = this.pendingSockets.get(socket);
    if (key === undefined) return;
    this.pendingSockets.delete(socket);
    const left = (this.pendingByKey.get(key) ?? 1) - 1;
    if (left > 0) this.pendingByKey.set(key, left);
    else this.pendingByKey.delete(key);
  }

  /** Sockets of `address` not logged in yet. */
  pendingOf(address: string): number {
    return this.pendingByKey.get(clientKey(address)) ?? 0;
  }

  /** Forgets the rate of addresses whose bucket is full again (idle long enough): memory stays bounded. */
  sweep(): void {
    for (const [key, bucket] of this.buckets) if (bucket.full()) this.buckets.delete(key);
  }

  private isExempt(address: string): boolean {
    const plain = address.replace(MAPPED_IPV4, "$1");
    const family = isIP(plain);
    return family !== 0 && this.exempt.check(plain, family === 6 ? "ipv6" : "ipv4");
  }
}
