// A raw protocol session for the probes (no SDK): a socket logged in with a token, and every frame it received.
import WebSocket from "ws";
import { waitUntil } from "@cim/devstack";
import { decodeFrame, encodeFrame, type ChatMessage, type Frame } from "@cim/protocol";

export interface Raw {
  ws: WebSocket;
  frames: Frame[];
  /** Names the device in a probe's report ("" when unnamed). */
  label: string;
}

/** Opens a session at `wsUrl` and logs in with `token`; resolves at its LoginAck. */
export async function open(wsUrl: string, token: string, label = ""): Promise<Raw> {
  const ws = new WebSocket(wsUrl);
  const frames: Frame[] = [];
  ws.on("message", (data) => frames.push(decodeFrame(data as Buffer)));
  ws.on("error", () => undefined);
  await new Promise((resolve, reject) => { ws.once("open", resolve); ws.once("error", reject); });
  ws.send(encodeFrame({ kind: "login", body: { token } }));
  await waitUntil(() => frames.some((f) => f.kind === "loginAck"), 20_000, "loginAck");
  return { ws, frames, label };
}

/** The messages a session received, in order, single or batched. */
export const messagesOf = (raw: Raw): ChatMessage[] => raw.frames.flatMap((f) => (f.kind === "message" ? [f.body] : f.kind === "messageBatch" ? f.body.messages : []));
