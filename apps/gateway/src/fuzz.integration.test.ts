// Fuzzing the running system: thousands of random and mutated frames and HTTP requests. Every one is
// answered by a frame, an Error or a close code (gateway) or a 2xx/4xx JSON answer (route); nothing crashes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { RouteApi } from "@cim/client";
import { decodeFrame, encodeFrame } from "@cim/protocol";
import { startCluster, type Cluster } from "@cim/devstack";

let cluster: Cluster;
let api: RouteApi;
let token: string;
let wsUrl: string;

const CONTRACT_CLOSES = new Set([4400, 4401, 4408, 4429, 1009]);

function seeded(seed: number) {
  return () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
}
const random = seeded(11);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

function mutate(bytes: Uint8Array): Uint8Array {
  const out = Array.from(bytes);
  for (let m = 1 + Math.floor(random() * 3); m > 0; m--) {
    const at = Math.floor(random() * (out.length + 1));
    const op = random();
    if (op < 0.5 && out.length) out[at % out.length] = Math.floor(random() * 256);
    else if (op < 0.8) out.splice(at, 0, Math.floor(random() * 256));
    else out.length = at;
  }
  return Uint8Array.from(out);
}

beforeAll(async () => {
  cluster = await startCluster({ gateways: 1, gatewayEnv: { CIM_RATE_PER_SEC: "100000", CIM_RATE_BURST: "100000", CIM_LOGIN_TIMEOUT_MS: "2000" } });
  api = new RouteApi(cluster.route.url);
  await api.register("fuzzer", "cim-test-pass-1");
  await api.register("peer", "cim-test-pass-1");
  ({ token, gateway: { wsUrl } } = await api.login("fuzzer", "cim-test-pass-1"));
});
afterAll(async () => {
  await cluster?.stop();
});

/**
 * Opens a socket (logged in or not) and sends `inputs`, then a Ping as a barrier: frames of a session are
 * handled in order, so a Pong means every input was handled (answered, or silently accepted like Delivered);
 * otherwise the socket must have been closed with a contract code.
 */
async function feed(inputs: Uint8Array[], login: boolean): Promise<{ answered: number; closeCode: number | null }> {
  const ws = new WebSocket(wsUrl);
  let frames = 0;
  let pong: () => void = () => undefined;
  const closed = new Promise<number>((resolve) => ws.on("close", (code) => resolve(code)));
  ws.on("message", (data) => {
    frames++;
    if (decodeFrame(data as Buffer).kind === "pong") pong();
  });
  ws.on("error", () => undefined);
  await new Promise((resolve) => ws.once("open", resolve));
  if (login) {
    ws.send(encodeFrame({ kind: "login", body: { token } }));
    await new Promise<void>((resolve) => ws.once("message", () => resolve()));
    frames = 0;
  }
  for (const input of inputs) if (ws.readyState === WebSocket.OPEN) ws.send(input);
  if (ws.readyState === WebSocket.OPEN) ws.send(encodeFrame({ kind: "ping", body: { ts: 1 } }));
  const outcome = await Promise.race([closed, new Promise<null>((resolve) => (pong = () => resolve(null)))]);
  if (outcome === null) ws.close();
  return { answered: frames, closeCode: outcome };
}

describe("gateway fuzz", () => {
  it("answers 2,000 mutated frames before and after login with frames or contract close codes", async () => {
    const samples = [
      encodeFrame({ kind: "send", body: { clientMsgId: "c-1", to: "", text: "fuzz hello" } }),
      encodeFrame({ kind: "send", body: { clientMsgId: "c-2", to: "2", text: "fuzz private" } }),
      encodeFrame({ kind: "ping", body: { ts: 1 } }),
      encodeFrame({ kind: "delivered", body: { msgId: "123", from: "2" } }),
      encodeFrame({ kind: "login", body: { token: "x.y.z" } }),
    ];
    const closeCodes = new Map<number, number>();
    let inputs = 0;
    let answered = 0;
    while (inputs < 2_000) {
      const login = random() < 0.6;
      const batch = Array.from({ length: login ? 20 : 1 }, () => (random() < 0.2 ? Uint8Array.from({ length: Math.floor(random() * 40) }, () => Math.floor(random() * 256)) : mutate(pick(samples))));
      const result = await feed(batch, login);
      answered += result.answered;
      inputs += batch.length;
      if (result.closeCode !== null) {
        expect(CONTRACT_CLOSES).toContain(result.closeCode);
        closeCodes.set(result.closeCode, (closeCodes.get(result.closeCode) ?? 0) + 1);
      }
    }
    console.log(`gateway fuzz: ${inputs} inputs, ${answered} answer frames, closes ${JSON.stringify(Object.fromEntries(closeCodes))}`);
    const health = await fetch(`${cluster.gateways[0]!.url}/healthz`);
    expect(health.status).toBe(200);
  });
});

describe("route fuzz", () => {
  it("answers 2,000 random and mutated requests with 2xx/4xx JSON, never 5xx", async () => {
    const validBodies = [
      { userName: "ann", password: "cim-test-pass-12" },
      { to: "2", text: "hi" },
      { text: "group" },
      { avoid: "gw-a" },
    ];
    const paths = ["/api/register", "/api/login", "/api/messages", "/api/reconnect", "/api/logout", "/api/history", "/api/online", "/api/admin/stats"];
    const statuses = new Map<number, number>();
    for (let i = 0; i < 2_000; i++) {
      const path = pick(paths);
      const method = path === "/api/history" || path === "/api/online" || path === "/api/admin/stats" ? "GET" : "POST";
      let body: string | undefined;
      if (method === "POST") {
        const json = JSON.stringify(pick(validBodies));
        body = random() < 0.5 ? json : new TextDecoder().decode(mutate(new TextEncoder().encode(json)));
      }
      const query = method === "GET" && random() < 0.7 ? `?with=${pick(["2", "x", "-1", "99999999999999999999999", ""])}&limit=${pick(["1", "0", "500", "abc", "50"])}&before=${pick(["", "1", "z"])}` : "";
      const headers: Record<string, string> = { "content-type": pick(["application/json", "text/plain", "application/x-www-form-urlencoded"]) };
      if (random() < 0.7) headers.authorization = pick([`Bearer ${token}`, "Bearer junk", "Basic abc", `Bearer ${token}x`]);
      const response = await fetch(`${cluster.route.url}${path}${query}`, { method, headers, body });
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      // 503 is a real answer too (no gateway live at that instant); anything else 5xx is a bug.
      if (response.status >= 500) expect(response.status).toBe(503);
      if (response.status >= 400) {
        const answer = (await response.json()) as { error?: { code?: string; message?: string } };
        expect(answer.error?.code).toMatch(/^[a-z_]+$/);
      } else {
        await response.arrayBuffer();
      }
    }
    console.log(`route fuzz: statuses ${JSON.stringify(Object.fromEntries(statuses))}`);
    expect((await fetch(`${cluster.route.url}/healthz`)).status).toBe(200);
    expect(cluster.route.process.output()).not.toMatch(/unhandled rejection/);
    expect(cluster.gateways[0]!.process.output()).not.toMatch(/unhandled rejection/);
  });
});
