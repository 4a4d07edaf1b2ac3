// A raw session that logs in, then neither reads nor writes (its socket paused, no Pings), while a peer sends it a
// private message every second: the gateway must end it after CIM_IDLE_TIMEOUT_MS (4408, then a reset 2 s later),
// free it (sessions gauge), and the peer's Sends stay acknowledged meanwhile. A second session pauses its socket but
// keeps pinging (writes only): it holds its place while under the buffer bound.
import WebSocket from "ws";
import { RouteApi } from "@cim/client";
import { startCluster } from "@cim/devstack";
import { encodeFrame } from "@cim/protocol";
import { probePair } from "./probe-users.js";
import { open } from "./raw-session.js";
import { readFlags } from "./cli-flags.mjs";

readFlags(import.meta.url, {});
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const stack = await startCluster({ gateways: 1, gatewayEnv: { CIM_IDLE_TIMEOUT_MS: "6000" } });
try {
  const api = new RouteApi(stack.route.url);
  const { b, aToken, token } = await probePair(api, "idle");
  const wsUrl = `${stack.gateways[0]!.url.replace(/^http/, "ws")}/ws`;
  const sender = await open(wsUrl, aToken, "a");
  const silent = await open(wsUrl, await token(b), "b silent");
  const pinger = await open(wsUrl, await token(b), "b pinging");
  const socketOf = (ws: WebSocket) => (ws as unknown as { _socket: { pause: () => void; destroyed: boolean } })._socket;
  socketOf(silent.ws).pause();
  socketOf(pinger.ws).pause();
  const t0 = Date.now();
  const gauge = async () => (await (await fetch(`${stack.gateways[0]!.url}/metrics`)).text()).split("\n").filter((l) => /^cim_gateway_(sessions|connections)\b/.test(l)).join("; ");
  const pings = setInterval(() => pinger.ws.send(encodeFrame({ kind: "ping", body: { ts: Date.now() } })), 1_000);
  let acked = 0;
  sender.ws.on("message", () => { acked = sender.frames.filter((f) => f.kind === "sendAck").length; });
  for (let i = 0; i < 15; i++) {
    sender.ws.send(encodeFrame({ kind: "send", body: { clientMsgId: `idle-${i}`, to: b.userId, text: `idle ${i}` } }));
    sender.ws.send(encodeFrame({ kind: "ping", body: { ts: Date.now() } }));
    await sleep(1_000);
    console.log(JSON.stringify({ s: Math.round((Date.now() - t0) / 1000), silentSocketDestroyed: socketOf(silent.ws).destroyed, pingerSocketDestroyed: socketOf(pinger.ws).destroyed, acked, gauge: await gauge() }));
  }
  clearInterval(pings);
  const lines = stack.gateways[0]!.process.output().split("\n").filter((l) => /idle|4408|slow/i.test(l)).map((l) => l.slice(0, 240));
  console.log(JSON.stringify({ lines }));
  for (const r of [sender, silent, pinger]) r.ws.terminate();
} finally {
  await stack.stop();
}
