// Builds the gateway's services on its Redis clients and wires them to each other: no sockets, no listening yet.
import type { Logger } from "pino";
import type { ZkSession } from "@cim/discovery";
import { AccountStore, BlockStore, BusPublisher, channels, InboxStore, isCluster, LoginGate, MessageStore, ReadStore, ReceiptStore, ReplicaWait, RoomStore, SessionStore, subscribe, unsubscribe, type RedisClient } from "@cim/state";
import { TokenSigner } from "@cim/token";
import { Admission } from "./admission.js";
import { BlockList } from "./block-list.js";
import { ChatService } from "./chat-service.js";
import type { GatewayConfig } from "./config.js";
import { Delivery } from "./delivery.js";
import { FanOut } from "./fan-out.js";
import { FrameHandler } from "./frame-handler.js";
import { GoneAccounts } from "./gone-accounts.js";
import { Membership } from "./membership.js";
import { MembershipSync } from "./membership-sync.js";
import { createMetrics, type GatewayMetrics } from "./metrics.js";
import { PresenceFanOut } from "./presence-fan-out.js";
import { PresenceInterest } from "./presence-interest.js";
import { PresenceKeeper } from "./presence-keeper.js";
import { PresenceSubscriptions } from "./presence-subscriptions.js";
import { ReceiptService } from "./receipt-service.js";
import { RoomEvents } from "./room-events.js";
import { SendOrder } from "./send-order.js";
import { SessionSweep } from "./session-sweep.js";
import { SessionTable } from "./session-table.js";
import { TypingInterest } from "./typing-interest.js";
import { UserBudget } from "./user-budget.js";
import { TypingRelay } from "./typing-relay.js";

export interface GatewayDeps {
  config: GatewayConfig;
  log: Logger;
  /** Commands and publishing. */
  redis: RedisClient;
  /** A second client, in subscriber mode (on a cluster: sharded subscribers, one connection per master). */
  subscriber: RedisClient;
  zk: ZkSession;
}

/** What the sockets, the bus link and the lifecycle use; the rest stays inside. */
export interface GatewayServices {
  metrics: GatewayMetrics;
  table: SessionTable;
  sessions: SessionStore;
  bus: BusPublisher;
  delivery: Delivery;
  presence: PresenceKeeper;
  blocks: BlockList;
  presenceSubscriptions: PresenceSubscriptions;
  membershipSync: MembershipSync;
  admission: Admission;
  chat: ChatService;
  frames: FrameHandler;
  fanOut: FanOut;
  sweep: SessionSweep;
  /** The bus channels held now. */
  busChannels: Set<string>;
  /** Claims this gateway's users again and wakes every reader (`why` goes to the log). */
  reclaim: (why: string) => Promise<void>;
}

/** Gateways only verify tokens; the signer's lifetime is unused here. */
const TOKEN_TTL_UNUSED_S = 1;

/** The bus channels held, and how services subscribe more: a cluster's watchdog subscribes them again if a re-subscription went missing. */
function busSubscriptions(subscriber: RedisClient, gatewayId: string) {
  const busChannels = new Set([channels.gateway(gatewayId), channels.all]);
  const subscriptions = {
    subscribe: (channel: string) => {
      busChannels.add(channel);
      return subscribe(subscriber, channel);
    },
    unsubscribe: (channel: string) => {
      busChannels.delete(channel);
      return unsubscribe(subscriber, channel);
    },
  };
  return { busChannels, subscriptions };
}

function createStores(redis: RedisClient, config: GatewayConfig) {
  const sessions = new SessionStore(redis);
  const retention = { maxLenPerStream: config.CIM_STREAM_MAXLEN, maxAgeSeconds: config.CIM_STREAM_MAX_AGE_SECONDS };
  return {
    sessions,
    bus: new BusPublisher(redis, sessions),
    // The store hands this gateway the wake-ups of its senders' own inboxes instead of publishing them to it.
    messages: new MessageStore(redis, { ...retention, gatewayId: config.GATEWAY_ID, newPeersPerHour: config.CIM_NEW_PEERS_PER_HOUR }),
    inboxes: new InboxStore(redis, retention),
    reads: new ReadStore(redis),
    receipts: new ReceiptStore(redis),
    rooms: new RoomStore(redis),
  };
}

