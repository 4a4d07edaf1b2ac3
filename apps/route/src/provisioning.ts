// Operator tools: accounts in bulk (the same keys, name rules, password policy and Argon2id hashes as
// POST /api/register) and session tokens signed with the configured secret (as POST /api/login issues them).
import { AccountStore, EVERYONE, ReadStore, UserDirectory, type RedisClient } from "@cim/state";
import { TokenSigner } from "@cim/token";
import { hashPassword } from "./password.js";
import { checkNewPassword } from "./password-policy.js";
import { isGroupName, MAX_USER_NAME_LENGTH, nameKey, nameKeys, USER_NAME } from "./user-names.js";

/** Accounts written per round trip. */
const BATCH = 1_000;
/** Argon2id hashes computed at once when each account gets its own (`hashEach`). */
const HASH_CONCURRENCY = 4;

export interface NewAccount {
  userName: string;
  password: string;
}

export interface CreateAccountsOptions {
  /**
   * Hash every password separately (a salt of its own per account), as registration does. Off by default:
   * accounts with the same password then share one Argon2id hash (computed once), which is what makes thousands
   * per second possible, and shows in Redis which accounts share a password: for load-test users, not people.
   */
  hashEach?: boolean;
  /** Called after each batch with the accounts handled so far. */
  progress?: (done: number) => void;
}

export interface CreateAccountsResult {
  created: Array<{ userId: string; userName: string }>;
  /** Names already taken (an earlier run, or a look-alike of an existing name): left as they are. */
  existing: string[];
}

/** The names `<prefix><start>` ... `<prefix><start + count - 1>`. */
export function numberedNames(prefix: string, count: number, start = 1): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}${start + i}`);
}

/**
 * Reads `name password` lines (a missing password takes `defaultPassword`); blank lines and `#` comments are
 * skipped. Throws naming the line of a bad one.
 */
export function parseAccountLines(text: string, defaultPassword?: string): NewAccount[] {
  const accounts: NewAccount[] = [];
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const [userName, password = defaultPassword, extra] = line.split(/\s+/);
    if (extra !== undefined || !userName || !password) throw new Error(`line ${i + 1}: expected "name password"${defaultPassword ? " or a name" : ""}`);
    accounts.push({ userName, password });
  }
  return accounts;
}

