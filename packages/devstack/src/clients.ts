// SDK clients for Node (the `ws` package as the socket) and a recorder of what each one received.
import WebSocket from "ws";
import { CimApiError, CimClient, type ChatMessage, type CimClientOptions, type HttpSendInput, type Presence, type SocketLike } from "@cim/client";
import { waitUntil } from "./services.js";

/** Opens sockets with the `ws` package; `origin` is sent like a browser would. */
export function nodeSocketFactory(origin?: string) {
  return (url: string) => new WebSocket(url, origin ? { origin } : {}) as unknown as SocketLike;
}

/** A client that records every message, presence change and state it sees. */
export class RecordingClient extends CimClient {
  readonly messages: ChatMessage[] = [];
  readonly presence: Presence[] = [];
  readonly states: string[] = [];

  constructor(routeUrl: string, options: Partial<CimClientOptions> = {}) {
    super({ routeUrl, createSocket: nodeSocketFactory(), backoff: { baseMs: 100, maxMs: 1_000 }, ...options });
    this.onMessage((m) => this.messages.push(m));
    this.onPresence((p) => this.presence.push(p));
    this.onState((s) => this.states.push(s));
  }

  /** Texts received, in order. */
  texts(): string[] {
    return this.messages.map((m) => m.text);
  }

  async waitForText(text: string, timeoutMs = 20_000): Promise<ChatMessage> {
    await waitUntil(() => this.messages.some((m) => m.text === text), timeoutMs, `${this.session?.userName ?? "client"} to receive "${text}"`);
    return this.messages.find((m) => m.text === text)!;
  }
}

/** Registers and logs in a fresh user; names get a random suffix so tests never collide. */
export async function newUser(routeUrl: string, name: string, options: Partial<CimClientOptions> = {}): Promise<RecordingClient> {
  const client = new RecordingClient(routeUrl, options);
  const userName = `${name}-${Math.random().toString(36).slice(2, 8)}`;
  await client.register(userName, "cim-test-pass-1");
  await client.logIn(userName, "cim-test-pass-1");
  return client;
}

/**
 * A device of an existing user logged in on gateway `gatewayId`: route picks the gateway, so a login that lands
 * elsewhere is logged out and made again until one lands there.
 */
export async function deviceOn(routeUrl: string, userName: string, password: string, gatewayId: string, options: Partial<CimClientOptions> = {}): Promise<RecordingClient> {
  for (;;) {
    const client = new RecordingClient(routeUrl, options);
    await client.logIn(userName, password);
    if (client.gateway!.id === gatewayId) return client;
    await client.logout();
  }
}

/**
 * POST /api/messages as a client does through a fault: sent again with the same clientMsgId (stored once) after a
 * 503, a 429 or no answer, until stored or `timeoutMs` passed; other refusals reject at once.
 */
export async function sendHttpUntilStored(client: CimClient, input: HttpSendInput & { clientMsgId: string }, timeoutMs = 30_000): Promise<{ msgId: string }> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await client.sendHttp(input);
    } catch (error) {
      const transient = error instanceof CimApiError && (error.status === 0 || error.status === 429 || error.status === 503);
      if (!transient || Date.now() > until) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}
