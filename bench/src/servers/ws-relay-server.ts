// The ceiling: a bare `ws` server that only relays bytes to its own clients and over one link to its peer.
// Client frames: byte 0 is 1 (private) or 2 (group), bytes 1-4 the recipient id (uint32 BE), then the payload.
// Group messages that reach a server in one event-loop turn go to each reader as one batch frame (byte 0 is 3,
// then each message as a uint32 BE length and its frame), as CIM's MessageBatch does: one write per reader per turn.
import { createServer } from "node:http";
import { WebSocketServer, WebSocket, type RawData } from "ws";

const port = Number(process.env.PORT ?? 0);
const peerUrl = process.env.PEER_URL;

const PRIVATE = 1;
const GROUP = 2;
const BATCH = 3;
const clients = new Map<number, WebSocket>();
let peer: WebSocket | null = null;

const httpServer = createServer();
const wss = new WebSocketServer({ server: httpServer, perMessageDeflate: false, maxPayload: 64 * 1024 });

/** Group messages of this turn, each with the socket that sent it (which does not get it back). */
let pending: Array<{ data: Buffer; except: WebSocket | null }> = [];

function flushGroup(): void {
  const batch = pending;
  pending = [];
  const parts: Buffer[] = [Buffer.from([BATCH])];
  for (const { data } of batch) {
    const length = Buffer.allocUnsafe(4);
    length.writeUInt32BE(data.length);
    parts.push(length, data);
  }
  const all = Buffer.concat(parts);
  const senders = new Set(batch.map((m) => m.except));
  for (const ws of clients.values()) {
    // A sender of this turn gets the others' messages only (rare: the workloads have one group sender).
    if (!senders.has(ws)) ws.send(all);
    else for (const m of batch) if (m.except !== ws) ws.send(m.data);
  }
}

/** Delivers to this server's clients only; never forwards. */
function deliverLocal(data: Buffer, except: WebSocket | null): void {
  if (data[0] === PRIVATE) {
    clients.get(data.readUInt32BE(1))?.send(data);
  } else if (data[0] === GROUP) {
    if (pending.length === 0) setImmediate(flushGroup);
    pending.push({ data, except });
  }
}

function attachPeer(ws: WebSocket): void {
  peer = ws;
  ws.on("message", (data: RawData) => deliverLocal(data as Buffer, null));
  ws.on("close", () => {
    if (peer === ws) peer = null;
  });
}

wss.on("connection", (ws, req) => {
  const url = new URL(req.url ?? "/", "http://x");
  if (url.pathname === "/peer") return attachPeer(ws);
  const id = Number(url.searchParams.get("u"));
  clients.set(id, ws);
  ws.on("message", (raw: RawData) => {
    const data = raw as Buffer;
    if (data[0] === PRIVATE) {
      const local = clients.get(data.readUInt32BE(1));
      if (local) local.send(data);
      else peer?.send(data);
    } else if (data[0] === GROUP) {
      deliverLocal(data, ws);
      peer?.send(data);
    }
  });
  ws.on("close", () => {
    if (clients.get(id) === ws) clients.delete(id);
  });
});

httpServer.listen(port, "127.0.0.1", () => {
  const address = httpServer.address();
  const bound = typeof address === "object" && address ? address.port : port;
  if (!peerUrl) return console.log(JSON.stringify({ msg: "listening", port: bound }));
  const link = new WebSocket(peerUrl, { perMessageDeflate: false });
  link.on("open", () => {
    attachPeer(link);
    console.log(JSON.stringify({ msg: "listening", port: bound }));
  });
  link.on("error", (error) => {
    console.error(`peer link failed: ${error.message}`);
    process.exit(1);
  });
});

process.on("SIGTERM", () => {
  for (const ws of wss.clients) ws.terminate();
  httpServer.close(() => process.exit(0));
});
