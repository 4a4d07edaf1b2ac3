// `npm run store-cost -w @cim/bench`: what storing a private message costs Redis, alone, without sockets or load
// clients: the CPU time redis-server spends per message (INFO cpu, main thread and AOF together) and that of the
// storing process (ioredis' encoding, the replies), for messages stored together in one event-loop turn, 1 at a time
// up to many (a gateway's batch grows with its rate). The product's own MessageStore on a redis-server started as the
// project persists (append-only, fsync every second); `--no-aof` shows what the AOF adds. Each user has a session on
// another gateway, so every store publishes its wake-ups as in the bench's private workload.
// --per-turn: messages stored together in one event-loop turn, one measurement each; --messages: messages measured per
// setting, after a warm-up of a quarter as many; --pairs: conversations the messages go round; --no-aof: Redis without
// its append-only file (a diagnostic: the product persists with one).
import { createAccounts } from "@cim/route/provisioning";
import { startRedis } from "@cim/devstack";
import { MessageStore, SessionStore, createRedis } from "@cim/state";
import { readFlags, refuseFlags } from "../../scripts/cli-flags.mjs";

const COMMAND = "npm run store-cost -w @cim/bench";
const HINT = `${COMMAND} -- --help lists the flags`;

interface Flags {
  perTurn: number[];
  messages: number;
  pairs: number;
  aof: boolean;
}

function flagsOf(argv: string[]): Flags {
  const options = { "per-turn": { type: "string", default: "1,5,20,100" }, messages: { type: "string", default: "20000" }, pairs: { type: "string", default: "1000" }, "no-aof": { type: "boolean", default: false } } as const;
  const values = readFlags(import.meta.url, options, { args: argv, command: COMMAND, hint: HINT });
  const count = (text: string, name: string) => {
    if (!/^[1-9]\d*$/.test(text)) refuseFlags(COMMAND, `--${name} takes positive whole numbers, got "${text}"`, HINT);
    return Number(text);
  };
  return { perTurn: values["per-turn"].split(",").map((n) => count(n.trim(), "per-turn")), messages: count(values.messages, "messages"), pairs: count(values.pairs, "pairs"), aof: !values["no-aof"] };
}

/** redis-server's CPU seconds so far (user and system, every thread). */
async function redisCpuSeconds(redis: ReturnType<typeof createRedis>): Promise<number> {
  const info = await redis.info("cpu");
  const read = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, "m").exec(info)?.[1] ?? NaN);
  return read("used_cpu_user") + read("used_cpu_sys");
}

async function main(): Promise<void> {
  const flags = flagsOf(process.argv.slice(2));
  const service = await startRedis();
  const redis = createRedis(service.address, "store-cost");
  try {
    if (!flags.aof) await redis.config("SET", "appendonly", "no");
    const names = Array.from({ length: flags.pairs * 2 }, (_, i) => `store-cost-${i + 1}`);
    const { created } = await createAccounts(redis, names.map((userName) => ({ userName, password: "store-cost-password-1" })));
    const sessions = new SessionStore(redis);
    // Every user is online on another gateway: each store publishes its wake-ups, as between two gateways.
    for (const { userId } of created) await sessions.claim(userId, "gw-b");
    const store = new MessageStore(redis, { gatewayId: "gw-a" });
    let sent = 0;
    const run = async (count: number, perTurn: number) => {
      for (let done = 0; done < count; ) {
        const turn: Array<Promise<unknown>> = [];
        for (let j = 0; j < perTurn && done < count; j++, done++, sent++) {
          const pair = sent % flags.pairs;
          const from = created[2 * pair]!;
          const to = created[2 * pair + 1]!;
          turn.push(store.store({ clientMsgId: `m${sent}`, from: from.userId, fromName: from.userName, fromDevice: "store-cost-device", to: to.userId, text: `message ${sent} of the store-cost run, about a line` }));
        }
        const results = await Promise.all(turn);
        const refused = results.find((r) => "error" in (r as object));
        if (refused) throw new Error(`a store was refused: ${JSON.stringify(refused)}`);
      }
    };
    process.stdout.write(`Redis ${flags.aof ? "with its AOF (as the product persists)" : "without an AOF (diagnostic)"}, ${flags.messages} messages per setting over ${flags.pairs} conversations\n`);
    process.stdout.write("| messages per turn | Redis CPU per message (µs) | storing process CPU per message (µs) | messages per second |\n|---:|---:|---:|---:|\n");
    for (const perTurn of flags.perTurn) {
      await run(Math.ceil(flags.messages / 4), perTurn);
      const redisBefore = await redisCpuSeconds(redis);
      const ownBefore = process.cpuUsage();
      const started = performance.now();
      await run(flags.messages, perTurn);
      const elapsedMs = performance.now() - started;
      const own = process.cpuUsage(ownBefore);
      const redisUs = ((await redisCpuSeconds(redis)) - redisBefore) * 1e6;
      process.stdout.write(`| ${perTurn} | ${(redisUs / flags.messages).toFixed(1)} | ${((own.user + own.system) / flags.messages).toFixed(1)} | ${Math.round((flags.messages / elapsedMs) * 1000).toLocaleString("en-US")} |\n`);
    }
  } finally {
    redis.disconnect();
    await service.dispose();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`store-cost: ${(error as Error).message}\n`);
  process.exit(1);
});
