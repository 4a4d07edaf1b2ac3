// While Redis loads its data (a restart on a large AOF), commands fail at once with LOADING instead of waiting in
// ioredis' offline queue for the command timeout: route answers 503 and a gateway `unavailable` (the SDK resends)
// in milliseconds rather than 10 s. A Redis that is only slow is waited for as before: this acts only on a connection
// that Redis itself told, in INFO, that it is loading, and only until ioredis' ready check finds it done.
import { exists, hasFlag } from "@ioredis/commands";
import { Command, type Redis } from "ioredis";

/** The message of a command failed here (isRedisUnavailable counts it, as Redis' own LOADING answer). */
export const LOADING_MESSAGE = "LOADING Redis is loading the dataset in memory (known from INFO: not queued)";

/** Whether ioredis writes `name` on a connection that is not ready yet (Redis serves it while loading). */
function servedWhileLoading(name: string, stream: unknown): boolean {
  return !stream && exists(name, { caseInsensitive: true }) && (hasFlag(name, "loading", { nameCaseInsensitive: true }) || Command.checkFlag("HANDSHAKE_COMMANDS", name));
}

/** Connections watched already (a cluster's node connections are handed over as they are made). */
const guarded = new WeakSet<Redis>();

/**
 * Watches `client` (a single node, or one node's connection of a cluster client): at each connection it asks INFO (served while loading); when Redis answers that
 * it loads, the commands ioredis holds for the ready connection fail with LOADING_MESSAGE and are never sent (a
 * command that timed out is still sent once Redis serves: a write the client was told had failed), and so does every
 * command until "ready". Commands Redis serves while loading (PUBLISH, SUBSCRIBE, INFO) go on as before. `onLoaded`
 * is called at the "ready" that ends such a load: what failed meanwhile may want doing again.
 */
export function failFastWhileLoading(client: Redis, onLoaded: () => void = () => undefined): void {
  if (guarded.has(client)) return;
  guarded.add(client);
  let loading = false;
  /** Commands held for the ready connection, until they settle. */
  const held = new Set<Command>();
  /** Commands failed here: ioredis' flush of its queue at "ready" must not send them. */
  const abandoned = new WeakSet<Command>();
  const send = client.sendCommand.bind(client);
  const fail = (command: Command) => {
    abandoned.add(command);
    command.reject(new Error(LOADING_MESSAGE));
  };
  client.sendCommand = (command: Command, stream?: Parameters<Redis["sendCommand"]>[1]) => {
    if (abandoned.has(command)) return command.promise;
    if (client.status === "ready" || servedWhileLoading(command.name, stream)) return send(command, stream);
    if (loading) {
      fail(command);
      return command.promise;
    }
    held.add(command);
    const settled = () => void held.delete(command);
    command.promise.then(settled, settled);
    return send(command, stream);
  };
  const askWhetherLoading = () => {
    if (client.status !== "connect") return;
    client.info("persistence").then((info) => {
      if (client.status !== "connect" || !/^loading:1\r?$/m.test(info)) return;
      loading = true;
      for (const command of held) fail(command);
      held.clear();
    }, () => undefined);
  };
  client.on("connect", () => {
    loading = false;
    // Not in the listener: ioredis emits "connect" before it resets the connection's queue of answers awaited.
    queueMicrotask(askWhetherLoading);
  });
  client.on("ready", () => {
    if (loading) onLoaded();
    loading = false;
  });
  client.on("close", () => void (loading = false));
}
