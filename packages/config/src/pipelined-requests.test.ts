// oneRequestAtATime on a real socket: a connection's pipelined requests run one after the other, in order, and a
// connection with too many waiting is closed without running them.
import { once } from "node:events";
import { createServer, type Server } from "node:http";
import { connect, type AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { MAX_PIPELINED_REQUESTS, oneRequestAtATime } from "./pipelined-requests.js";

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

/** A server whose handler answers each request after a turn of the event loop, noting how many ran at once. */
async function serve() {
  const seen = { started: [] as string[], inProgress: 0, mostAtOnce: 0, lines: [] as string[] };
  const log = { info: (_fields: Record<string, unknown>, msg: string) => void seen.lines.push(msg) };
  server = createServer(oneRequestAtATime((req, res) => {
    seen.started.push(req.url ?? "");
    seen.inProgress++;
    seen.mostAtOnce = Math.max(seen.mostAtOnce, seen.inProgress);
    setTimeout(() => {
      seen.inProgress--;
      res.end(`answer to ${req.url}`);
    }, 5);
  }, { log }));
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return { seen, port: (server.address() as AddressInfo).port };
}

/** Writes `count` pipelined GETs at once and reads until `expected` answers came or the server closed the connection. */
async function pipeline(port: number, count: number, expected: number) {
  const socket = connect({ host: "127.0.0.1", port });
  let text = "";
  let closed = false;
  socket.on("data", (chunk: Buffer) => (text += chunk.toString()));
  socket.on("error", () => {});
  const answered = () => text.split("HTTP/1.1 200").length - 1;
  const done = new Promise<void>((resolve) => {
    socket.on("close", () => ((closed = true), resolve()));
    socket.on("data", () => answered() >= expected && text.endsWith(`answer to /${expected - 1}`) && resolve());
  });
  await once(socket, "connect");
  socket.write(Array.from({ length: count }, (_, i) => `GET /${i} HTTP/1.1\r\nHost: x\r\n\r\n`).join(""));
  await done;
  socket.destroy();
  return { answers: [...text.matchAll(/answer to (\/\d+)/g)].map((m) => m[1]), closed };
}

describe("pipelined requests", () => {
  it("runs a connection's pipelined requests one at a time and answers them in order", async () => {
    const { seen, port } = await serve();
    const { answers } = await pipeline(port, 5, 5);
    expect(answers).toEqual(["/0", "/1", "/2", "/3", "/4"]);
    expect(seen.mostAtOnce).toBe(1);
  });

  it("closes a connection that pipelines more requests than may wait, running none of those waiting", async () => {
    const { seen, port } = await serve();
    const { answers, closed } = await pipeline(port, 50, 50);
    expect(closed).toBe(true);
    expect(answers.length).toBeLessThanOrEqual(1);
    expect(seen.started.length).toBe(1);
    expect(seen.lines).toEqual(["connection closed: it pipelined more requests than may wait for their turn"]);
    // Up to the limit, a pipeline is served whole.
    expect((await pipeline(port, MAX_PIPELINED_REQUESTS + 1, MAX_PIPELINED_REQUESTS + 1)).answers).toHaveLength(MAX_PIPELINED_REQUESTS + 1);
  });
});
