// GatewayDirectory against a real ZooKeeper: additions and removals by id, incarnations, expiry and churn.
import { describe, expect, it, onTestFinished } from "vitest";
import { randomUUID } from "node:crypto";
import { waitUntil } from "@cim/devstack";
import { GatewayDirectory } from "./gateway-directory.js";
import { GATEWAYS_PATH, GATEWAY_NODE_PREFIX, type GatewayInfo } from "./gateway-info.js";
import { GatewayRegistration } from "./gateway-registration.js";
import { useZookeeper } from "./test-harness.js";
import type { Client } from "node-zookeeper-client";
import { CreateMode, zk, ZkSession } from "./zk-session.js";

const h = useZookeeper();

type Change = { added: string[]; removed: string[] };

const info = (id: string, startedAt = Date.now()): Required<GatewayInfo> => ({
  id,
  wsUrl: `ws://127.0.0.1:9/${id}`,
  startedAt,
  instance: randomUUID(),
});

async function directoryOn(session: ZkSession): Promise<{ directory: GatewayDirectory; changes: Change[]; errors: Error[] }> {
  const changes: Change[] = [];
  const errors: Error[] = [];
  const directory = new GatewayDirectory(session, {
    onChange: ({ added, removed }) => changes.push({ added, removed }),
    onError: (e) => errors.push(e),
  });
  onTestFinished(() => directory.stop());
  await directory.start();
  return { directory, changes, errors };
}

/** A session whose clients count the requests in flight and the child watches fired, and can hold one getData answer. */
class GatedSession extends ZkSession {
  inFlight = 0;
  watchEvents = 0;
  private holdNext = false;
  private readonly held: Array<() => void> = [];

  /** Holds the answer to the next getData until `release`. */
  holdNextRead(): void {
    this.holdNext = true;
  }

  get heldReads(): number {
    return this.held.length;
  }

  release(): void {
    for (const answer of this.held.splice(0)) answer();
  }

  override onSession(handler: (client: Client) => void): void {
    super.onSession((client) => handler(this.wrap(client)));
  }

  private wrap(client: Client): Client {
    const counted = new Set(["mkdirp", "getChildren", "getData", "exists", "create", "remove"]);
    return new Proxy(client, {
      get: (target, prop) => {
        const value = Reflect.get(target, prop, target) as unknown;
        if (typeof value !== "function") return value;
        if (!counted.has(String(prop))) return value.bind(target);
        return (...args: unknown[]) => {
          const callback = args.pop() as (...result: unknown[]) => void;
          const watcher = args[1];
          if (prop === "getChildren" && typeof watcher === "function") {
            args[1] = (...event: unknown[]) => {
              this.watchEvents++;
              watcher(...event);
            };
          }
          const hold = prop === "getData" && this.holdNext;
          if (hold) this.holdNext = false;
          this.inFlight++;
          return value.call(target, ...args, (...result: unknown[]) => {
            this.inFlight--;
            if (hold) this.held.push(() => callback(...result));
            else callback(...result);
          });
        };
      },
    });
  }
}

const ids = (directory: GatewayDirectory) =>
  directory
    .list()
    .map((g) => g.id)
    .join(",");

async function listed(
  directory: GatewayDirectory,
  expected: string[],
  what = `the directory to list ${expected.join(",")}`,
): Promise<void> {
  await waitUntil(() => ids(directory) === expected.join(","), 20_000, what).catch((error: Error) => {
    throw new Error(`${error.message}; it lists ${ids(directory) || "nothing"}`);
  });
}

