// A TCP proxy in front of one service, for tests of a bad link: it adds latency, stalls (stops forwarding without
// closing: a half-dead connection), or resets every connection, while other clients reach the service directly.
import { createServer, connect, type Server, type Socket } from "node:net";

export interface LinkProxy {
  port: number;
  /** Delays every chunk, both ways, by `ms`. */
  setLatency: (ms: number) => void;
  /**
   * Stops forwarding on the connections open now (their bytes are held, the sockets stay open: half-dead links)
   * until `resume`; connections opened later forward as usual.
   */
  stall: () => void;
  /**
   * Stalls the open connections and every one opened until `resume` (a firewall dropping the service's packets:
   * reconnecting does not help).
   */
  cut: () => void;
  /** Forwards again, the held bytes first. */
  resume: () => void;
  /** Destroys every open connection (new ones are accepted). */
  reset: () => void;
  /** Connections accepted so far. */
  accepted: () => number;
  close: () => Promise<void>;
}

/** Listens on a free loopback port and forwards to `targetPort` on 127.0.0.1. */
export async function startLinkProxy(targetPort: number): Promise<LinkProxy> {
  let latencyMs = 0;
  let accepted = 0;
  let cutOff = false;
  const held: Array<() => void> = [];
  const sockets = new Set<Socket>();
  const stalled = new WeakSet<Socket>();
  const pipe = (from: Socket, to: Socket) => {
    from.on("data", (chunk) => {
      const forward = () => (latencyMs > 0 ? setTimeout(() => to.destroyed || to.write(chunk), latencyMs) : to.destroyed || to.write(chunk));
      if (stalled.has(from)) held.push(forward);
      else forward();
    });
  };
  const server: Server = createServer((client) => {
    accepted++;
    const upstream = connect(targetPort, "127.0.0.1");
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("error", () => undefined);
      socket.on("close", () => {
        sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    if (cutOff) for (const socket of [client, upstream]) stalled.add(socket);
    pipe(client, upstream);
    pipe(upstream, client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    setLatency: (ms) => void (latencyMs = ms),
    stall: () => {
      for (const socket of sockets) stalled.add(socket);
    },
    cut: () => {
      cutOff = true;
      for (const socket of sockets) stalled.add(socket);
    },
    resume: () => {
      cutOff = false;
      for (const socket of sockets) stalled.delete(socket);
      for (const forward of held.splice(0)) forward();
    },
    reset: () => {
      for (const socket of sockets) socket.resetAndDestroy();
    },
    accepted: () => accepted,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
