// The gateway's end of the bus: subscribes, hands every bus message to FanOut, and catches up after a lost connection.
import { BusWatchdog, channels, isCluster, nextReady, offBusMessage, offNodeLoaded, onBusMessage, onNodeLoaded, parseClusterMessages, subscribe } from "@cim/state";
import type { GatewayDeps, GatewayServices } from "./gateway-services.js";
import { Pump } from "./pump.js";

export interface BusLink {
  /**
   * Subscribes the gateway's channels and starts delivery; then keeps them (re-subscriptions, the watchdog) and
   * writes again the session counts a lost command connection failed. Rejects if stopped before it is done.
   */
  start: () => Promise<void>;
  /** Stops the watchdog and takes its listeners off both clients (which outlive it: the caller closes them). */
  stop: () => void;
}

export function createBusLink({ config, log, redis, subscriber }: GatewayDeps, services: GatewayServices): BusLink {
  const gatewayId = config.GATEWAY_ID;
  const { metrics, fanOut, delivery, membershipSync, blocks, presence, presenceSubscriptions, busChannels } = services;
  // Wake-ups published while the bus was down are lost: after a reconnect every reader catches up.
  // Rooms wait until memberships are read again (MembershipSync); the group and the inboxes catch up at once.
  const catchUpOnce = async (): Promise<void> => {
    const resynced = membershipSync.resync();
    delivery.wakeAll();
    const reloaded = blocks.reloadAll().then(() => presenceSubscriptions.refreshAll()).catch((error: unknown) => log.error({ err: error }, "re-reading blocks and presence after the bus came back failed"));
    // A kick published meanwhile is lost too: a login ended then would keep its socket until its token expires.
    const revoked = fanOut.closeRevoked()
      .then((closed) => closed > 0 && log.info({ closed }, "closed the sockets of logins ended while the bus was down"))
      .catch((error: unknown) => log.error({ err: error }, "checking for logins ended while the bus was down failed"));
    await Promise.allSettled([resynced, reloaded, revoked]);
  };
  // One catch-up at a time, and one more for all asked for while it ran (it starts after each of them): in a
  // cluster failover ioredis says subscribersReady at each reconnect attempt (178 times in 4 s in a probe run),
  // and each catch-up re-reads every user's memberships and blocks.
  const catchUps = new Pump({ drain: catchUpOnce, failed: (error) => log.error({ err: error }, "catching up after the bus came back failed") });
  const catchUp = (): void => catchUps.wake();
  const watchdog = new BusWatchdog({
    redis, subscriber, canary: channels.gateway(gatewayId), channels: () => [...busChannels],
    onResubscribed: () => {
      log.warn("sharded bus subscription was missing on its shard: subscribed again, catching up from the streams");
      catchUp();
    },
    onError: (error) => log.warn({ err: (error as Error).message }, "checking the sharded bus subscription failed"),
  });

  function receive(channel: string, payload: string): void {
    const messages = parseClusterMessages(payload);
    if (!messages) {
      metrics.busErrors.inc();
      log.warn({ channel }, "dropped a malformed bus message");
      return;
    }
    for (const message of messages) {
      try {
        fanOut.handle(message);
      } catch (error) {
        metrics.busErrors.inc();
        log.error({ err: error, channel, type: message.type }, "bus message handling failed");
      }
    }
  }

  function onResubscribed(): void {
    if (isCluster(subscriber)) {
      if (!catchUps.busy) log.info("bus resubscribed: catching up from the streams");
      return catchUp();
    }
    // ioredis says ready before it sends the re-subscription: a catch-up read now may run before the SUBSCRIBE,
    // and what is published between them is lost. A PING sent after it is answered once it is in place.
    setImmediate(() => {
      subscriber.ping().then(() => {
        log.info("bus resubscribed: catching up from the streams");
        catchUp();
      }, (error: unknown) => membershipSync.unconfirmed(`bus re-subscription not confirmed (${(error as Error).message}): catching up at the next ready`));
    });
  }

  const lost = () => membershipSync.lost();
  // Session counts whose write failed while Redis was down (a user logged off meanwhile) are written now.
  const rewriteCounts = () => void presence.rewriteFailed().catch((error: unknown) => log.error({ err: error }, "writing session counts again failed"));
  // A cluster's sharded subscribers re-subscribe after a failover or a slot move (MOVED), then say subscribersReady.
  const resubscribedEvent = isCluster(subscriber) ? "subscribersReady" : "ready";
  // They say so at once, also to a master restarted on its AOF that still loads: the catch-up's reads of its slots
  // (inboxes, blocks, revoked logins) failed fast with LOADING and are not tried again by anything else.
  const nodeLoaded = () => {
    log.info("a Redis Cluster node has loaded its data: catching up from the streams");
    catchUp();
  };

  // Ends a start still waiting: its wait for the subscriber takes its listener off, and it adds none after stop.
  const stopped = new AbortController();
  const stillRunning = () => {
    if (stopped.signal.aborted) throw new Error("bus link stopped before it had started");
  };
  // Not node:events' once: the connection's errors (Redis down at the start) would end the wait, and the start.
  const waitReady = () => nextReady(subscriber, stopped.signal).catch((error: unknown) => {
    stillRunning();
    throw error;
  });

  async function start(): Promise<void> {
    onBusMessage(subscriber, receive);
    // Subscribing before the connection is ready races with its setup commands (CLIENT SETNAME, INFO).
    if (subscriber.status !== "ready") await waitReady();
    await subscribe(subscriber, channels.gateway(gatewayId), channels.all);
    await delivery.start();
    stillRunning();
    subscriber.on("close", lost);
    subscriber.on(resubscribedEvent, onResubscribed);
    redis.on("ready", rewriteCounts);
    onNodeLoaded(redis, nodeLoaded);
    watchdog.start();
  }

  function stop(): void {
    stopped.abort();
    watchdog.stop();
    offBusMessage(subscriber, receive);
    subscriber.off("close", lost);
    subscriber.off(resubscribedEvent, onResubscribed);
    redis.off("ready", rewriteCounts);
    offNodeLoaded(redis, nodeLoaded);
  }

  return { start, stop };
}
