// A start-up step that needs Redis waits for Redis to serve (connected, its data loaded) instead of failing.
import { isRedisUnavailable, type RedisClient } from "./redis.js";

/** Between tries of a step that failed because Redis did not serve (it went away again right after "ready"). */
export const STARTUP_RETRY_MS = 500;

/**
 * Runs `step` once `client` is ready, and again after each failure that `isRedisUnavailable` counts, as long as it
 * takes; any other failure is thrown. A Redis that is down, or still loading a large AOF (it answers LOADING, and
 * ioredis' ready check holds the client until it has loaded), would otherwise fail the step by the command timeout
 * and stop the process at its start. `waiting` is called once, the first time it has to wait, with why.
 */
export async function whenRedisServes<T>(client: RedisClient, step: () => Promise<T>, waiting: (why: string) => void): Promise<T> {
  let told = false;
  const tell = (why: string) => {
    if (!told) waiting(why);
    told = true;
  };
  for (;;) {
    if (client.status !== "ready") {
      tell(`Redis connection ${client.status}`);
      await nextReady(client);
    }
    try {
      return await step();
    } catch (error) {
      if (!isRedisUnavailable(error)) throw error;
      tell((error as Error).message);
      await new Promise((resolve) => setTimeout(resolve, STARTUP_RETRY_MS));
    }
  }
}

/**
 * Resolves at the client's next "ready". Its "error" events (each refused connection while Redis is down) do not end
 * the wait, as they end node:events' `once`, which stopped route and gateways at their start. `signal` ends the
 * wait with an AbortError.
 */
export function nextReady(client: RedisClient, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const ready = () => {
      signal?.removeEventListener("abort", aborted);
      resolve();
    };
    const aborted = () => {
      client.off("ready", ready);
      reject(new DOMException("the wait for Redis was aborted", "AbortError"));
    };
    if (signal?.aborted) return aborted();
    client.once("ready", ready);
    signal?.addEventListener("abort", aborted, { once: true });
  });
}