describe("GatewayDirectory", () => {
  it("lists live gateways by id, in order, and reports which appeared and disappeared", async () => {
    const { directory, changes } = await directoryOn(await h.session());
    expect(directory.list()).toEqual([]);
    const gateways = await h.session();
    const b = new GatewayRegistration(gateways, info("gw-b"));
    const a = new GatewayRegistration(gateways, info("gw-a"));
    await b.start();
    await a.start();
    await listed(directory, ["gw-a", "gw-b"]);
    expect(directory.has("gw-a")).toBe(true);
    expect(directory.list()[0]).toMatchObject({ id: "gw-a", wsUrl: "ws://127.0.0.1:9/gw-a" });
    await b.stop();
    await listed(directory, ["gw-a"]);
    expect(directory.has("gw-b")).toBe(false);
    expect(changes.flatMap((c) => c.added).sort()).toEqual(["gw-a", "gw-b"]);
    expect(changes.flatMap((c) => c.removed)).toEqual(["gw-b"]);
  });

  it("lists two incarnations of one id once (the newest) and keeps the id while one is left", async () => {
    const { directory, changes } = await directoryOn(await h.session());
    const old = new GatewayRegistration(await h.session(), info("gw-a", 1_000));
    const fresh = new GatewayRegistration(await h.session(), { ...info("gw-a", 2_000), wsUrl: "ws://127.0.0.1:9/new" });
    await old.start();
    await fresh.start();
    await waitUntil(async () => (await h.gatewayNodes()).length === 2, 10_000, "two nodes");
    await listed(directory, ["gw-a"]);
    await waitUntil(() => directory.list()[0]?.wsUrl === "ws://127.0.0.1:9/new", 10_000, "the newest incarnation");
    await old.stop();
    await waitUntil(async () => (await h.gatewayNodes()).length === 1, 10_000, "the old node to go");
    await listed(directory, ["gw-a"]);
    expect(changes).toEqual([{ added: ["gw-a"], removed: [] }]);
  });

  it("skips nodes whose data is not a gateway record", async () => {
    const { directory } = await directoryOn(await h.session());
    const client = await h.client();
    for (const data of ["not json", '{"id":7}', ""])
      await zk.create(client, `${GATEWAYS_PATH}/${GATEWAY_NODE_PREFIX}`, Buffer.from(data), CreateMode.EPHEMERAL_SEQUENTIAL);
    await new GatewayRegistration(await h.session(), info("gw-ok")).start();
    await listed(directory, ["gw-ok"]);
  });

  it("lists again after its own session expired, including what changed meanwhile", async () => {
    const session = await h.session();
    const { directory } = await directoryOn(session);
    const gateways = await h.session();
    const a = new GatewayRegistration(gateways, info("gw-a"));
    await a.start();
    await listed(directory, ["gw-a"]);
    await h.expire(session);
    await new GatewayRegistration(gateways, info("gw-b")).start();
    await a.stop();
    await listed(directory, ["gw-b"]);
  });
  it("under churn (registrations stopped at once or later, a session expiry) ends with the true set", async () => {
    const { directory } = await directoryOn(await h.session());
    const processes = await Promise.all([h.session(), h.session(), h.session(), h.session()]);
    const live = new Map<string, GatewayRegistration>();
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    for (let round = 0; round < 6; round++) {
      // An id can come up twice in a round: then it is stopped while its registration is still in flight.
      const ops: Promise<unknown>[] = [];
      for (let i = 0; i < 25; i++) {
        const id = `gw-${String(random(30)).padStart(2, "0")}`;
        const running = live.get(id);
        if (running) {
          live.delete(id);
          ops.push(running.stop());
        } else {
          const registration = new GatewayRegistration(processes[random(processes.length)]!, info(id));
          live.set(id, registration);
          ops.push(registration.start());
        }
      }
      if (round === 3) ops.push(h.expire(processes[0]!));
      await Promise.all(ops);
    }
    const expected = [...live.keys()].sort();
    await listed(directory, expected, "the directory to list exactly the registered gateways");
    expect((await h.gatewayNodes()).map((n) => JSON.parse(n.data).id).sort()).toEqual(expected);
  });

  it("an older listing never overwrites a newer one: one refresh at a time, and one more after a change during it", async () => {
    const session = await h.session({}, (address, options) => new GatedSession(address, options));
    const { directory, changes } = await directoryOn(session);
    const gateways = await h.session();
    await new GatewayRegistration(gateways, info("gw-a")).start();
    await listed(directory, ["gw-a"]);

    // The listing that sees gw-b is held while it reads gw-b's data...
    session.holdNextRead();
    await new GatewayRegistration(gateways, info("gw-b")).start();
    await waitUntil(() => session.heldReads === 1, 10_000, "the directory to read gw-b's node");
    // ...and gw-c registers meanwhile. Once its watch has fired and the directory has nothing else in flight
    // (an overlapping refresh, if it ran one, has listed gw-c), the held listing goes on.
    const events = session.watchEvents;
    await new GatewayRegistration(gateways, info("gw-c")).start();
    await waitUntil(() => session.watchEvents > events && session.inFlight === 0, 10_000, "gw-c's watch event, then no request in flight");
    session.release();

    await listed(directory, ["gw-a", "gw-b", "gw-c"]);
    expect(changes.flatMap((c) => c.removed)).toEqual([]);
  });
});
