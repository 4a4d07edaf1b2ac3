// Own sends waiting for their SendAck: when one waits longer than `delayAfterMs` while connected, messages are
// "delayed" (the badge says so), with the gateway's reason when it gave one (an `unavailable` Error: Redis down).

/** How often waiting sends are looked at while some wait. */
const CHECK_EVERY_MS = 500;

export class DeliveryWatch {
  /** A send has waited longer than `delayAfterMs`. */
  delayed = $state(false);
  /** Why, in words: the gateway's error, or that it has not confirmed yet. */
  reason = $state("");
  private readonly waiting = new Map<string, number>();
  private serverReason = "";
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly delayAfterMs: number) {}

  /** Send `clientMsgId` went to the client now. */
  started(clientMsgId: string): void {
    this.waiting.set(clientMsgId, Date.now());
    this.timer ??= setInterval(() => this.check(), CHECK_EVERY_MS);
  }

  /** Its SendAck came, or it failed for good. */
  settled(clientMsgId: string): void {
    this.waiting.delete(clientMsgId);
    this.check();
  }

  /** The gateway could not store a send for now: `message` is its reason. */
  retrying(message: string): void {
    this.serverReason = message;
    this.check();
  }

  reset(): void {
    this.waiting.clear();
    this.check();
  }

  private check(): void {
    const oldest = Math.min(...this.waiting.values());
    this.delayed = this.waiting.size > 0 && Date.now() - oldest >= this.delayAfterMs;
    if (!this.waiting.size) {
      this.serverReason = "";
      if (this.timer) clearInterval(this.timer);
      this.timer = null;
    }
    const count = this.waiting.size === 1 ? "1 message waits" : `${this.waiting.size} messages wait`;
    this.reason = !this.delayed ? "" : this.serverReason ? `${count}: the server cannot store messages right now (${this.serverReason}); they are sent again until it can` : `${count}: the server has not confirmed ${this.waiting.size === 1 ? "it" : "them"} yet`;
  }
}
