// A second sign of life of each gateway that does not need ZooKeeper: a lease in Redis the gateway renews. When
// ZooKeeper cannot tell (no quorum), route releases the users of a gateway whose lease lapsed, and the gateway, back,
// claims them again. The release marker and the lease are written before the other is read on each side, so a
// gateway that comes back while route decides is either seen by route (no release) or sees the marker (claims again).
import type { ClientContext, Result } from "ioredis";
import { keys } from "./keys.js";
import type { RedisClient } from "./redis.js";

/** How long a release marker is kept for a gateway that never comes back (then it is one that was removed). */
const MARKER_TTL_MS = 10 * 60_000;

/** Deletes KEYS[1] only while it holds ARGV[1]. */
const DELETE_IF = `if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) end return 0`;

declare module "ioredis" {
  interface RedisCommander<Context extends ClientContext = { type: "default" }> {
    /** KEYS[1] a key; ARGV[1] the value it must hold to be deleted. Returns 1 when deleted. */
    cimDeleteIf(key: string, value: string): Result<number, Context>;
  }
}

export type ReleaseMark = "releasing" | "released" | null;

/** A lease as its gateway wrote it: the incarnation holding it and the lease it declared (none in older values). */
export interface GatewayLease {
  instance: string;
  /** How long the gateway lets its lease run between renewals; undefined for a value written before it was declared. */
  leaseMs?: number;
}

/** The lease's value: `<instance> <leaseMs>` (a bare instance before 2026-11-29, still read). */
export function leaseValue(instance: string, leaseMs: number): string {
  return `${instance} ${leaseMs}`;
}

/** Reads a lease's value; a bare instance (no declared lease) stays readable. */
export function parseLease(value: string): GatewayLease {
  const space = value.lastIndexOf(" ");
  const leaseMs = space < 0 ? NaN : Number(value.slice(space + 1));
  if (!Number.isSafeInteger(leaseMs) || leaseMs <= 0) return { instance: value };
  return { instance: value.slice(0, space), leaseMs };
}

export class GatewayLeases {
  constructor(private readonly redis: RedisClient) {
    redis.defineCommand("cimDeleteIf", { numberOfKeys: 1, lua: DELETE_IF });
  }

  /**
   * The gateway renews its lease for `ttlMs` (declared in the value: routes judge it by that, not by their own
   * setting), then reads whether a route released it meanwhile.
   */
  async renew(gatewayId: string, instance: string, ttlMs: number): Promise<ReleaseMark> {
    await this.redis.set(keys.gatewayLease(gatewayId), leaseValue(instance, ttlMs), "PX", ttlMs);
    return (await this.redis.get(keys.gatewayReleased(gatewayId))) as ReleaseMark;
  }

  /** The gateway has claimed its sessions again after a release: the marker goes (unless a new release began). */
  async claimedAgain(gatewayId: string): Promise<void> {
    await this.redis.cimDeleteIf(keys.gatewayReleased(gatewayId), "released");
  }

  /** The gateway's current lease, or null when it lapsed (or was never taken). */
  async lease(gatewayId: string): Promise<GatewayLease | null> {
    const value = await this.redis.get(keys.gatewayLease(gatewayId));
    return value === null ? null : parseLease(value);
  }

  /** Whether the gateway's lease is current. */
  async alive(gatewayId: string): Promise<boolean> {
    return (await this.redis.exists(keys.gatewayLease(gatewayId))) === 1;
  }

  /**
   * Route: marks the gateway as being released, then reads its lease. True when the release may go on (the lease is
   * still lapsed); false when another route is releasing it or it renewed meanwhile (the mark is taken back).
   */
  async beginRelease(gatewayId: string): Promise<boolean> {
    const marked = (await this.redis.set(keys.gatewayReleased(gatewayId), "releasing", "PX", MARKER_TTL_MS, "NX")) === "OK";
    if (!marked) return false;
    if (await this.alive(gatewayId)) {
      await this.redis.cimDeleteIf(keys.gatewayReleased(gatewayId), "releasing");
      return false;
    }
    return true;
  }

  /** Route: the release is done; the gateway, if it comes back, claims its sessions again. */
  async endRelease(gatewayId: string): Promise<void> {
    await this.redis.set(keys.gatewayReleased(gatewayId), "released", "PX", MARKER_TTL_MS, "XX");
  }
}
