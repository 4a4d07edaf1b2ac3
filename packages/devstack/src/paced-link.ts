// A TCP proxy whose service → client direction is paced at a set rate, for tests of a slow reader: it reads from the
// service only as fast as the rate lets it forward, so the service sees a peer that drains slowly but steadily (the
// TCP window does the back-pressure). Rate 0 stops reading (a peer that never reads). Client → service is not paced.
import { createServer, connect, type Socket } from "node:net";

export interface PacedLink {
  port: number;
  /** Bytes per second forwarded from the service to the client; 0 stops reading the service. */
  setRate: (bytesPerSecond: number) => void;
  close: () => Promise<void>;
}

const TICK_MS = 20;
/** Bytes read ahead from the service and not forwarded yet, at most: beyond it the service socket is paused. */
const READ_AHEAD_BYTES = 64 * 1024;

/** Listens on a free loopback port and forwards to `targetPort` on 127.0.0.1 at `bytesPerSecond` toward the client. */
export async function startPacedLink(targetPort: number, bytesPerSecond: number): Promise<PacedLink> {
  let rate = bytesPerSecond;
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(targetPort, "127.0.0.1");
    const queue: Buffer[] = [];
    let queued = 0;
    const pump = setInterval(() => {
      let budget = Math.floor((rate * TICK_MS) / 1000);
      while (budget > 0 && queue.length > 0) {
        const head = queue[0]!;
        const part = head.length <= budget ? queue.shift()! : head.subarray(0, budget);
        if (part !== head) queue[0] = head.subarray(budget);
        client.write(part);
        queued -= part.length;
        budget -= part.length;
      }
      if (rate > 0 && queued < READ_AHEAD_BYTES && upstream.isPaused()) upstream.resume();
    }, TICK_MS);
    upstream.on("data", (chunk: Buffer) => {
      queue.push(chunk);
      queued += chunk.length;
      if (queued >= READ_AHEAD_BYTES || rate === 0) upstream.pause();
    });
    client.on("data", (chunk: Buffer) => upstream.write(chunk));
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("error", () => undefined);
      socket.on("close", () => {
        clearInterval(pump);
        sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as { port: number }).port,
    setRate: (bytes) => void (rate = bytes),
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
