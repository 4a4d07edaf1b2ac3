// The system the bad-input tests abuse: one gateway with small limits, and two well-behaved users who keep chatting.
import { afterAll, beforeAll } from "vitest";
import { encodeFrame } from "@cim/protocol";
import { newUser, startCluster, waitUntil, type Cluster, type RecordingClient } from "@cim/devstack";
import { openRaw, TEST_PASSWORD, type RawSocket } from "./test-support.js";

export interface BadInput {
  readonly cluster: Cluster;
  readonly ann: RecordingClient;
  readonly bob: RecordingClient;
  /** A raw socket to the gateway; `headers` as a browser would send them (Origin). */
  raw(headers?: Record<string, string>): Promise<RawSocket>;
  /** A raw socket logged in as a fresh user (logging in as ann or bob would replace their sessions). */
  loggedIn(): Promise<RawSocket & { userId: string }>;
  /** After each abuse, the well-behaved users still chat. */
  othersStillServed(tag: string): Promise<void>;
}

/** Starts the system (short login, idle and header timeouts, 4 KiB frames, 5 frames/s) before the file's tests, stops it after. */
export function useBadInput(): BadInput {
  let cluster: Cluster | undefined;
  let ann: RecordingClient | undefined;
  let bob: RecordingClient | undefined;
  let wsUrl = "";
  beforeAll(async () => {
    cluster = await startCluster({
      gateways: 1,
      gatewayEnv: { CIM_LOGIN_TIMEOUT_MS: "800", CIM_MAX_PAYLOAD_BYTES: "4096", CIM_RATE_PER_SEC: "5", CIM_RATE_BURST: "10", CIM_IDLE_TIMEOUT_MS: "1500", CIM_HEARTBEAT_MS: "300" },
      routeEnv: { CIM_HEADERS_TIMEOUT_MS: "800" },
    });
    ann = await newUser(cluster.route.url, "ann");
    bob = await newUser(cluster.route.url, "bob");
    wsUrl = ann.gateway!.wsUrl;
  });
  afterAll(async () => {
    ann?.close();
    bob?.close();
    await cluster?.stop();
  });
  const raw = (headers: Record<string, string> = {}): Promise<RawSocket> => openRaw(wsUrl, { headers });
  return {
    get cluster() {
      return cluster!;
    },
    get ann() {
      return ann!;
    },
    get bob() {
      return bob!;
    },
    raw,
    async loggedIn() {
      const userName = `raw-${Math.random().toString(36).slice(2, 8)}`;
      await ann!.api.register(userName, TEST_PASSWORD);
      const { token, userId } = await ann!.api.login(userName, TEST_PASSWORD);
      const socket = await raw();
      socket.ws.send(encodeFrame({ kind: "login", body: { token } }));
      await waitUntil(() => socket.frames.some((f) => f.kind === "loginAck"), 5_000, "LoginAck");
      return { ...socket, userId };
    },
    async othersStillServed(tag) {
      await ann!.send({ to: bob!.session!.userId, text: `still here ${tag}` });
      await bob!.waitForText(`still here ${tag}`);
    },
  };
}
