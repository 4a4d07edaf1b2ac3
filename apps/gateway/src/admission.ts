// Admission of new sockets per client address: an upgrade rate (token bucket) and a cap on the sockets that
// have not logged in yet, so one client cannot hold or churn thousands of unauthenticated sockets.
import type { IncomingMessage } from "node:http";
import { addressMatcher, clientKey, plainAddress } from "@cim/config";
import { KeyedRateLimiter } from "./rate-limiter.js";

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
    return this.rates.take(key) ? null : "rate";
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
    this.rates.sweep();
  }
}