export function createServices(deps: GatewayDeps): GatewayServices {
  const { config, log, redis, subscriber, zk } = deps;
  const gatewayId = config.GATEWAY_ID;
  const metrics = createMetrics({
    redisUp: () => redis.status === "ready" && subscriber.status === "ready",
    zookeeperUp: () => zk.state === "connected",
    presenceChannels: () => presenceInterest.channelCount,
    presenceWatched: () => presenceInterest.watchedCount,
  });
  const table = new SessionTable();
  const { sessions, bus, messages, inboxes, reads, receipts, rooms } = createStores(redis, config);
  const membership = new Membership((userId) => rooms.roomsOf(userId));
  const { busChannels, subscriptions } = busSubscriptions(subscriber, gatewayId);
  const delivery = new Delivery({ messages, inboxes, receipts, reads, table, membership, rooms, subscriptions, metrics, log, roomsHeld: (): boolean => membershipSync.held, confirmWakes: isCluster(redis) });
  const presence = new PresenceKeeper({ gatewayId, sessions, bus, table, log });
  const presenceInterest = new PresenceInterest(subscriptions, log);
  const blocks = new BlockList(new BlockStore(redis), log, (userId, other, hidden) =>
    hidden ? presenceSubscriptions.hideFrom(table.sessionsOf(userId), other) : presenceSubscriptions.answerAgain(table.sessionsOf(userId), other));
  const presenceFanOut = new PresenceFanOut(presenceInterest, metrics, (userId, other) => blocks.hides(userId, other));
  const presenceBudget = new UserBudget(config.CIM_PRESENCE_IDS_PER_SEC_PER_USER, config.CIM_PRESENCE_IDS_BURST_PER_USER);
  const presenceSubscriptions = new PresenceSubscriptions({ interest: presenceInterest, fanOut: presenceFanOut, sessions, blocks, budget: presenceBudget, log });
  const typingInterest = new TypingInterest();
  const roomEvents = new RoomEvents({ table, membership, delivery, metrics, log });
  const membershipSync = new MembershipSync({ refresh: () => roomEvents.refreshAll(), wakeRooms: () => delivery.rooms.wakeAll(), log });
  const admission = new Admission({
    maxPendingPerClient: config.CIM_MAX_PENDING_PER_IP, maxSocketsPerClient: config.CIM_MAX_SOCKETS_PER_IP, connectRatePerSec: config.CIM_CONNECT_RATE_PER_IP,
    connectBurst: config.CIM_CONNECT_BURST_PER_IP, exempt: config.CIM_CONNECT_LIMIT_EXEMPT,
  });
  const goneAccounts = new GoneAccounts({ messages, accounts: new AccountStore(redis), table, log });
  const chat = new ChatService({
    gatewayId, heartbeatMs: config.CIM_HEARTBEAT_MS, frameRate: { perSec: config.CIM_RATE_PER_SEC, burst: config.CIM_RATE_BURST, sendsInFlight: config.CIM_MAX_SENDS_IN_FLIGHT }, maxSessionsPerUser: config.CIM_MAX_SESSIONS_PER_USER,
    logins: new LoginGate(redis, gatewayId, { maxSessions: config.CIM_MAX_SESSIONS_PER_USER, loginsPerSec: config.CIM_WS_LOGINS_PER_SEC_PER_USER, loginsBurst: config.CIM_WS_LOGINS_BURST_PER_USER }),
    onLoggedIn: (session) => admission.settled(session), tokens: new TokenSigner(config.CIM_TOKEN_SECRET, { ttlSeconds: TOKEN_TTL_UNUSED_S, clockToleranceSeconds: config.CIM_CLOCK_TOLERANCE_SECONDS, previousSecrets: config.CIM_TOKEN_SECRET_PREVIOUS }),
    sessions, messages, presence, presenceSubscriptions, typingInterest, membership, blocks, table, delivery, goneAccounts, metrics, log,
    replicas: new ReplicaWait(redis, { replicas: config.CIM_REDIS_WAIT_REPLICAS, timeoutMs: config.CIM_REDIS_WAIT_TIMEOUT_MS }, metrics, log),
    privateInOrder: isCluster(redis),
    order: new SendOrder(() => redis.status === "ready", Date.now, config.CIM_SEND_RESEND_GRACE_MS),
  });
  const receiptService = new ReceiptService({ messages, inboxes, reads, receipts, membership, blocks, bus, log });
  const typing = new TypingRelay({ table, membership, interest: typingInterest, blocks, bus, conversations: messages, log });
  const frames = new FrameHandler(chat, receiptService, typing, presenceSubscriptions, metrics, log, {
    maxSendsInFlight: config.CIM_MAX_SENDS_IN_FLIGHT, userSends: new UserBudget(config.CIM_RATE_PER_SEC, config.CIM_RATE_BURST),
  });
  // Route may have released our users (we were gone from ZooKeeper): claim them again, then read every session's
  // streams from its cursor, since what was sent to them meanwhile woke no reader here.
  // Rejects when the counts could not be written (logged here); the streams are read either way.
  const reclaim = async (why: string): Promise<void> => {
    try {
      log.info({ users: await presence.reclaimAll() }, `sessions re-claimed: ${why}`);
    } catch (error) {
      log.error({ err: error }, `re-claiming sessions failed (${why})`);
      throw error;
    } finally {
      delivery.wakeAll();
    }
  };
  const fanOut = new FanOut({ table, delivery, roomEvents, typing, blocks, presence: presenceFanOut, metrics, log, reclaim: () => void reclaim("route released them").catch(() => undefined), accountGone: (userId) => goneAccounts.heard(userId), isRevoked: (login) => sessions.isRevoked(login) });
  const sweep = new SessionSweep({
    table, idleTimeoutMs: config.CIM_IDLE_TIMEOUT_MS, loginTimeoutMs: config.CIM_LOGIN_TIMEOUT_MS, sendStallTimeoutMs: config.CIM_SEND_STALL_TIMEOUT_MS, onSweep: () => admission.sweep(), metrics, log,
  });
  return { metrics, table, sessions, bus, delivery, presence, blocks, presenceSubscriptions, membershipSync, admission, chat, frames, fanOut, sweep, busChannels, reclaim };
}
