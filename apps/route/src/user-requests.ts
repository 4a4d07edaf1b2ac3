// Requests of one user in progress at once on this route process, capped: a user firing many heavy reads in
// parallel (conversations, rooms, history, search: each up to thousands of stream entries) would stall Redis and
// route for everyone else. Requests beyond the cap wait for a place (a web app's burst of previews just queues);
// beyond the waiting room they are refused. An urgent request (ending logins: a user signing out a thief whose
// token fills the user's places) is never refused and goes first.

/**
 * How a request got its place: `now`, or `waited` (its login may have ended meanwhile: the caller checks it again),
 * or not at all, `refused` (the waiting room was full).
 */
export type Entry = "now" | "waited" | "refused";

export class UserRequests {
  private readonly inFlight = new Map<string, number>();
  private readonly waiting = new Map<string, Array<() => void>>();

  constructor(private readonly maxPerUser: number, private readonly maxWaitingPerUser: number) {}

  /**
   * Resolves once a request of `userId` may run (counted until `leave`), saying whether it had to wait; `refused`
   * at once when the waiting room is full (not counted). An `urgent` request waits at the head of the queue,
   * whatever its length.
   */
  async enter(userId: string, urgent = false): Promise<Entry> {
    const count = this.inFlight.get(userId) ?? 0;
    if (count < this.maxPerUser) {
      this.inFlight.set(userId, count + 1);
      return "now";
    }
    const queue = this.waiting.get(userId) ?? [];
    if (queue.length >= this.maxWaitingPerUser && !urgent) return "refused";
    this.waiting.set(userId, queue);
    await new Promise<void>((resolve) => (urgent ? queue.unshift(resolve) : queue.push(resolve)));
    return "waited";
  }

  /** One request of `userId` is done: its place goes to the next waiting one, if any. */
  leave(userId: string): void {
    const queue = this.waiting.get(userId);
    const next = queue?.shift();
    if (queue?.length === 0) this.waiting.delete(userId);
    if (next) return next(); // the place passes on: the count stays
    const left = (this.inFlight.get(userId) ?? 1) - 1;
    if (left > 0) this.inFlight.set(userId, left);
    else this.inFlight.delete(userId);
  }
}