/** Refuses what registration refuses: a bad name, a weak password (the error names the account). */
export function checkAccount({ userName, password }: NewAccount): void {
  // Code points, as registration's zod max counts them (a letter past U+FFFF is one character, two UTF-16 units).
  if (!USER_NAME.test(userName) || [...userName].length > MAX_USER_NAME_LENGTH) throw new Error(`${userName}: a user name is 1-${MAX_USER_NAME_LENGTH} letters, digits, _ . -`);
  if (isGroupName(userName)) throw new Error(`${userName}: a user name may not be "${EVERYONE.name}", the group's`);
  try {
    checkNewPassword(password, userName);
  } catch (error) {
    throw new Error(`${userName}: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * Creates accounts in batches with AccountStore.createMany (one INCRBY for their ids, SET NX per canonical name:
 * a taken name is reported and skipped) and indexes them for user search, as registration does. Checks every
 * account before writing any.
 */
export async function createAccounts(redis: RedisClient, accounts: readonly NewAccount[], options: CreateAccountsOptions = {}): Promise<CreateAccountsResult> {
  accounts.forEach(checkAccount);
  const store = new AccountStore(redis);
  const users = new UserDirectory(redis);
  const reads = new ReadStore(redis);
  const hashes = new PasswordHashes(options.hashEach ?? false);
  const result: CreateAccountsResult = { created: [], existing: [] };
  const seen = new Set<string>();
  for (let i = 0; i < accounts.length; i += BATCH) {
    const batch = accounts.slice(i, i + BATCH).flatMap((account) => {
      const [key, ...lookAlikeKeys] = nameKeys(account.userName);
      if (seen.has(key) || lookAlikeKeys.some((k) => seen.has(k))) {
        result.existing.push(account.userName); // a look-alike of a name earlier in the list
        return [];
      }
      seen.add(key);
      lookAlikeKeys.forEach((k) => seen.add(k));
      return [{ ...account, nameKey: key, lookAlikeKeys }];
    });
    const passwordHashes = await hashes.of(batch.map((account) => account.password));
    const { created, taken } = await store.createMany(batch.map((account, j) => ({ userName: account.userName, nameKey: account.nameKey, lookAlikeKeys: account.lookAlikeKeys, passwordHash: passwordHashes[j]! })));
    await users.indexMany(created.map((account) => ({ userId: account.userId, nameKey: nameKey(account.userName) })));
    await reads.startInGroup(created.map((account) => account.userId));
    result.created.push(...created.map(({ userId, userName }) => ({ userId, userName })));
    result.existing.push(...taken);
    options.progress?.(Math.min(i + BATCH, accounts.length));
  }
  return result;
}

/** Argon2id hashes: one per distinct password, or one per account. */
class PasswordHashes {
  private readonly shared = new Map<string, Promise<string>>();

  constructor(private readonly each: boolean) {}

  async of(passwords: readonly string[]): Promise<string[]> {
    if (!this.each) {
      return Promise.all(passwords.map((password) => {
        let hash = this.shared.get(password);
        if (!hash) this.shared.set(password, (hash = hashPassword(password)));
        return hash;
      }));
    }
    const out: string[] = [];
    for (let i = 0; i < passwords.length; i += HASH_CONCURRENCY) out.push(...(await Promise.all(passwords.slice(i, i + HASH_CONCURRENCY).map(hashPassword))));
    return out;
  }
}

export interface IssuedToken {
  userId: string;
  userName: string;
  token: string;
}

export interface TokenSettings {
  /** The configured CIM_TOKEN_SECRET. */
  secret: string;
  /** A token's lifetime (CIM_TOKEN_TTL_SECONDS) and the login's absolute lifetime (CIM_SESSION_MAX_SECONDS). */
  ttlSeconds: number;
  sessionLifetimeSeconds: number;
}

/** Names issueTokens found no account for: the first five in the message, all in `names`. */
export class UnknownUsersError extends Error {
  constructor(readonly names: readonly string[]) {
    super(`no user named ${names.slice(0, 5).join(", ")}${names.length > 5 ? ` and ${names.length - 5} more` : ""}`);
    this.name = "UnknownUsersError";
  }
}

/**
 * A session token (a new login) for each named user, signed like POST /api/login's: a gateway accepts it in
 * Login, route in POST /api/reconnect. Names are found like logins find them; an unknown one throws.
 */
export async function issueTokens(redis: RedisClient, userNames: readonly string[], settings: TokenSettings): Promise<IssuedToken[]> {
  const signer = new TokenSigner(settings.secret, { ttlSeconds: settings.ttlSeconds, sessionLifetimeSeconds: settings.sessionLifetimeSeconds });
  const issued: IssuedToken[] = [];
  const store = new AccountStore(redis);
  for (let i = 0; i < userNames.length; i += BATCH) {
    const batch = userNames.slice(i, i + BATCH);
    const ids = await store.idsByName(batch.map((typed) => ({ nameKey: nameKey(typed), typed })));
    const missing = batch.filter((_, j) => !ids[j]);
    if (missing.length) throw new UnknownUsersError(missing);
    const [shown, epochs] = await Promise.all([store.names(ids as string[]), store.loginEpochs(ids as string[])]);
    for (const [j, userId] of (ids as string[]).entries()) {
      // In the account's current login epoch, as a login now: no earlier password change ends it.
      const { token } = await signer.sign({ userId, userName: shown[j] || batch[j]! }, { loginEpoch: epochs[j] });
      issued.push({ userId, userName: shown[j] || batch[j]!, token });
    }
  }
  return issued;
}
