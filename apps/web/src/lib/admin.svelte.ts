// AdminStore: polls route's admin statistics with the token the admin typed in, and keeps the online history.
import { CimApiError, RouteApi, type AdminStats } from "@cim/client";
import { config } from "./config.js";
import { describeError } from "./errors.js";
import { loadAdminToken, saveAdminToken } from "./session.js";

/** A wrong token says which one is wanted and where a newcomer finds it (npm start prints it). */
const WRONG_TOKEN = "That admin token is not valid: enter route's CIM_ADMIN_TOKEN (npm start prints it, and keeps it in .run/stack.json).";

export interface OnlineSample {
  at: number;
  online: number;
}

export class AdminStore {
  token = $state(loadAdminToken());
  stats = $state<AdminStats | null>(null);
  samples = $state<OnlineSample[]>([]);
  error = $state("");
  busy = $state(false);

  private readonly api = new RouteApi(config.routeUrl);
  private timer: ReturnType<typeof setTimeout> | null = null;
  private running = false;

  /** Starts polling with the stored token, if there is one. */
  start(): void {
    if (this.token) this.poll();
  }

  /** Checks a typed token with one request; keeps it in sessionStorage only when route accepts it. */
  async signIn(token: string): Promise<void> {
    this.busy = true;
    this.error = "";
    try {
      const stats = await this.api.adminStats(token.trim());
      this.token = token.trim();
      saveAdminToken(this.token);
      this.record(stats);
      this.poll();
    } catch (error) {
      this.error = error instanceof CimApiError && error.status === 401 ? WRONG_TOKEN : describeError(error);
    } finally {
      this.busy = false;
    }
  }

  signOut(): void {
    this.stop();
    this.token = "";
    this.stats = null;
    this.samples = [];
    saveAdminToken("");
  }

  stop(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private poll(): void {
    if (this.running) return;
    this.running = true;
    const tick = async () => {
      if (!this.running) return;
      try {
        this.record(await this.api.adminStats(this.token));
        this.error = "";
      } catch (error) {
        if (error instanceof CimApiError && error.status === 401) {
          this.signOut();
          this.error = "The admin token was refused. Enter it again.";
          return;
        }
        this.error = describeError(error);
      }
      if (this.running) this.timer = setTimeout(() => void tick(), config.adminPollMs);
    };
    void tick();
  }

  private record(stats: AdminStats): void {
    this.stats = stats;
    this.samples = [...this.samples, { at: stats.at || Date.now(), online: stats.online }].slice(-config.adminChartSamples);
  }
}
