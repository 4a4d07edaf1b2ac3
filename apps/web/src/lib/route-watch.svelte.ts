// Whether route answers: every route call of the client goes through `fetch` here. While route is unreachable (down,
// restarting, frozen, a proxy's 502/504) the session on the gateway keeps chatting, but history, lists and search fail; the
// badge says so, route is asked again every `retryMs` (through `probe`), and once it answers `back` runs (catch-up).
import { upstreamDown } from "../sw/shell-rules.js";

export class RouteWatch {
  /** The last route call failed to reach route. */
  unreachable = $state(false);
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly options: { back: () => void; probe: () => Promise<unknown>; retryMs: number; slowMs: number }) {}

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
    this.timer = setInterval(() => void this.options.probe().catch(() => undefined), this.options.retryMs);
  }

  private answered(): void {
    if (!this.unreachable) return;
    this.unreachable = false;
    this.stopTimer();
    this.options.back();
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
