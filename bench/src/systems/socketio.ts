// The Socket.IO peer: Redis and two Socket.IO server processes; load clients speak Engine.IO v4 over raw ws.
import { fileURLToPath } from "node:url";
import type { WebSocket } from "ws";
import { REPO_ROOT, spawnTracked, startRedis, stopProcess, type Service, type Spawned } from "@cim/devstack";
import { serverHookEnv } from "./server-hook.js";
import { SERVERS, type BenchSystem, type Codec } from "./types.js";

const LISTENING = /"msg":"listening","port":(\d+)/;

/** Starts a bench server script (src/servers/NAME.ts) as its own node process; resolves with its port. */
export async function startServerProcess(
  name: string,
  env: Record<string, string>,
  label: string,
): Promise<{ spawned: Spawned; port: number }> {
  const entry = fileURLToPath(new URL(`../servers/${name}.ts`, import.meta.url));
  const spawned = spawnTracked(
    process.execPath,
    ["--import", "tsx", entry],
    { cwd: REPO_ROOT, env: { ...process.env, PORT: "0", ...serverHookEnv(), ...env } },
    label,
  );
  const match = await spawned.waitFor(LISTENING, 30_000);
  return { spawned, port: Number(match[1]) };
}

export function socketIoSystem(): BenchSystem {
  let redis: Service | null = null;
  let servers: Array<{ spawned: Spawned; port: number }> = [];

  const codec: Codec = {
    url: (_userId, server) => `ws://127.0.0.1:${servers[server]!.port}/socket.io/?EIO=4&transport=websocket`,
    onOpen: () => false,
    onHandshake: (ws, userId, data) => {
      const text = data.toString();
      if (text.startsWith("0")) ws.send(`40${JSON.stringify({ userId: String(userId) })}`);
      else if (text.startsWith("40")) return "ready";
      else if (text.startsWith("44")) return `connect error ${text}`;
      else if (text === "2") ws.send("3");
      return "wait";
    },
    privateFrame: (to, text) => `42${JSON.stringify(["private", { to: String(to), text }])}`,
    groupFrame: (text) => `42${JSON.stringify(["group", { text }])}`,
    chatText: (ws: WebSocket, data) => {
      const text = data.toString();
      if (text === "2") {
        ws.send("3");
        return null;
      }
      if (!text.startsWith("42")) return null;
      const [, body] = JSON.parse(text.slice(2)) as [string, { text: string }];
      return body.text;
    },
    keepAlive: () => undefined,
  };

  return {
    name: "socketio",
    label: "Socket.IO",
    codec,
    servers: SERVERS,
    async start() {
      redis = await startRedis();
      for (let i = 0; i < SERVERS; i++)
        servers.push(await startServerProcess("socketio-server", { REDIS_URL: redis.address }, `socketio-${i}`));
    },
    async stop() {
      for (const server of servers) await stopProcess(server.spawned, "SIGTERM", 3_000);
      servers = [];
      await redis?.dispose();
      redis = null;
    },
    serverPids: () => servers.map((s) => s.spawned.child.pid!),
    storePids: () => (redis ? [redis.process().child.pid!] : []),
    prepareUsers: async () => undefined,
  };
}
