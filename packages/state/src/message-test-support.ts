// Helpers of the message store's integration tests: accounts, rooms and sends on a harness's Redis.
import type { RedisClient } from "./redis.js";
import { conv, keys } from "./keys.js";
import type { MessageStore, StoredMessage } from "./messages.js";

let counter = 0;
export interface SendInput {
  from?: string;
  to?: string;
  room?: string;
  text?: string;
  clientMsgId?: string;
  dev?: string;
}

/** Stores one message with a fresh clientMsgId unless one is given; fails the test on a refusal. */
export async function send(store: MessageStore, input: SendInput): Promise<StoredMessage> {
  const from = input.from ?? "1";
  const target = input.to ? { to: input.to } : input.room ? { room: input.room } : {};
  const result = await store.store({ clientMsgId: input.clientMsgId ?? `c-${++counter}`, from, fromName: `user${from}`, fromDevice: input.dev ?? `dev-${from}`, text: input.text ?? "hi", ...target });
  if ("error" in result) throw new Error(`store refused: ${result.error}`);
  return result.message;
}

export async function account(redis: RedisClient, ...userIds: string[]): Promise<void> {
  for (const userId of userIds) await redis.hset(keys.account(userId), { userName: `user${userId}`, passwordHash: "x", createdAt: "0" });
}

export async function room(redis: RedisClient, roomId: string, ...members: string[]): Promise<void> {
  await redis.hset(conv.roomMeta(roomId), { name: roomId, visibility: "public", owner: members[0] ?? "", createdAt: "0" });
  if (members.length) await redis.sadd(conv.roomMembers(roomId), ...members);
}

export const streamIds = async (redis: RedisClient, key: string) => (await redis.xrange(key, "-", "+")).map(([id]) => id.split("-")[0]!);
export const everyone = conv.messages("everyone");
export const pair = (a: string, b: string) => conv.messages(conv.ofPair(a, b));

/** How many commands `name` the Redis of `redis` ran so far (INFO commandstats). */
export async function commandCalls(redis: RedisClient, name: string): Promise<number> {
  const stats = await redis.info("commandstats");
  return Number(new RegExp(`cmdstat_${name}:calls=(\\d+)`).exec(stats)?.[1] ?? 0);
}
