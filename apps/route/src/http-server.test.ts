// Route's HTTP server on a real socket: requests whose framing is ambiguous are refused before the app sees them.
import { once } from "node:events";
import { connect } from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pino from "pino";
import type { Server } from "node:http";
import { createRouteServer } from "./http-server.js";

let server: Server;
const seen: string[] = [];
const lines: string[] = [];
const log = pino({ level: "info" }, { write: (line: string) => void lines.push(line) });

beforeAll(async () => {
  server = createRouteServer((request) => {
    seen.push(new URL(request.url).host);
    return new Response("{}", { headers: { "content-type": "application/json" } });
  }, { headersTimeoutMs: 5_000 }, log);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** Sends `request` as written and reads the answer until the server closes the connection. */
async function raw(request: string): Promise<string> {
  const socket = connect({ host: "127.0.0.1", port: (server.address() as AddressInfo).port });
  let answer = "";
  socket.on("data", (chunk: Buffer) => (answer += chunk.toString()));
  socket.write(request);
  await once(socket, "close");
  return answer;
}

describe("route's server", () => {
  it("answers a request with two Host headers 400 with the JSON error, without running it, and logs one line", async () => {
    const before = seen.length;
    const answer = await raw("GET /api/rooms/public HTTP/1.1\r\nHost: cim.example\r\nHost: internal.example\r\nConnection: close\r\n\r\n");
    // Before: Node kept the first Host and the app answered 200.
    expect(answer).toMatch(/^HTTP\/1.1 400 Bad Request\r\n/);
    expect(answer).toMatch(/\r\ncontent-type: application\/json\r\n/i);
    expect(JSON.parse(answer.slice(answer.indexOf("\r\n\r\n") + 4))).toEqual({ error: { code: "bad_request", message: "more than one Host header" } });
    expect(seen.length).toBe(before);
    expect(lines.filter((line) => line.includes("request refused: more than one Host header"))).toHaveLength(1);
  });

  it("refuses both Content-Length and Transfer-Encoding, and two of either, whoever parses them", async () => {
    const requests = [
      "POST /api/login HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\n{}",
      "POST /api/login HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
      "POST /api/login HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    ];
    for (const request of requests) expect(await raw(request), request).toMatch(/^HTTP\/1.1 400 Bad Request\r\n/);
  });

  it("refuses a Transfer-Encoding other than chunked (RFC 9112: 400), before the app sees it", async () => {
    const before = seen.length;
    // Headers alone: Node runs the handler as soon as they are read (a body would be its parser's error afterwards).
    // ("chunked, gzip" is its parser's own 400, as are codings followed by a body.)
    for (const coding of ["gzip", "gzip, chunked", "identity", "deflate"]) {
      const answer = await raw(`POST /api/login HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: ${coding}\r\n\r\n`);
      expect(answer, coding).toMatch(/^HTTP\/1.1 400 Bad Request\r\n/);
      expect(JSON.parse(answer.slice(answer.indexOf("\r\n\r\n") + 4))).toEqual({ error: { code: "bad_request", message: "Transfer-Encoding other than chunked" } });
    }
    expect(seen.length).toBe(before);
    // Chunked itself is served, in any case.
    expect(await raw("POST /api/login HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: Chunked\r\nConnection: close\r\n\r\n2\r\n{}\r\n0\r\n\r\n")).toMatch(/^HTTP\/1.1 200 OK\r\n/);
  });

  it("serves a request with one Host", async () => {
    const answer = await raw("GET /api/rooms/public HTTP/1.1\r\nHost: cim.example\r\nConnection: close\r\n\r\n");
    expect(answer).toMatch(/^HTTP\/1.1 200 OK\r\n/);
    expect(seen.at(-1)).toBe("cim.example");
  });
});
