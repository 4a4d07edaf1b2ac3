// Records what is published on bus channels (cim-bus:all by default), for tests of what route announces.
import { waitUntil } from "@cim/devstack";
import { channels, parseClusterMessages, type ClusterMessage, type Redis } from "@cim/state";

/** A recorded message with the channel it came on. */
export type Recorded = ClusterMessage & { channel: string };

export interface BusRecorder {
  readonly messages: readonly Recorded[];
  /** Resolves with the first recorded message `match` accepts, waiting up to 5 s for it. */
  waitFor: (match: (message: Recorded) => boolean) => Promise<Recorded>;
  stop: () => void;
}

/** Subscribes a connection of its own (a duplicate of `redis`) to `names`. */
export async function recordBus(redis: Redis, names: readonly string[] = [channels.all]): Promise<BusRecorder> {
  const subscriber = redis.duplicate();
  const messages: Recorded[] = [];
  subscriber.on("message", (channel: string, payload: string) => {
    for (const message of parseClusterMessages(payload) ?? []) messages.push({ ...message, channel });
  });
  await subscriber.subscribe(...names);
  return {
    messages,
    waitFor: async (match) => {
      await waitUntil(() => messages.some(match), 5_000, "a bus message");
      return messages.find(match)!;
    },
    stop: () => subscriber.disconnect(),
  };
}
