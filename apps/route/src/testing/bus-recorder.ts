// Records what is published on cim-bus:all, for tests of the events route announces.
import { waitUntil } from "@cim/devstack";
import { channels, parseClusterMessage, type ClusterMessage, type Redis } from "@cim/state";

export interface BusRecorder {
  readonly messages: readonly ClusterMessage[];
  /** Resolves with the first recorded message `match` accepts, waiting up to 5 s for it. */
  waitFor: (match: (message: ClusterMessage) => boolean) => Promise<ClusterMessage>;
  stop: () => void;
}

/** Subscribes a connection of its own (a duplicate of `redis`) to cim-bus:all. */
export async function recordBus(redis: Redis): Promise<BusRecorder> {
  const subscriber = redis.duplicate();
  const messages: ClusterMessage[] = [];
  subscriber.on("message", (_channel: string, payload: string) => {
    const message = parseClusterMessage(payload);
    if (message) messages.push(message);
  });
  await subscriber.subscribe(channels.all);
  return {
    messages,
    waitFor: async (match) => {
      await waitUntil(() => messages.some(match), 5_000, "a bus message");
      return messages.find(match)!;
    },
    stop: () => subscriber.disconnect(),
  };
}
