// The route HTTP API as typed calls; failures throw CimApiError with the server's code and message.
import type { ChatMessage } from "@cim/protocol";

export interface GatewayAddress {
  id: string;
  wsUrl: string;
}

export interface LoginAnswer {
  userId: string;
  userName: string;
  token: string;
  gateway: GatewayAddress;
}

export interface OnlineUser {
  userId: string;
  userName: string;
}

/** A stored message as history returns it: the same fields as a pushed Message frame. */
export type HistoryMessage = ChatMessage;

export interface AdminStats {
  online: number;
  gateways: Array<{ id: string; wsUrl: string; connections: number; startedAt: number }>;
  messagesTotal: number;
  messagesPerSecond: number;
  at: number;
}

/**
 * An error answer of route: `status` is the HTTP status (0 when route could not be reached); for a 429,
 * `retryAfterSeconds` is route's Retry-After (undefined when it sent none).
 */
export class CimApiError extends Error {
  override readonly name = "CimApiError";
  constructor(readonly status: number, readonly code: string, message: string, readonly retryAfterSeconds?: number) {
    super(message);
  }
}

/** Retry-After as seconds: either delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

export class RouteApi {
  constructor(private readonly baseUrl: string, private readonly fetchImpl: typeof fetch = (...args) => globalThis.fetch(...args)) {}

  register(userName: string, password: string): Promise<{ userId: string; userName: string }> {
    return this.call("POST", "/api/register", { body: { userName, password } });
  }

  login(userName: string, password: string): Promise<LoginAnswer> {
    return this.call("POST", "/api/login", { body: { userName, password } });
  }

  /** A fresh token and a live gateway for a token holder; `avoid` is the gateway that just failed. */
  reconnect(token: string, avoid?: string): Promise<LoginAnswer> {
    return this.call("POST", "/api/reconnect", { token, body: avoid ? { avoid } : {} });
  }

  logout(token: string): Promise<void> {
    return this.call("POST", "/api/logout", { token });
  }

  online(token: string): Promise<{ users: OnlineUser[] }> {
    return this.call("GET", "/api/online", { token });
  }

  history(token: string, query: { with?: string; before?: string; limit?: number } = {}): Promise<{ messages: HistoryMessage[] }> {
    const params = new URLSearchParams();
    if (query.with) params.set("with", query.with);
    if (query.before) params.set("before", query.before);
    if (query.limit) params.set("limit", String(query.limit));
    const qs = params.toString();
    return this.call("GET", `/api/history${qs ? `?${qs}` : ""}`, { token });
  }

  sendMessage(token: string, message: { to?: string; text: string; clientMsgId?: string }): Promise<{ msgId: string }> {
    return this.call("POST", "/api/messages", { token, body: message });
  }

  adminStats(adminToken: string): Promise<AdminStats> {
    return this.call("GET", "/api/admin/stats", { token: adminToken });
  }

  private async call<T>(method: string, path: string, options: { token?: string; body?: unknown }): Promise<T> {
    const headers: Record<string, string> = {};
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.body !== undefined) headers["content-type"] = "application/json";
    let response: Response;
    try {
      response = await this.fetchImpl(`${this.baseUrl}${path}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new CimApiError(0, "unreachable", `route is unreachable: ${(error as Error).message}${cause ? ` (${cause.code ?? cause.message})` : ""}`);
    }
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    let json: unknown = undefined;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: reported below
    }
    if (!response.ok) {
      const error = (json as { error?: { code?: string; message?: string } } | undefined)?.error;
      const retryAfter = response.status === 429 ? parseRetryAfter(response.headers.get("retry-after")) : undefined;
      throw new CimApiError(response.status, error?.code ?? "http_error", error?.message ?? `HTTP ${response.status}`, retryAfter);
    }
    return json as T;
  }
}
