// The ceiling: two bare `ws` relay processes joined by one ws link; no auth, storage or routing lookups; group
// messages batched per reader per event-loop turn as CIM batches them.
import type { Spawned } from "@cim/devstack";
import { stopProcess } from "@cim/devstack";
import { startServerProcess } from "./socketio.js";
import { SERVERS, type BenchSystem, type Codec } from "./types.js";

const PRIVATE = 1;
const GROUP = 2;
const BATCH = 3;
const HEADER_BYTES = 5;

function frame(kind: number, to: number, text: string): Buffer {
  const payload = Buffer.from(text, "utf8");
  const buf = Buffer.allocUnsafe(HEADER_BYTES + payload.length);
  buf[0] = kind;
  buf.writeUInt32BE(to, 1);
  payload.copy(buf, HEADER_BYTES);
  return buf;
}

/** The texts of a batch frame: uint32 BE length, then a frame, repeated. */
function batchTexts(data: Buffer): string[] {
  const texts: string[] = [];
  for (let pos = 1; pos + 4 <= data.length; ) {
    const length = data.readUInt32BE(pos);
    texts.push(data.toString("utf8", pos + 4 + HEADER_BYTES, pos + 4 + length));
    pos += 4 + length;
  }
  return texts;
}

export function wsCeilingSystem(): BenchSystem {
  let servers: Array<{ spawned: Spawned; port: number }> = [];

  const codec: Codec = {
    url: (userId, server) => `ws://127.0.0.1:${servers[server]!.port}/ws?u=${userId}`,
    onOpen: () => true,
    onHandshake: () => "ready",
    privateFrame: (to, text) => frame(PRIVATE, to, text),
    groupFrame: (text) => frame(GROUP, 0, text),
    chatText: (_ws, data) => (data[0] === BATCH ? batchTexts(data) : data.toString("utf8", HEADER_BYTES)),
    keepAlive: () => undefined,
  };

  return {
    name: "ws",
    label: "ws ceiling",
    codec,
    servers: SERVERS,
    async start() {
      const first = await startServerProcess("ws-relay-server", {}, "ws-relay-0");
      servers.push(first);
      servers.push(await startServerProcess("ws-relay-server", { PEER_URL: `ws://127.0.0.1:${first.port}/peer` }, "ws-relay-1"));
    },
    async stop() {
      for (const server of servers) await stopProcess(server.spawned, "SIGTERM", 3_000);
      servers = [];
    },
    serverPids: () => servers.map((s) => s.spawned.child.pid!),
    storePids: () => [],
    prepareUsers: async () => undefined,
  };
}
