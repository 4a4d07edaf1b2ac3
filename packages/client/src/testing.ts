// Test doubles for the SDK's unit tests: a scripted socket, a fake route (fetch), and unsigned JWT-shaped tokens.
import { decodeFrame, encodeFrame, type Frame, type FrameBodies, type FrameInput, type FrameKind, type LoginAck } from "@cim/protocol";
import type { SocketLike } from "./socket.js";

/** A socket the test plays the gateway of: `open`, `push` frames, `serverClose`; it answers Ping with Pong. */
export class FakeSocket implements SocketLike {
  binaryType = "";
  readyState = 0;
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  /** Frames the client sent, decoded. */
  readonly sent: Frame[] = [];
  closedWith: { code: number; reason: string } | null = null;

  constructor(readonly url: string) {}

  send(data: Uint8Array): void {
    const frame = decodeFrame(data);
    this.sent.push(frame);
    if (frame.kind === "ping") queueMicrotask(() => this.readyState === 1 && this.push({ kind: "pong", body: { ts: frame.body.ts } }));
  }

  close(code = 1000, reason = ""): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.closedWith = { code, reason };
    this.onclose?.({ code, reason });
  }

  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }

  push(frame: FrameInput): void {
    this.onmessage?.({ data: encodeFrame(frame) });
  }

  /** Opens and answers the Login with LoginAck (user 7, ann) and the positions given. */
  accept(heartbeatMs = 15_000, ack: Partial<LoginAck> = {}): void {
    this.open();
    this.push({ kind: "loginAck", body: { userId: "7", userName: "ann", gatewayId: "gw-a", heartbeatMs, ...ack } });
  }

  /** What a browser does with a URL it refuses itself (CSP connect-src): closed at once, an error, no close event. */
  refuse(): void {
    this.readyState = 3;
    this.onerror?.({});
  }

  serverClose(code: number, reason = ""): void {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }

  /** The frames of one kind the client sent, their bodies in order. */
  sentOf<K extends FrameKind>(kind: K): Array<FrameBodies[K]> {
    return this.sent.filter((f) => f.kind === kind).map((f) => f.body as FrameBodies[K]);
  }

  /** The token of the Login frame this socket carried. */
  get loginToken(): string | undefined {
    const login = this.sent.find((f) => f.kind === "login");
    return login?.kind === "login" ? login.body.token : undefined;
  }
}

/** A JWT-shaped token (header.payload.signature) with these claims; the client never verifies it. */
export function fakeToken(claims: { iat?: number; exp?: number; n?: number }): string {
  const encode = (value: unknown) => btoa(JSON.stringify(value)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
  return `${encode({ alg: "HS256" })}.${encode({ sub: "7", ...claims })}.signature`;
}

export interface RouteCall {
  method: string;
  path: string;
  /** The query string, "?..." or "". */
  query: string;
  token: string;
  body: unknown;
}

/** A route double: answers by `respond`, records every call. */
export function fakeRoute(respond: (call: RouteCall) => { status: number; body?: unknown; headers?: Record<string, string> }) {
  const calls: RouteCall[] = [];
  const fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = new URL(String(input));
    const headers = new Headers(init?.headers);
    const call = {
      method: init?.method ?? "GET",
      path: url.pathname,
      query: url.search,
      token: (headers.get("authorization") ?? "").replace(/^Bearer /, ""),
      body: init?.body ? JSON.parse(String(init.body)) : undefined,
    };
    calls.push(call);
    const answer = respond(call);
    const text = answer.body === undefined ? null : JSON.stringify(answer.body);
    return new Response(answer.status === 204 ? null : text, { status: answer.status, headers: answer.headers });
  };
  return { calls, fetch: fetch as typeof globalThis.fetch };
}
