// What route handlers share: the services built once in createApp, and the Hono env with the caller.
import type { PasswordAttempts } from "./password-attempts.js";
import type { UserRequests } from "./user-requests.js";
import type { Logger } from "pino";
import type { GatewayInfo } from "@cim/discovery";
import type { AccountStore, BlockStore, BusPublisher, MessageSearch, MessageStore, ReadStore, ReplicaWait, RoomStore, SessionStore, UserDirectory } from "@cim/state";
import type { TokenClaims, TokenSigner } from "@cim/token";
import type { AbuseGuard } from "./abuse-guard.js";
import type { RouteConfig } from "./config.js";
import type { GatewayHealth } from "./gateway-health.js";
import type { GatewayPicker } from "./gateway-picker.js";
import type { RouteMetrics } from "./metrics.js";
import type { MessageRate } from "./message-rate.js";
import type { Presence } from "./presence.js";

/** The live gateways, as the ZooKeeper watch sees them. */
export interface GatewayList {
  list(): readonly GatewayInfo[];
  has(gatewayId: string): boolean;
}

export interface Services {
  config: RouteConfig;
  log: Logger;
  /** Live gateways that answer their health checks: what logins are given. */
  gateways: GatewayList;
  health: Pick<GatewayHealth, "all" | "report" | "unreachable" | "missing" | "start" | "stop">;
  picker: GatewayPicker;
  tokens: TokenSigner;
  accounts: AccountStore;
  blocks: BlockStore;
  sessions: SessionStore;
  messages: MessageStore;
  /** Waits for replicas before POST /api/messages answers (CIM_REDIS_WAIT_REPLICAS), as a gateway's SendAck does. */
  replicas: Pick<ReplicaWait, "confirm">;
  search: MessageSearch;
  reads: ReadStore;
  rooms: RoomStore;
  users: UserDirectory;
  presence: Presence;
  bus: BusPublisher;
  metrics: RouteMetrics;
  rate: MessageRate;
  guard: AbuseGuard;
  /** Each user's requests in progress on this process (capped: CIM_MAX_REQUESTS_PER_USER). */
  requests: UserRequests;
  /** The searches in progress on this process, all users together (one key; CIM_MAX_SEARCHES_IN_PROGRESS). */
  searches: UserRequests;
  /**
   * Attempts at a password in progress, one per key on all route processes, the rest waiting: a login per address and
   * name (`<address>|<name key>`), a password change or account deletion per login (`|<sessionId>`).
   */
  loginAttempts: PasswordAttempts;
}

/**
 * `clientMsgId`: the id a send is stored under (the caller's, or one route made), set before the store: a 503 answer
 * names it, so a send that may have been stored is sent again under it and stored once.
 */
export type AppEnv = { Variables: { user: TokenClaims; clientMsgId?: string } };
