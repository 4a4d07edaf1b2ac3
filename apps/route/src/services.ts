// Builds route's services from its config and clients: used by index.ts and by tests through app.request().
import type { Logger } from "pino";
import { AccountStore, BlockStore, BusPublisher, GatewaySightings, MessageSearch, MessageStore, ReadStore, ReplicaWait, RoomStore, SessionStore, UserDirectory, type RedisClient } from "@cim/state";
import { TokenSigner } from "@cim/token";
import { AbuseGuard } from "./abuse-guard.js";
import { PasswordAttempts } from "./password-attempts.js";
import { UserRequests } from "./user-requests.js";
import { abuseLimits, type RouteConfig } from "./config.js";
import type { GatewayList, Services } from "./context.js";
import { GatewayHealth, httpProbe, type Probe } from "./gateway-health.js";
import { createPicker } from "./gateway-picker.js";
import { MessageRate } from "./message-rate.js";
import { createMetrics } from "./metrics.js";
import { Presence } from "./presence.js";
import { nameKey } from "./user-names.js";

/** `directory` is ZooKeeper's view; handed-out gateways also pass `probe` (their /healthz by default). */
export function createServices(deps: { config: RouteConfig; log: Logger; redis: RedisClient; directory: GatewayList; probe?: Probe }): Services {
  const { config, log, redis, directory } = deps;
  const gateways = new GatewayHealth(directory, deps.probe ?? httpProbe, log, undefined, new GatewaySightings(redis));
  const sessions = new SessionStore(redis);
  // accountKnownMs 0: route hears no bus, so it asks Redis at each private send (one EXISTS beside the login check
  // every request makes) and refuses a send to an account deleted through another route process at once.
  const messages = new MessageStore(redis, { maxLenPerStream: config.CIM_STREAM_MAXLEN, maxAgeSeconds: config.CIM_STREAM_MAX_AGE_SECONDS, accountKnownMs: 0, newPeersPerHour: config.CIM_NEW_PEERS_PER_HOUR });
  const metrics = createMetrics();
  return {
    config, log, gateways, health: gateways, sessions, messages, search: new MessageSearch(redis),
    metrics,
    replicas: new ReplicaWait(redis, { replicas: config.CIM_REDIS_WAIT_REPLICAS, timeoutMs: config.CIM_REDIS_WAIT_TIMEOUT_MS }, metrics, log),
    rate: new MessageRate(() => messages.count()),
    bus: new BusPublisher(redis, sessions),
    picker: createPicker(config.CIM_ROUTE_STRATEGY, (ids) => sessions.connections(ids)),
    tokens: new TokenSigner(config.CIM_TOKEN_SECRET, { ttlSeconds: config.CIM_TOKEN_TTL_SECONDS, sessionLifetimeSeconds: config.CIM_SESSION_MAX_SECONDS, previousSecrets: config.CIM_TOKEN_SECRET_PREVIOUS }),
    accounts: new AccountStore(redis),
    blocks: new BlockStore(redis),
    reads: new ReadStore(redis),
    // The canonical name orders a room's member pages and finds its members by prefix, as it does users.
    rooms: new RoomStore(redis, { nameKeyOf: nameKey }),
    users: new UserDirectory(redis),
    presence: new Presence(redis),
    guard: new AbuseGuard(redis, abuseLimits(config)),
    requests: new UserRequests(config.CIM_MAX_REQUESTS_PER_USER, config.CIM_MAX_WAITING_REQUESTS_PER_USER),
    searches: new UserRequests(config.CIM_MAX_SEARCHES_IN_PROGRESS, config.CIM_MAX_SEARCHES_WAITING),
    // One at a time per (address, name) and per login, on every route process together: a burst of guesses is checked
    // and counted as a loop of them.
    loginAttempts: new PasswordAttempts(redis, log),
  };
}
