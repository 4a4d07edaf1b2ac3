// One call to route, given up after a time: route's answer (any status, its body read), or `unreachable` when none
// came in time (a frozen route, or its host gone without a reset) or route could not be reached. A hedged call is also
// asked again on a fresh request after an attempt's time without an answer (the earlier request stays open, so a
// route that is only slow still answers; a replica behind a balancer may answer the new one).
import { CimApiError } from "./route-api.js";

export interface RouteAnswer {
  response: Response;
  text: string;
}

export interface RouteRequest {
  fetchImpl: typeof fetch;
  url: string;
  init: RequestInit;
  /** The whole call, every attempt and the answer's body included. */
  timeoutMs: number;
  /** Another attempt starts after each this long without an answer, up to maxAttempts; undefined: one attempt. */
  attemptMs?: number;
  maxAttempts?: number;
  /** Told when attempt `attempt` (2 and on) starts, `waitedMs` after the first. */
  onRetry?: (attempt: number, waitedMs: number) => void;
}

/** The first answer of the call's attempts; the others are aborted. Rejects with CimApiError `unreachable`. */
export function requestRoute(request: RouteRequest): Promise<RouteAnswer> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const attempts: AbortController[] = [];
    let next: ReturnType<typeof setTimeout> | undefined;
    let settled = false;
    const finish = (settle: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      clearTimeout(next);
      for (const attempt of attempts) attempt.abort();
      settle();
    };
    const deadline = setTimeout(() => finish(() => reject(new CimApiError(0, "unreachable", `route did not answer within ${Math.round(request.timeoutMs / 1000)} s`))), request.timeoutMs);
    const attempt = (n: number) => {
      const abort = new AbortController();
      attempts.push(abort);
      if (n > 1) request.onRetry?.(n, Date.now() - started);
      // A refusal (nothing listens) or a broken answer ends the call at once: asking again is the caller's backoff.
      requestOnce(request.fetchImpl, request.url, { ...request.init, signal: abort.signal }).then((answer) => finish(() => resolve(answer)), (error: unknown) => finish(() => reject(error)));
      if (request.attemptMs !== undefined && n < (request.maxAttempts ?? Infinity)) next = setTimeout(() => attempt(n + 1), request.attemptMs);
    };
    attempt(1);
  });
}

async function requestOnce(fetchImpl: typeof fetch, url: string, init: RequestInit): Promise<RouteAnswer> {
  let response: Response;
  try {
    response = await fetchImpl(url, init);
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new CimApiError(0, "unreachable", `route is unreachable: ${(error as Error).message}${cause ? ` (${cause.code ?? cause.message})` : ""}`);
  }
  if (response.status === 204) return { response, text: "" };
  const text = await response.text().catch((error: unknown) => {
    throw new CimApiError(0, "unreachable", `route's answer broke off: ${(error as Error).message}`);
  });
  return { response, text };
}
