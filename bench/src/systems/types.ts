// The small interface every system under test offers the workloads: servers to start and stop, and a client codec.
import type { WebSocket } from "ws";
import type { Cluster } from "@cim/devstack";

export type SystemName = "cim" | "socketio" | "ws";

/** How a load client speaks to one system: URLs, handshake, chat frames, heartbeats. */
export interface Codec {
  url(userId: number, server: number): string;
  /** Called when the socket opens; true when the session is ready without a handshake. */
  onOpen(ws: WebSocket, userId: number): boolean;
  /** Frames before the session is ready: "ready", "wait", or an error text. */
  onHandshake(ws: WebSocket, userId: number, data: Buffer, isBinary: boolean): string;
  privateFrame(to: number, text: string): Buffer | string;
  groupFrame(text: string): Buffer | string;
  /** The text of a chat delivery (several for a batch frame), or null for anything else (heartbeats are answered here). */
  chatText(ws: WebSocket, data: Buffer, isBinary: boolean): string | string[] | null;
  /** Called every KEEPALIVE_MS on each open socket. */
  keepAlive(ws: WebSocket): void;
  /**
   * CIM: the times from each private Send to its SendAck (stored, as its sender sees "sent"), in ms, since the last
   * call, which empties them. Absent for systems without an acknowledgement.
   */
  takeAckLatencies?(): number[];
}

export interface BenchSystem {
  name: SystemName;
  label: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** The message servers (gateways), whose RSS is measured. */
  serverPids(): number[];
  /** The store's processes (Redis), whose CPU per message the private workloads report; [] when not known. */
  storePids(): number[];
  /**
   * How many AOF rewrites the store has started so far (CIM on a single Redis): each forks a child that takes a core,
   * so the private workloads tell how many fell in their measured window. Absent or NaN when not known.
   */
  storeRewrites?(): Promise<number>;
  /** How many message servers run: users are spread over them by `server` index. */
  readonly servers: number;
  /** Makes users usable: accounts and tokens for CIM; nothing for the others. */
  prepareUsers(ids: number[]): Promise<void>;
  /** CIM: the account prepareUsers made for user number `n` (its Redis-assigned id, a session token). */
  account?(n: number): { userId: string; token: string };
  codec: Codec;
  /** Called by each workload before it closes its clients: with --profile, CIM's servers write their profiles now. */
  checkpoint?(): Promise<void>;
  /** The tail of the servers' own logs, printed when a workload fails. */
  diagnostics?(): string;
  /** CIM's processes (Redis, route, gateways), for the workloads that kill or inspect them. */
  readonly cluster?: Cluster;
  /** Route's base URL, for the login workload (CIM only). */
  routeUrl?: string;
}

export const SERVERS = 2;
