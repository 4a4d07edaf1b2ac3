// Notices a connection to Redis that stopped answering without closing (a half-dead TCP link, a stalled proxy or
// network path): ioredis waits on it forever, since TCP keep-alive only probes an idle socket and commandTimeout
// fails one command without reconnecting. Every interval it sends a PING (allowed in subscriber mode too); one
// unanswered for `timeoutMs` drops the connection and reconnects, which re-subscribes and says "ready".
import type { Redis } from "ioredis";

export interface LinkWatchOptions {
  intervalMs: number;
  timeoutMs: number;
}

/** Watches `client` until it ends (quit or disconnect without reconnecting). */
export function watchLink(client: Redis, { intervalMs, timeoutMs }: LinkWatchOptions): void {
  let waiting = false;
  const check = () => {
    if (waiting || client.status !== "ready") return;
    waiting = true;
    let answered = false;
    // The verdict waits for the I/O phase after the deadline: when this process's event loop stalled past it (a
    // storm of logins, a long GC), a timer runs before the socket is read, and the PONG that came meanwhile would
    // be missed: a healthy link dropped, with every command in flight.
    const timer = setTimeout(() => setImmediate(() => {
      if (answered) return;
      // One error event (the apps log it once), then the reconnect (the apps log "reconnecting" and "ready").
      client.emit("error", new Error(`Redis link: no answer to PING within ${timeoutMs} ms, reconnecting`));
      client.disconnect(true);
    }), timeoutMs);
    timer.unref();
    // Only an answer counts: a PING failed by its command timeout meanwhile (the same 10 s) says the link is silent.
    client.ping().then(() => void (answered = true), () => undefined).finally(() => {
      clearTimeout(timer);
      waiting = false;
    });
  };
  const interval = setInterval(check, intervalMs);
  interval.unref();
  client.once("end", () => clearInterval(interval));
}
