// A misbehaving client for scripts/delivery-fault-probe.ts: on every gateway, fresh sockets that send bad input (bytes
// that are no frame, an oversize frame, bad clientMsgIds, Sends and Reads for rooms and chats not theirs, a second
// Login, an over-long text) over and over, reconnecting after each close; it counts the answers by close code and
// error code. The probe's own users must not notice it.
import WebSocket from "ws";
import { RouteApi } from "@cim/client";
import { encodeFrame, decodeFrame, type Frame } from "@cim/protocol";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface Abuser {
  stop: () => Promise<Record<string, number>>;
}

/** Starts one abusing loop per gateway URL; `stop` ends them and resolves with the counts. */
export async function startAbuser(routeUrl: string, gatewayWsUrls: () => string[], victimRoom: string, victimUser: string): Promise<Abuser> {
  const api = new RouteApi(routeUrl);
  const name = `abuser-${Math.random().toString(36).slice(2, 7)}`;
  await api.register(name, "cim-probe-pass-1");
  const counts: Record<string, number> = {};
  const count = (key: string) => void (counts[key] = (counts[key] ?? 0) + 1);
  let running = true;
  const bad: Array<(ws: WebSocket, token: string) => void> = [
    (ws) => ws.send(Buffer.from([0xff, 0x00, 0x13, 0x37, 0x99])),
    (ws) => ws.send(Buffer.alloc(200_000, 7)),
    (ws) => ws.send(encodeFrame({ kind: "send", body: { clientMsgId: "x".repeat(70), text: "bad id" } })),
    (ws) => ws.send(encodeFrame({ kind: "send", body: { clientMsgId: `a${Date.now()}`, room: victimRoom, text: "not a member" } })),
    (ws) => ws.send(encodeFrame({ kind: "read", body: { conversation: victimRoom, msgId: "99999999999999999999" } })),
    (ws) => ws.send(encodeFrame({ kind: "send", body: { clientMsgId: `b${Date.now()}`, to: victimUser, text: "y".repeat(5_000) } })),
    (ws, token) => ws.send(encodeFrame({ kind: "login", body: { token } })),
  ];
  const loop = async (index: number) => {
    // One login per loop, its token on every socket: route limits the good logins of one user (CIM_LOGINS_PER_USER).
    let token = "";
    for (let i = index; running; i++) {
      const url = gatewayWsUrls()[index];
      if (!url) return;
      try {
        token ||= (await api.login(name, "cim-probe-pass-1")).token;
        const ws = new WebSocket(url);
        const closed = new Promise<void>((resolve) => ws.on("close", (code) => { count(`close ${code}`); resolve(); }));
        ws.on("error", () => undefined);
        ws.on("message", (data) => {
          const frame: Frame = decodeFrame(data as Buffer);
          if (frame.kind === "error") count(`error ${frame.body.code}`);
        });
        await new Promise((resolve, reject) => { ws.once("open", resolve); ws.once("error", reject); });
        ws.send(encodeFrame({ kind: "login", body: { token } }));
        await sleep(100);
        for (let k = 0; k < 3 && ws.readyState === WebSocket.OPEN; k++) {
          bad[(i + k) % bad.length]!(ws, token);
          await sleep(50);
        }
        ws.close();
        await Promise.race([closed, sleep(2_000)]);
      } catch {
        count("connect failed");
        await sleep(200);
      }
    }
  };
  const loops = gatewayWsUrls().map((_, i) => loop(i));
  return { stop: async () => { running = false; await Promise.all(loops); return counts; } };
}
