// Whether route answers: every route call of the client goes through `fetch` here. While route is unreachable (down,
// restarting, frozen, a proxy's 502/504) the session on the gateway keeps chatting, but history, lists and search fail; the
// badge says so, route is asked again (through `probe`) after pauses growing from `timing.baseMs` to `timing.maxMs` (none
// while the device has no network) and at once when it does or the tab is looked at, and once it answers `back` runs (catch-up).
import { upstreamDown } from "../sw/shell-rules.js";
import { onNetworkChance, retryDelay, type RetryTiming } from "./network-wait.js";

export class RouteWatch {
  /** The last route call failed to reach route. */
  unreachable = $state(false);
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopListening: (() => void) | null = null;
  private probes = 0;

  constructor(private readonly options: { back: () => void; probe: () => Promise<unknown>; timing: RetryTiming; slowMs: number }) {}

  /**
   * The fetch the client calls route with. A call unanswered after `slowMs` (route hung or frozen) counts as
   * unreachable too; it is not cut off, and its answer, when it comes, says route is back.
   */
  readonly fetch: typeof fetch = async (input, init) => {
    let response: Response;
    const slow = setTimeout(() => this.failed(), this.options.slowMs);
    try {
      response = await globalThis.fetch(input, init);
    } catch (error) {
      this.failed();
      throw error;
    } finally {
      clearTimeout(slow);
    }
    if (upstreamDown(response.status)) this.failed();
    else this.answered();
    return response;
  };

  /** Signed out: forget the state and stop asking. */
  reset(): void {
    this.unreachable = false;
    this.stopTimer();
  }

  private failed(): void {
    if (this.unreachable) return;
    this.unreachable = true;
    console.warn("route is unreachable: history, lists and search wait until it is back");
    this.probes = 0;
    this.stopListening = onNetworkChance(() => this.probeSoon(0));
    this.probeSoon(retryDelay(this.probes++, this.options.timing));
  }

  /** The next probe after `ms` (replacing one planned); each failed one plans the next, a longer pause. */
  private probeSoon(ms: number): void {
    if (!this.unreachable) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.options.probe().catch(() => undefined).finally(() => {
        if (this.unreachable && !this.timer) this.probeSoon(retryDelay(this.probes++, this.options.timing));
      });
    }, ms);
  }

  private answered(): void {
    if (!this.unreachable) return;
    this.unreachable = false;
    this.stopTimer();
    this.options.back();
  }

  private stopTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.stopListening?.();
    this.stopListening = null;
  }
}
