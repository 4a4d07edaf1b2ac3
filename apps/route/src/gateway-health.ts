// Which live gateways answer: ZooKeeper keeps a killed gateway's node until its session expires, so route
// probes each gateway's /healthz and stops handing out one that fails while others answer.
import type { Logger } from "pino";
import type { GatewayInfo } from "@cim/discovery";
import type { GatewaySightings } from "@cim/state";
import type { GatewayList } from "./context.js";

export const HEALTH_PROBE_INTERVAL_MS = 3_000;
export const HEALTH_PROBE_TIMEOUT_MS = 1_000;
/**
 * Reports about one gateway probe it at most once per this interval: a client's loop of `POST /api/reconnect` with
 * `avoid` would otherwise have route probe that gateway back to back (reports share a probe only while it runs).
 */
export const REPORT_PROBE_INTERVAL_MS = 1_000;
/** A gateway gone from ZooKeeper is reported missing this long (then it counts as removed on purpose). */
export const MISSING_FOR_MS = 10 * 60_000;

/**
 * true: the gateway answered; false: it refused (nothing listens: killed); "silent": no answer within the timeout,
 * which a hung gateway gives, but also a busy one (2,000 logins at once) or a late route (its own event loop stalled).
 */
export type Probe = (gateway: GatewayInfo) => Promise<boolean | "silent">;

/**
 * GET <gateway>/healthz, derived from its advertised WebSocket URL; true when the gateway answers at all. A
 * degraded gateway (503 while its ZooKeeper or Redis reconnects) still serves its sessions: only one that does
 * not answer (killed, hung, unreachable) is left out.
 */
export const httpProbe: Probe = async (gateway) => {
  const url = new URL(gateway.wsUrl);
  url.protocol = url.protocol === "wss:" ? "https:" : "http:";
  url.pathname = "/healthz";
  url.search = "";
  const signal = AbortSignal.timeout(HEALTH_PROBE_TIMEOUT_MS);
  const res = await fetch(url, { signal }).catch(() => null);
  await res?.body?.cancel().catch(() => undefined);
  return res !== null || (signal.aborted ? "silent" : false);
};

/**
 * The directory's gateways less those whose last probe failed. When every probe fails (route cannot reach the
 * gateways' advertised URLs, as behind NAT) nothing is left out: the probes say nothing then.
 */
export class GatewayHealth implements GatewayList {
  /** Gateway id -> the incarnation that failed: a restarted gateway (new node) is given a fresh chance. */
  private readonly down = new Map<string, string>();
  /** Gateway id -> the incarnation whose last probe went unanswered (once: not yet down). */
  private readonly silent = new Map<string, string>();
  private readonly inFlight = new Map<string, Promise<void>>();
  /** Gateway id -> when a report last started a probe of it. */
  private readonly reportProbedAt = new Map<string, number>();
  /** Gateway id -> when route last saw it in ZooKeeper, by Redis' clock (with `sightings`). */
  private readonly lastSeen = new Map<string, number>();
  /**
   * Redis' clock less this process's (ms), learnt from each read or write of the sightings: every time noted and
   * compared is on Redis' clock, so routes whose clocks disagree agree on which gateways are missing (a route's
   * clock minutes behind had its sightings count as stale at the others, and a gone gateway left the list early).
   */
  private clockOffsetMs = 0;
  private timer: NodeJS.Timeout | undefined;

  /**
   * `sightings` keeps when each gateway was last seen in Redis: a route started again (killed, restarted, a new
   * replica) still reports the gateways that left before it started, or while it was down. The `now` arguments
   * below are this process's clock.
   */
  constructor(
    private readonly directory: GatewayList, private readonly probe: Probe, private readonly log: Logger, private readonly intervalMs = HEALTH_PROBE_INTERVAL_MS,
    private readonly sightings?: Pick<GatewaySightings, "seen" | "all" | "forget">, private readonly reportIntervalMs = REPORT_PROBE_INTERVAL_MS,
  ) {}

