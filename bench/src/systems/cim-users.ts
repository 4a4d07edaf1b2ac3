// How the bench makes CIM users and their tokens: route's operator tools (provisioning), so the bench knows neither
// the Redis layout nor the token format. Workloads name users by a number; Redis assigns the account ids.
import type { Cluster } from "@cim/devstack";
import { TEST_TOKEN_SECRET } from "@cim/devstack";
import { createAccounts, issueTokens } from "@cim/route/provisioning";
import { createRedisClient } from "@cim/state";

/** User number n is the account `bench-<n>`. */
const NAME_PREFIX = "bench-";
/** One password for all: createAccounts then computes a single Argon2id hash. */
const PASSWORD = "bench-load-password-1";
const TOKEN_TTL_S = 3600;
const SESSION_LIFETIME_S = 24 * 3600;

export interface BenchAccount {
  /** The account id Redis assigned: what frames and the server call the user. */
  userId: string;
  token: string;
}

/** The accounts of one running cluster, by the bench's user number. */
export class CimUsers {
  private readonly accounts = new Map<number, BenchAccount>();

  /**
   * Creates the accounts of the user numbers not made yet (on a single Redis or a Redis Cluster) and issues their
   * tokens, signed with the secret the devstack's route and gateways verify. Presence stays as it ships.
   */
  async create(cluster: Cluster, numbers: readonly number[]): Promise<void> {
    const fresh = [...new Set(numbers)].filter((n) => !this.accounts.has(n));
    if (fresh.length === 0) return;
    const names = fresh.map((n) => `${NAME_PREFIX}${n}`);
    const target = cluster.redisCluster ? { url: "", clusterNodes: cluster.redisCluster.nodes.map((n) => `${n.host}:${n.port}`) } : { url: cluster.redis.address };
    const redis = createRedisClient(target, "bench-users");
    try {
      await createAccounts(redis, names.map((userName) => ({ userName, password: PASSWORD })));
      const issued = await issueTokens(redis, names, { secret: TEST_TOKEN_SECRET, ttlSeconds: TOKEN_TTL_S, sessionLifetimeSeconds: SESSION_LIFETIME_S });
      for (const [i, { userId, token }] of issued.entries()) this.accounts.set(fresh[i]!, { userId, token });
    } finally {
      redis.disconnect();
    }
    const ids = new Set([...this.accounts.values()].map((a) => a.userId));
    if (ids.size !== this.accounts.size) throw new Error(`bench users share accounts: ${this.accounts.size} numbers, ${ids.size} account ids`);
  }

  /** The account of user number `n`; throws when `create` has not made it. */
  account(n: number): BenchAccount {
    const account = this.accounts.get(n);
    if (!account) throw new Error(`bench user ${n} has no account: prepareUsers first`);
    return account;
  }

  clear(): void {
    this.accounts.clear();
  }
}
