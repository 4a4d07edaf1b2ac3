// How the bench makes CIM users and their tokens: the one place to swap for the operator tools (bulk user
// creation, token issuing) once they exist, so no workload knows the Redis layout or the token format.
import { Cluster as RedisCluster, Redis, type ClusterNode } from "ioredis";
import { TEST_TOKEN_SECRET } from "@cim/devstack";
import { encodeFrame } from "@cim/protocol";
import { TokenSigner } from "@cim/token";

const BATCH = 1000;
const TOKEN_TTL_S = 3600;

/**
 * Creates accounts u<id> for `ids` (idempotent) on a single Redis (its URL) or a Redis Cluster (its nodes).
 * Presence stays as it ships: nobody is marked online.
 */
export async function createUsers(redisAt: string | ClusterNode[], ids: number[]): Promise<void> {
  const options = { enableAutoPipelining: true };
  const redis = typeof redisAt === "string" ? new Redis(redisAt, options) : new RedisCluster(redisAt, options);
  try {
    for (let i = 0; i < ids.length; i += BATCH) {
      // One command per key (each account is a slot of its own on a cluster), sent together by auto-pipelining.
      await Promise.all(ids.slice(i, i + BATCH).map((id) => redis.hset(`cim-account:${id}`, "userName", `u${id}`, "passwordHash", "-", "createdAt", "0")));
    }
  } finally {
    redis.disconnect();
  }
}

/** Issues session tokens with the secret the devstack gateways and route verify. */
export class TokenIssuer {
  private readonly signer = new TokenSigner(TEST_TOKEN_SECRET, TOKEN_TTL_S);

  async token(id: number): Promise<string> {
    return (await this.signer.sign({ userId: String(id), userName: `u${id}` })).token;
  }

  /** The Login frame of a fresh token for `id`, with the positions a reconnecting client names. */
  async loginFrame(id: number, after: { inboxAfter?: string } = {}, token?: string): Promise<Buffer> {
    return Buffer.from(encodeFrame({ kind: "login", body: { token: token ?? (await this.token(id)), inboxAfter: after.inboxAfter ?? "" } }));
  }
}