  /** Reads the sightings kept in Redis (a failure is logged: only the gateways seen from now on are reported), then probes every interval. */
  async start(now = Date.now()): Promise<void> {
    await this.loadSightings(now).catch((error: unknown) => this.log.warn({ err: error }, "could not read when gateways were last seen: missing ones left before this start are not reported"));
    this.timer = setInterval(() => void this.probeAll(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  list(): readonly GatewayInfo[] {
    const all = this.directory.list();
    const up = all.filter((g) => !this.isDown(g));
    return up.length > 0 ? up : all;
  }

  /** Every gateway in ZooKeeper, reachable or not. */
  all(): readonly GatewayInfo[] {
    return this.directory.list();
  }

  has(gatewayId: string): boolean {
    return this.directory.has(gatewayId);
  }

  /**
   * Gateways seen in ZooKeeper within MISSING_FOR_MS that are not there now: crashed and not back (or stopped on
   * purpose, which looks the same from here). Shown by /healthz and the admin dashboard.
   */
  missing(localNow = Date.now()): string[] {
    const now = localNow + this.clockOffsetMs;
    this.noteLive(now);
    const missing: string[] = [];
    for (const [id, at] of this.lastSeen) {
      if (now - at > MISSING_FOR_MS) this.lastSeen.delete(id);
      else if (!this.directory.has(id)) missing.push(id);
    }
    return missing.sort();
  }

  /** Gateways in ZooKeeper whose last probe failed. */
  unreachable(): string[] {
    return this.directory.list().filter((g) => this.isDown(g)).map((g) => g.id);
  }

  /**
   * A client could not reach `gatewayId`: probe it now (a report alone never marks a gateway down). A gateway
   * known down is not probed again (the periodic probe takes it back), and reports arriving together share one
   * probe, so a reconnect storm away from a dead gateway costs one probe, not one per client. Reports start a probe
   * of one gateway at most once per `reportIntervalMs`: those in between keep the last verdict (the periodic probe
   * goes on), so a loop of reconnects naming a gateway cannot have route probe it back to back.
   */
  report(gatewayId: string, now = Date.now()): Promise<void> {
    const gateway = this.directory.list().find((g) => g.id === gatewayId);
    if (!gateway || this.isDown(gateway)) return Promise.resolve();
    const running = this.inFlight.get(gateway.id);
    if (running) return running;
    const last = this.reportProbedAt.get(gateway.id);
    if (last !== undefined && now - last < this.reportIntervalMs && now >= last) return Promise.resolve();
    this.reportProbedAt.set(gateway.id, now);
    return this.check(gateway);
  }

  /** Probes every gateway once, and notes in Redis that they are there. */
  async probeAll(): Promise<void> {
    const localNow = Date.now();
    this.noteLive(localNow + this.clockOffsetMs);
    void this.sightings?.seen(this.directory.list().map((g) => g.id))
      .then((redisNow) => void (this.clockOffsetMs = redisNow - localNow))
      .catch((error: unknown) => this.log.debug({ err: error }, "noting the live gateways failed"));
    await Promise.all(this.directory.list().map((g) => this.check(g)));
    for (const id of this.down.keys()) if (!this.directory.has(id)) this.down.delete(id);
    for (const id of this.silent.keys()) if (!this.directory.has(id)) this.silent.delete(id);
    for (const id of this.reportProbedAt.keys()) if (!this.directory.has(id)) this.reportProbedAt.delete(id);
  }

  private async loadSightings(localNow: number): Promise<void> {
    if (!this.sightings) return;
    const stale: string[] = [];
    const { now, seen } = await this.sightings.all();
    this.clockOffsetMs = now - localNow;
    for (const [id, at] of seen) {
      if (now - at > MISSING_FOR_MS) stale.push(id);
      else if (at > (this.lastSeen.get(id) ?? 0)) this.lastSeen.set(id, at);
    }
    await this.sightings.forget(stale);
    this.noteLive(now);
    await this.sightings.seen(this.directory.list().map((g) => g.id));
  }

  private noteLive(now: number): void {
    for (const gateway of this.directory.list()) this.lastSeen.set(gateway.id, now);
  }

  private isDown(gateway: GatewayInfo): boolean {
    return this.down.get(gateway.id) === incarnation(gateway);
  }

  private check(gateway: GatewayInfo): Promise<void> {
    const running = this.inFlight.get(gateway.id);
    if (running) return running;
    const done = this.probe(gateway)
      .catch(() => false as const)
      .then((answer) => {
        // One unanswered probe is no verdict: a busy gateway or a late route gives it too. Two in a row are.
        const wasSilent = this.silent.get(gateway.id) === incarnation(gateway);
        if (answer === "silent") this.silent.set(gateway.id, incarnation(gateway));
        else this.silent.delete(gateway.id);
        if (answer === "silent" && !wasSilent) return;
        const ok = answer === true;
        if (ok && this.down.delete(gateway.id)) this.log.info({ gatewayId: gateway.id }, "gateway answers its health check again");
        if (!ok && !this.isDown(gateway)) {
          this.down.set(gateway.id, incarnation(gateway));
          this.log.warn({ gatewayId: gateway.id, wsUrl: gateway.wsUrl }, "gateway fails its health check: not handed out");
        }
      })
      .finally(() => this.inFlight.delete(gateway.id));
    this.inFlight.set(gateway.id, done);
    return done;
  }
}

function incarnation(gateway: GatewayInfo): string {
  return `${gateway.instance ?? ""}@${gateway.startedAt}`;
}
