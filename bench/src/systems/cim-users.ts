// How the bench makes CIM users and their tokens: the one place to swap for the operator tools (bulk user
// creation, token issuing) once they exist, so no workload knows the Redis layout or the token format.
import { Redis } from "ioredis";
import { TEST_TOKEN_SECRET } from "@cim/devstack";
import { encodeFrame } from "@cim/protocol";
import { TokenSigner } from "@cim/token";

const BATCH = 1000;
const TOKEN_TTL_S = 3600;

/** Creates accounts u<id> for `ids` (idempotent). Presence stays as it ships: nobody is marked online. */
export async function createUsers(redisUrl: string, ids: number[]): Promise<void> {
  const redis = new Redis(redisUrl);
  try {
    for (let i = 0; i < ids.length; i += BATCH) {
      const pipeline = redis.pipeline();
      for (const id of ids.slice(i, i + BATCH)) pipeline.hset(`cim-account:${id}`, "userName", `u${id}`, "passwordHash", "-", "createdAt", "0");
      await pipeline.exec();
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
