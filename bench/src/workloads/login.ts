// Login rate through route: register users once, then log in over and over with a few concurrent callers.
import { performance } from "node:perf_hooks";
import { latencySummary } from "../load/stats.js";

export interface LoginOptions {
  users: number;
  concurrency: number;
  durationS: number;
}

export interface LoginResult {
  logins: number;
  failed: number;
  loginsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  firstError?: string;
}

const PASSWORD = "bench-password-1";

async function post(url: string, body: unknown): Promise<Response> {
  return fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
}

export async function loginWorkload(routeUrl: string, options: LoginOptions): Promise<LoginResult> {
  const names = Array.from({ length: options.users }, (_, i) => `bench-${Date.now().toString(36)}-${i}`);
  for (const userName of names) {
    const res = await post(`${routeUrl}/api/register`, { userName, password: PASSWORD });
    if (res.status !== 201) throw new Error(`register ${userName}: ${res.status} ${await res.text()}`);
  }
  const latencies: number[] = [];
  let failed = 0;
  let firstError: string | undefined;
  const start = performance.now();
  const end = start + options.durationS * 1000;
  let next = 0;
  const worker = async () => {
    while (performance.now() < end) {
      const userName = names[next++ % names.length]!;
      const t = performance.now();
      const res = await post(`${routeUrl}/api/login`, { userName, password: PASSWORD });
      const body = await res.text();
      if (res.status === 200) latencies.push(performance.now() - t);
      else {
        failed++;
        firstError ??= `${res.status} ${body}`;
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  const elapsed = performance.now() - start;
  const { p50, p99 } = latencySummary(latencies);
  return { logins: latencies.length, failed, loginsPerSec: (latencies.length / elapsed) * 1000, p50Ms: p50, p99Ms: p99, firstError };
}
