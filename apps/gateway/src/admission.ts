// Admission of new sockets per client address: an upgrade rate (token bucket), a cap on the sockets that have not
// logged in yet and one on all its sockets here, so one client cannot hold or churn thousands of sockets.
import type { IncomingMessage } from "node:http";
import { addressMatcher, clientKey, plainAddress } from "@cim/config";
import { KeyedRateLimiter } from "./rate-limiter.js";

export interface AdmissionLimits {
  /** Sockets of one address not logged in yet; an upgrade beyond is refused. */
  maxPendingPerClient: number;
  /**
   * Sockets of one address on this gateway, logged in or not; an upgrade beyond is refused. Logins are capped per user
   * only, and an address registers 50 users an hour, 10 sockets each: without it, 500 more sockets an hour.
   */
  maxSocketsPerClient: number;
  /** Upgrades of one address per second, sustained, and at once. */
  connectRatePerSec: number;
  connectBurst: number;
  /** Addresses and CIDR ranges (`127.0.0.0/8`, `::1`) that the per-address limits skip. */
  exempt: readonly string[];
}

export type Refusal = "pending" | "sockets" | "rate";

/** The client's address: the TCP peer, or behind a trusted proxy the last X-Forwarded-For entry (the one it added). */
export function clientAddress(req: IncomingMessage, trustProxy: boolean): string {
  const forwarded = trustProxy ? String(req.headers["x-forwarded-for"] ?? "").split(",").map((s) => s.trim()).filter(Boolean).at(-1) : undefined;
  const address = forwarded ?? req.socket.remoteAddress ?? "unknown";
  return plainAddress(address);
}

export class Admission {
  private readonly rates: KeyedRateLimiter;
  private readonly pendingByKey = new Map<string, number>();
  /** The key each counted socket is pending under, until it logs in or closes. */
  private readonly pendingSockets = new Map<object, string>();
  private readonly openByKey = new Map<string, number>();
  /** The key each counted socket is open under, until it closes. */
  private readonly openSockets = new Map<object, string>();
  private readonly isExempt: (address: string) => boolean;

  constructor(private readonly limits: AdmissionLimits, now: () => number = Date.now) {
    this.isExempt = addressMatcher(limits.exempt);
    this.rates = new KeyedRateLimiter(limits.connectRatePerSec, limits.connectBurst, now);
  }

  /** Checks an upgrade from `address`, counting it against the address's rate; why it must be refused, or null. */
  check(address: string): Refusal | null {
    if (this.isExempt(address)) return null;
    const key = clientKey(address);
    if ((this.pendingByKey.get(key) ?? 0) >= this.limits.maxPendingPerClient) return "pending";
    if ((this.openByKey.get(key) ?? 0) >= this.limits.maxSocketsPerClient) return "sockets";
    return this.rates.take(key) ? null : "rate";
  }

  /** Counts `socket` as open and not logged in yet, under its address. */
  opened(socket: object, address: string): void {
    if (this.isExempt(address)) return;
    const key = clientKey(address);
    count(this.pendingSockets, this.pendingByKey, socket, key);
    count(this.openSockets, this.openByKey, socket, key);
  }

  /** `socket` logged in or closed: it no longer counts as pending. Safe to call more than once. */
  settled(socket: object): void {
    uncount(this.pendingSockets, this.pendingByKey, socket);
  }

  /** `socket` closed: it no longer counts at all. Safe to call more than once. */
  closed(socket: object): void {
    this.settled(socket);
    uncount(this.openSockets, this.openByKey, socket);
  }

  /** Sockets of `address` open here, logged in or not. */
  openOf(address: string): number {
    return this.openByKey.get(clientKey(address)) ?? 0;
  }

  /** Sockets of `address` not logged in yet. */
  pendingOf(address: string): number {
    return this.pendingByKey.get(clientKey(address)) ?? 0;
  }

  /** Forgets the rate of addresses whose bucket is full again (idle long enough): memory stays bounded. */
  sweep(): void {
    this.rates.sweep();
  }
}

function count(sockets: Map<object, string>, byKey: Map<string, number>, socket: object, key: string): void {
  sockets.set(socket, key);
  byKey.set(key, (byKey.get(key) ?? 0) + 1);
}

function uncount(sockets: Map<object, string>, byKey: Map<string, number>, socket: object): void {
  const key = sockets.get(socket);
  if (key === undefined) return;
  sockets.delete(socket);
  const left = (byKey.get(key) ?? 1) - 1;
  if (left > 0) byKey.set(key, left);
  else byKey.delete(key);
}
