// One client cannot hold or churn unbounded sockets: per address, sockets not logged in yet are capped and
// upgrades are rate limited (429 before the upgrade); per user, logged-in sockets on a gateway are capped.
import { once } from "node:events";
import type { IncomingMessage } from "node:http";
import { connect, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import { WebSocket } from "ws";
import { newUser, startCluster, waitUntil, type Cluster, type RecordingClient } from "@cim/devstack";
import { ErrorCode, SessionClose } from "@cim/protocol";
import { openRaw, refusedUpgrade, registerUser, type RawSocket } from "./test-support.js";

let cluster: Cluster;
let wsUrl: string;
const sockets: RawSocket[] = [];
const clients: RecordingClient[] = [];

beforeAll(async () => {
  cluster = await startCluster({
    gateways: 1,
    // 127.0.0.1 (the SDK clients) stays exempt; the limits are tried from 127.0.0.2 and 127.0.0.3.
    gatewayEnv: {
      CIM_CONNECT_LIMIT_EXEMPT: "127.0.0.1", CIM_MAX_PENDING_PER_IP: "5", CIM_CONNECT_RATE_PER_IP: "0.1",
      CIM_CONNECT_BURST_PER_IP: "12", CIM_MAX_SESSIONS_PER_USER: "2", CIM_MAX_CONNECTIONS_PER_IP: "8",
    },
    routeEnv: { CIM_CONNECT_LIMIT_EXEMPT: "127.0.0.1", CIM_MAX_CONNECTIONS_PER_IP: "8" },
  });
  wsUrl = `${cluster.gateways[0]!.url.replace(/^http/, "ws")}/ws`;
});
afterAll(async () => {
  for (const socket of sockets) socket.ws.terminate();
  for (const client of clients) client.close();
  await cluster?.stop();
});

async function open(localAddress: string): Promise<RawSocket> {
  const socket = await openRaw(wsUrl, { localAddress });
  sockets.push(socket);
  return socket;
}

const output = () => cluster.gateways[0]!.process.output();
const connections = async () => ((await (await fetch(`${cluster.gateways[0]!.url}/healthz`)).json()) as { connections: number }).connections;

/** A TCP connection from `localAddress` that sends part of a request's headers and then nothing (slowloris). */
async function stalled(port: number, localAddress: string): Promise<Socket> {
  const socket = connect({ host: "127.0.0.1", port, localAddress });
  socket.on("error", () => undefined);
  await once(socket, "connect");
  socket.write("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ");
  return socket;
}

describe("per client address, before any request", () => {
  it("closes a connection beyond CIM_MAX_CONNECTIONS_PER_IP open ones of its address, at route and at the gateway; others are served", async () => {
    for (const [app, address] of [[cluster.gateways[0]!, "127.0.0.5"], [cluster.route, "127.0.0.6"]] as const) {
      const held = [];
      for (let i = 0; i < 8; i++) held.push(await stalled(app.port, address));
      const extra = await stalled(app.port, address);
      await new Promise((resolve) => (extra.destroyed ? resolve(null) : extra.once("close", resolve)));
      await waitUntil(() => app.process.output().includes("connection refused: this address holds too many open connections"), 10_000, "the refusal to be logged");
      // The held connections are still open, and every other address is served.
      expect(held.every((socket) => !socket.destroyed)).toBe(true);
      expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
      // A closed connection frees its place (once the server has seen it close).
      held[0]!.destroy();
      const answered = async () => {
        const again = await stalled(app.port, address);
        again.write("\r\n\r\n");
        const answer = await new Promise<boolean>((resolve) => {
          again.once("data", () => resolve(true));
          again.once("close", () => resolve(false));
        });
        again.destroy();
        return answer;
      };
      await waitUntil(answered, 10_000, "a request from the address to be answered again");
      for (const socket of held) socket.destroy();
    }
    // An upgraded socket no longer counts (sessions have their own limits): 7 held and 5 upgraded is fine.
    const held = [];
    for (let i = 0; i < 7; i++) held.push(await stalled(cluster.gateways[0]!.port, "127.0.0.5"));
    const sessions = [];
    for (let i = 0; i < 5; i++) sessions.push(await open("127.0.0.5"));
    for (const socket of sessions) socket.ws.close();
    for (const socket of held) socket.destroy();
  });
});

describe("an Upgrade request to route", () => {
  // sec25: the per-address cap's 'upgrade' listener (for the gateways' sockets) made Node hand route every request
  // with Upgrade: none was answered nor timed out, and each was uncounted at once: one address held 1,500 such
  // connections open on route past a cap of 1,000, toward the 20,000 files of the process.
  it("is answered as the request it is, and its connection counts among its address's", async () => {
    const upgrade = "GET /api/online HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
    const held: Array<{ socket: Socket; answer: () => string }> = [];
    for (let i = 0; i < 8; i++) {
      const socket = connect({ host: "127.0.0.1", port: cluster.route.port, localAddress: "127.0.0.7" });
      let answer = "";
      socket.on("data", (chunk: Buffer) => (answer += chunk.toString()));
      socket.on("error", () => undefined);
      await once(socket, "connect");
      socket.write(upgrade);
      held.push({ socket, answer: () => answer });
    }
    await waitUntil(() => held.every(({ answer }) => /\r\n\r\n\{.*\}$/s.test(answer())), 10_000, "route to answer the 8 upgrade requests");
    expect(held.map(({ answer }) => answer().split("\r\n")[0])).toEqual(Array<string>(8).fill("HTTP/1.1 401 Unauthorized"));
    // Kept alive, the 8 connections fill the address's places: a ninth is closed as it is accepted.
    const ninth = connect({ host: "127.0.0.1", port: cluster.route.port, localAddress: "127.0.0.7" });
    ninth.on("error", () => undefined);
    await new Promise((resolve) => ninth.once("close", resolve));
    expect(held.every(({ socket }) => !socket.destroyed)).toBe(true);
    for (const { socket } of held) socket.destroy();
  });
});

describe("per client address", () => {
  it("refuses an upgrade with 429 while the address holds its cap of sockets not logged in; a login frees a place", async () => {
    const pending = [];
    for (let i = 0; i < 5; i++) pending.push(await open("127.0.0.2"));
    expect(await refusedUpgrade(wsUrl, "127.0.0.2")).toEqual({
      status: 429, retryAfter: "1", type: "application/json",
      body: JSON.stringify({ error: { code: ErrorCode.RateLimited, message: "5 sockets of this address are not logged in yet" } }),
    });
    await waitUntil(() => output().includes("upgrade refused: 5 sockets of this address are not logged in yet"), 10_000, "the refusal to be logged");

    // Other addresses are not affected.
    const other = await open("127.0.0.3");
    other.ws.close();
    const sdk = await newUser(cluster.route.url, "exempt");
    clients.push(sdk);

    const login = await registerUser(cluster.route.url, "pending");
    pending[0]!.send({ kind: "login", body: { token: login.token } });
    await pending[0]!.waitFor("loginAck");
    pending.push(await open("127.0.0.2"));
    for (const socket of pending) socket.ws.close();
    await Promise.all(pending.map((socket) => socket.closed));
  });

  it("refuses upgrades with 429 beyond the address's connect rate, even when each socket is closed at once", async () => {
    const baseline = await connections();
    let opened = 1; // the socket of the test before
    while (opened < 12) {
      const batch = [];
      for (let i = 0; i < 4 && opened < 12; i++, opened++) batch.push(await open("127.0.0.3"));
      for (const socket of batch) socket.ws.close();
      await waitUntil(async () => (await connections()) <= baseline, 10_000, "the closed sockets to be gone");
    }
    // A rate of 0.1 per second gives its next token after 10 s.
    expect(await refusedUpgrade(wsUrl, "127.0.0.3")).toEqual({
      status: 429, retryAfter: "10", type: "application/json",
      body: JSON.stringify({ error: { code: ErrorCode.RateLimited, message: "this address connects faster than its rate" } }),
    });
    await waitUntil(() => output().includes("upgrade refused: this address connects faster than its rate"), 10_000, "the refusal to be logged");
  });

  it("keeps serving when a client resets its connection after a refused upgrade", async () => {
    const gateway = cluster.gateways[0]!;
    for (let i = 0; i < 3; i++) {
      const socket = connect({ host: "127.0.0.1", port: gateway.port, localAddress: "127.0.0.4" });
      await once(socket, "connect");
      socket.write("GET /not-ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
      const [answer] = (await once(socket, "data")) as [Buffer];
      expect(answer.toString()).toMatch(/^HTTP\/1.1 404/);
      expect(answer.toString()).toContain(`{"error":{"code":"${ErrorCode.NotFound}",`);
      socket.resetAndDestroy();
      await once(socket, "close");
    }
    const sdk = await newUser(cluster.route.url, "after-reset");
    clients.push(sdk);
    await sdk.send({ text: "still served" });
    expect(gateway.process.child.exitCode).toBeNull();
    expect(output()).not.toContain("ECONNRESET");
  });
});

describe("slow requests", () => {
  // The gateway reads no request body (its /healthz and /metrics are GETs): a body sent a byte at a time held the
  // connection for Node's 300 s request timeout, where a slow upgrade is cut off at the login timeout (10 s).
  it("closes a connection whose request body trickles in within the login timeout, as a slow upgrade", { timeout: 90_000 }, async () => {
    const gateway = cluster.gateways[0]!;
    const socket = connect({ host: "127.0.0.1", port: gateway.port, localAddress: "127.0.0.5" });
    await once(socket, "connect");
    let answer = "";
    socket.on("data", (chunk: Buffer) => (answer += chunk.toString()));
    socket.on("error", () => undefined);
    socket.write("POST /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{");
    const trickle = setInterval(() => socket.write(" "), 1_000);
    try {
      await waitUntil(() => socket.destroyed || socket.readableEnded, 60_000, "the gateway to close the trickling connection");
    } finally {
      clearInterval(trickle);
      socket.destroy();
    }
    expect(answer).toMatch(/^HTTP\/1.1 405 /);
  });
});

/** What a client put in the query string of /ws: no log line may hold it. */
const URL_TOKEN = "eyJhbGciOiJIUzI1NiJ9.url-token-in-the-query.sig";

describe("malformed handshakes", () => {
  it("answer the contract's JSON error, as every refused upgrade does (ws answered plain text)", async () => {
    const gateway = cluster.gateways[0]!;
    const upgrade = "Upgrade: websocket\r\nConnection: Upgrade\r\n";
    const key = "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
    const requests: Array<[string, number]> = [
      [`GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\n${upgrade}${key}Sec-WebSocket-Version: 99\r\n\r\n`, 400],
      // A draft's version, which ws accepts: the contract names 13 only.
      [`GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\n${upgrade}${key}Sec-WebSocket-Version: 8\r\n\r\n`, 400],
      [`GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\n${upgrade}Sec-WebSocket-Version: 13\r\n\r\n`, 400],
      // A client that puts its token in the URL (the contract sends it in Login): the refusal's log line keeps it out.
      [`GET /ws?token=${URL_TOKEN} HTTP/1.1\r\nHost: 127.0.0.1\r\n${upgrade}Sec-WebSocket-Version: 13\r\n\r\n`, 400],
      [`GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: h2c\r\nConnection: Upgrade\r\n${key}Sec-WebSocket-Version: 13\r\n\r\n`, 400],
      [`POST /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n${upgrade}${key}Sec-WebSocket-Version: 13\r\n\r\n`, 405],
      // Two Host headers: Node kept the first and the upgrade went through (101); a proxy in front may have read the other.
      [`GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: y\r\n${upgrade}${key}Sec-WebSocket-Version: 13\r\n\r\n`, 400],
    ];
    for (const [request, status] of requests) {
      const socket = connect({ host: "127.0.0.1", port: gateway.port });
      let answer = "";
      socket.on("data", (chunk: Buffer) => (answer += chunk.toString()));
      socket.write(request);
      await once(socket, "close");
      expect(answer, request).toMatch(new RegExp(`^HTTP/1.1 ${status} `));
      expect(answer, request).toMatch(/\r\nContent-Type: application\/json\r\n/i);
      // A refused version names the one spoken (RFC 6455 4.4).
      if (/Version: (99|8)\r/.test(request)) expect(answer, request).toMatch(/\r\nSec-WebSocket-Version: 13\r\n/);
      // Another method: /ws takes GET and HEAD (a HEAD is answered as GET), as the 405 of a plain POST /ws says.
      if (status === 405) expect(answer, request).toMatch(/\r\nAllow: GET, HEAD\r\n/);
      const code = status === 405 ? ErrorCode.MethodNotAllowed : ErrorCode.BadRequest;
      expect(JSON.parse(answer.slice(answer.indexOf("\r\n\r\n") + 4))).toEqual({ error: { code, message: expect.any(String) } });
    }
    await waitUntil(() => output().includes("upgrade refused: Missing or invalid Sec-WebSocket-Key header"), 10_000, "the refusals to be logged");
    const hostLines = () => output().split("\n").filter((line) => line.includes("upgrade refused: more than one Host header"));
    await waitUntil(() => hostLines().length > 0, 10_000, "the two-Host refusal to be logged");
    expect(hostLines()).toHaveLength(1);
    expect(output()).not.toContain(URL_TOKEN);
    const sdk = await newUser(cluster.route.url, "after-handshakes");
    clients.push(sdk);
    await sdk.send({ text: "still served" });
  });

  it("agree to no subprotocol a client offers: the contract names none (ws echoed the first one)", async () => {
    const ws = new WebSocket(wsUrl, ["chat", "mqtt"]);
    let response: IncomingMessage | undefined;
    ws.on("upgrade", (answer) => (response = answer));
    // Without a subprotocol in the answer a client that asked for one gives up, as RFC 6455 says it must.
    const failure = await new Promise<string>((resolve) => {
      ws.on("error", (error) => resolve(error.message));
      ws.on("open", () => resolve(`open with protocol ${JSON.stringify(ws.protocol)}`));
    });
    ws.terminate();
    expect(response?.statusCode).toBe(101);
    expect(response?.headers["sec-websocket-protocol"]).toBeUndefined();
    expect(failure).toBe("Server sent no subprotocol");
  });

  it("still serve a client that offers none", async () => {
    const sdk = await newUser(cluster.route.url, "no-subprotocol");
    clients.push(sdk);
    await sdk.send({ text: "still served" });
  });
});

describe("per user", () => {
  it("refuses a login with 4429 while the user has its cap of sockets on the gateway, replaced ones still closing included", async () => {
    const login = await registerUser(cluster.route.url, "many");
    const logIn = async () => {
      const socket = await openRaw(wsUrl);
      sockets.push(socket);
      socket.send({ kind: "login", body: { token: login.token } });
      return socket;
    };
    const first = await logIn();
    await first.waitFor("loginAck");
    first.ws.pause(); // reads nothing more: its close (when replaced) waits for the gateway to terminate it
    const second = await logIn();
    await second.waitFor("loginAck");
    second.ws.pause();
    const third = await logIn();
    const error = await third.waitFor("error");
    expect(error.code).toBe(ErrorCode.RateLimited);
    // CONTRACT's words: the cap is the user's on all gateways together, though all its sockets are here.
    expect(error.message).toBe("this user has 2 sessions on all gateways together already");
    expect((await third.closed).code).toBe(SessionClose.RateLimited);
    expect(third.frames.some((f) => f.kind === "loginAck")).toBe(false);
  });
});

describe("a gateway shutting down", () => {
  it("refuses upgrades with 503 unavailable and Retry-After while its sessions are cleaned up", { timeout: 60_000 }, async () => {
    const stopping = await cluster.startGateway("gw-stopping");
    const url = `${stopping.url.replace(/^http/, "ws")}/ws`;
    const login = await registerUser(cluster.route.url, "leaving");
    const socket = await openRaw(url);
    sockets.push(socket);
    socket.send({ kind: "login", body: { token: login.token } });
    await socket.waitFor("loginAck");
    const admin = new Redis(cluster.redis.address);
    try {
      await admin.ping();
      // Redis stalled: the session's cleanup (its count in Redis) waits, and the gateway with it, refusing upgrades.
      const sleeping = admin.call("DEBUG", "SLEEP", "6");
      const exited = stopping.stop("SIGTERM");
      // Closed with 1001 once the gateway is stopping (it then waits for the session's cleanup).
      expect((await socket.closed).code).toBe(SessionClose.GoingAway);
      const refused = await refusedUpgrade(url, "127.0.0.1");
      expect(refused).toEqual({
        status: 503, retryAfter: "1", type: "application/json",
        body: JSON.stringify({ error: { code: ErrorCode.Unavailable, message: "gateway shutting down" } }),
      });
      await sleeping;
      await exited;
    } finally {
      admin.disconnect();
    }
  });
});
