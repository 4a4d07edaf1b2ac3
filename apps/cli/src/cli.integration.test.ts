// Console clients and SDK users on two gateways, driven only through the consoles' stdin: chat, rooms, devices.
import { createServer, type AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Read, RoomEvent } from "@cim/client";
import { newUser, REPO_ROOT, spawnTracked, startCluster, stopProcess, TEST_ADMIN_TOKEN, waitUntil, type Cluster, type RecordingClient, type Spawned } from "@cim/devstack";

const ENTRY = "apps/cli/src/index.ts";

/** A console process: `type` a line, then `expect` output printed since that line. */
interface Console {
  spawned: Spawned;
  type: (line: string) => void;
  expect: (pattern: RegExp, timeoutMs?: number) => Promise<RegExpMatchArray>;
  exitCode: () => Promise<number | null>;
}

function startConsole(args: string[], label: string): Console {
  const env = { ...process.env };
  for (const name of ["CIM_ROUTE_URL", "CIM_USER", "CIM_PASSWORD"]) delete env[name];
  const spawned = spawnTracked(process.execPath, ["--import", "tsx", ENTRY, ...args], { cwd: REPO_ROOT, env }, label);
  let mark = 0;
  return {
    spawned,
    type: (line) => {
      mark = spawned.output().length;
      spawned.child.stdin!.write(`${line}\n`);
    },
    expect: async (pattern, timeoutMs = 10_000) => {
      let match: RegExpMatchArray | null = null;
      const since = mark;
      await waitUntil(() => (match = spawned.output().slice(since).match(pattern)) !== null, timeoutMs, label).catch(() => {
        throw new Error(`${label} did not print ${pattern}; since the last line typed it printed:\n${spawned.output().slice(since)}`);
      });
      return match!;
    },
    exitCode: () => spawned.exited,
  };
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const count = (haystack: string, needle: string) => haystack.split(needle).length - 1;

let cluster: Cluster;
const consoles: Console[] = [];
let cat: RecordingClient | undefined;

beforeAll(async () => {
  cluster = await startCluster({ gateways: 2 });
  // Both gateways in route's list, so two logins in a row land on different ones (round robin).
  await waitUntil(async () => (await fetchStats()).gateways.length === 2, 20_000, "route to list both gateways");
});
afterAll(async () => {
  for (const c of consoles) await stopProcess(c.spawned, "SIGKILL");
  cat?.close();
  await cluster?.stop();
});

async function fetchStats(): Promise<{ gateways: unknown[] }> {
  const response = await fetch(`${cluster.route.url}/api/admin/stats`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
  return (await response.json()) as { gateways: unknown[] };
}

function consoleFor(name: string, extra: string[] = []): Console {
  const c = startConsole(["--route", cluster.route.url, "--user", name, "--password", "cim-test-pass-1", ...extra], name);
  consoles.push(c);
  return c;
}

describe("two consoles and an SDK user on two gateways", () => {
  const suffix = Math.random().toString(36).slice(2, 8);
  const annName = `ann-${suffix}`;
  const bobName = `bob-${suffix}`;
  let ann: Console, bob: Console;
  const me = { ann: { id: "", gw: "" }, bob: { id: "", gw: "" } };
  const annTag = () => `${annName}(${me.ann.id})`;

  beforeAll(async () => {
    ann = consoleFor(annName, ["--register"]);
    bob = consoleFor(bobName, ["--register"]);
    const loggedIn = (name: string) => new RegExp(`logged in as ${escape(name)}\\((\\d+)\\) on (gw-\\w+)`);
    const [a, b] = await Promise.all([ann.expect(loggedIn(annName), 30_000), bob.expect(loggedIn(bobName), 30_000)]);
    me.ann = { id: a[1]!, gw: a[2]! };
    me.bob = { id: b[1]!, gw: b[2]! };
    cat = await newUser(cluster.route.url, "cat");
    // Presence is told only to those who ask: the console asks for its private partners' presence.
    await cat.send({ to: me.ann.id, text: "hi ann, cat here" });
    await ann.expect(new RegExp(`\\* ${escape(cat.session!.userName)}\\(\\d+\\) is online`));
  }, 45_000);

  it("a group message reaches the other console and the SDK user exactly once", async () => {
    ann.type("hello group");
    await bob.expect(new RegExp(`\\[group\\] ${escape(annTag())}: hello group\\n`));
    await cat!.waitForText("hello group");
    ann.type("marker one");
    await bob.expect(/marker one/);
    await cat!.waitForText("marker one");
    expect(count(bob.spawned.output(), "hello group")).toBe(1);
    expect(cat!.texts().filter((t) => t === "hello group")).toHaveLength(1);
    expect(ann.spawned.output()).not.toContain(`[group] ${annTag()}: hello group`);
  });

  it("userId;;text is a private message that crosses gateways", async () => {
    expect(me.ann.gw).not.toBe(me.bob.gw);
    ann.type(`${me.bob.id};;psst across`);
    await bob.expect(new RegExp(`\\[private\\] ${escape(annTag())}: psst across\\n`));
    await cat!.send({ to: me.ann.id, text: "from the sdk" });
    await ann.expect(new RegExp(`\\[private\\] ${escape(cat!.session!.userName)}\\(${cat!.session!.userId}\\): from the sdk\\n`));
    expect(cat!.texts()).not.toContain("psst across");
  });

  it("name;;text reaches the user of that name; an unknown name or ;;text is refused and reaches nobody", async () => {
    ann.type(`${bobName.toUpperCase()};;by name`);
    await bob.expect(new RegExp(`\\[private\\] ${escape(annTag())}: by name\\n`));
    ann.type(`nobody-${suffix};;lost words`);
    await ann.expect(new RegExp(`! no user is named nobody-${suffix}: nothing sent \\("lost words"\\)\\n`));
    ann.type(";;to no one");
    await ann.expect(/! write who to send to before `;;`/);
    ann.type("marker two");
    await bob.expect(/marker two/);
    await cat!.waitForText("marker two");
    expect(bob.spawned.output()).not.toMatch(/lost words|to no one/);
    expect(cat!.texts().filter((t) => t.includes("lost words") || t.includes("to no one"))).toEqual([]);
  });

  it(":olu lists the online users and :pu filters them by prefix", async () => {
    ann.type(":olu");
    const list = await ann.expect(/(\d+) users online:\n((?: {2}.*\n)+)/);
    for (const name of [annName, bobName, cat!.session!.userName]) expect(list[2]).toContain(name);
    ann.type(`:pu BOB-${suffix}`);
    await ann.expect(new RegExp(`1 user online with a name starting with "BOB-${suffix}":\\n {2}${escape(bobName)}\\(${me.bob.id}\\)\\n`));
    ann.type(":pu nobody-");
    await ann.expect(/0 users online with a name starting with "nobody-"\n/);
  });

  it(":info shows the user, its gateway and the connection state", async () => {
    bob.type(":info");
    const info = await bob.expect(new RegExp(`user: ${escape(bobName)}\\(${me.bob.id}\\)\\ngateway: ${me.bob.gw} ws://127\\.0\\.0\\.1:(\\d+)/ws\\nstate: online\\n`));
    expect(cluster.gateways.map((g) => g.port)).toContain(Number(info[1]));
  });

  it(":delay sends to the group after the delay", async () => {
    const typedAt = Date.now();
    ann.type(":delay 1 later on");
    await ann.expect(/will send "later on" to the group in 1 s/);
    await bob.expect(new RegExp(`\\[group\\] ${escape(annTag())}: later on\\n`));
    await cat!.waitForText("later on");
    expect(Date.now() - typedAt).toBeGreaterThanOrEqual(1_000);
  });

  it(":q <word> finds sent and received messages in group and private history", async () => {
    ann.type("Needle in the group");
    ann.type(`${me.bob.id};;a private NEEDLE`);
    ann.type(":q needle");
    const found = await ann.expect(/(\d+) messages? containing "needle" \(searched \d+ conversations?\):\n((?: {2}.*\n)+)/);
    expect(found[1]).toBe("2");
    expect(found[2]).toMatch(new RegExp(`\\[group\\] ${escape(annTag())}: Needle in the group\\n`));
    expect(found[2]).toMatch(new RegExp(`\\[private\\] ${escape(annTag())} -> ${escape(bobName)}\\(${me.bob.id}\\): a private NEEDLE\\n`));
    ann.type(":q from the SDK");
    await ann.expect(/1 message containing "from the SDK" .*:\n {2}.*\[private\] cat-\w+\(\d+\) -> ann-\w+\(\d+\): from the sdk\n/);
  });

  it("an unknown command prints the command list", async () => {
    bob.type(":foo");
    await bob.expect(/unknown command :foo; the commands are:\n(?:.*\n)*? {2}:olu +list the online users\n/);
  });

  it(":q logs out and exits 0, and the end of input quits too", async () => {
    ann.type(":q");
    expect(await ann.exitCode()).toBe(0);
    expect(ann.spawned.output()).toMatch(/\* bye\n$/);
    await bob.expect(new RegExp(`\\* ${escape(annTag())} is offline`));
    bob.spawned.child.stdin!.end();
    expect(await bob.exitCode()).toBe(0);
    await waitUntil(async () => !(await cat!.online()).some((u) => u.userName === bobName), 10_000, "bob to be logged out");
  });
});

describe("rooms, two devices of one user and read marks, on two gateways", () => {
  const suffix = Math.random().toString(36).slice(2, 8);
  const [danName, eveName, roomName] = [`dan-${suffix}`, `eve-${suffix}`, `lunch-${suffix}`];
  let dan: Console, eve: Console;
  let fay: RecordingClient;
  const fayEvents: RoomEvent[] = [];
  const fayReads: Read[] = [];
  const id = { dan: "", eve: "", room: "" };
  const tag = (name: string, userId: string) => `${escape(name)}\\(${userId}\\)`;
  const inRoom = () => `\\[#${id.room} ${escape(roomName)}\\]`;

  beforeAll(async () => {
    dan = consoleFor(danName, ["--register"]);
    eve = consoleFor(eveName, ["--register"]);
    const loggedIn = (name: string) => new RegExp(`logged in as ${escape(name)}\\((\\d+)\\)`);
    const [d, e] = await Promise.all([dan.expect(loggedIn(danName), 30_000), eve.expect(loggedIn(eveName), 30_000)]);
    [id.dan, id.eve] = [d[1]!, e[1]!];
    fay = await newUser(cluster.route.url, "fay");
    fay.onRoomEvent((event) => void fayEvents.push(event));
    fay.onRead((read) => void fayReads.push(read));
  }, 45_000);

  it("a room is created, found, joined and chatted in; a non-member gets none of it and is refused", async () => {
    dan.type(`:mkroom ${roomName}`);
    id.room = (await dan.expect(new RegExp(`\\* created #(r\\d+) ${escape(roomName)} \\(public\\)`)))[1]!;
    eve.type(`:public ${roomName.toUpperCase()}`);
    await eve.expect(new RegExp(`1 public room with a name starting with "${escape(roomName.toUpperCase())}":\\n {2}#${id.room} ${escape(roomName)} \\(1 member\\)\\n`));
    eve.type(`:join ${id.room}`);
    await eve.expect(new RegExp(`\\* you joined #${id.room} ${escape(roomName)}\\n`));
    await dan.expect(new RegExp(`\\* ${tag(eveName, id.eve)} joined #${id.room} ${escape(roomName)}\\n`));
    dan.type(`#${id.room} soup?`);
    await eve.expect(new RegExp(`${inRoom()} ${tag(danName, id.dan)}: soup\\?\\n`));
    eve.type(`:to ${id.room}`);
    await eve.expect(new RegExp(`\\* plain lines go to #${id.room} ${escape(roomName)}\\n`));
    eve.type("noodles");
    await dan.expect(new RegExp(`${inRoom()} ${tag(eveName, id.eve)}: noodles\\n`));
    await expect(fay.send({ room: id.room, text: "let me in" })).rejects.toMatchObject({ code: "not_member" });
    dan.type("group marker one");
    await fay.waitForText("group marker one");
    expect(fay.texts().filter((t) => ["soup?", "noodles", "let me in"].includes(t))).toEqual([]);
    expect(count(dan.spawned.output(), "let me in")).toBe(0);
  });

  it("an invitation by name lets a user in at once; after leaving, a member gets nothing more", async () => {
    dan.type(`:invite ${id.room} ${fay.session!.userName}`);
    await dan.expect(new RegExp(`\\* added ${tag(fay.session!.userName, fay.session!.userId)} to #${id.room} ${escape(roomName)}\\n`));
    await waitUntil(() => fayEvents.some((e) => e.room === id.room && e.kind === "invited" && e.userId === fay.session!.userId), 10_000, "fay to hear of her invitation");
    await eve.expect(new RegExp(`\\* ${tag(fay.session!.userName, fay.session!.userId)} was added to #${id.room}`));
    dan.type(`#${id.room} welcome fay`);
    expect((await fay.waitForText("welcome fay")).room).toBe(id.room);
    eve.type(`:leave ${id.room}`);
    await eve.expect(new RegExp(`\\* you left #${id.room} ${escape(roomName)}\\n\\* plain lines go to the group\\n`));
    await dan.expect(new RegExp(`\\* ${tag(eveName, id.eve)} left #${id.room}`));
    dan.type(`#${id.room} after eve left`);
    await fay.waitForText("after eve left");
    dan.type("group marker two");
    await eve.expect(/group marker two/);
    expect(eve.spawned.output()).not.toContain("after eve left");
  });

  it("a second device of a user shows what the first one sent, once; the first never shows its own", async () => {
    const eve2 = consoleFor(eveName);
    await eve2.expect(new RegExp(`logged in as ${escape(eveName)}`), 30_000);
    eve.type(`${id.dan};;from eve's first device`);
    await dan.expect(/\[private\] .*: from eve's first device\n/);
    await eve2.expect(new RegExp(`\\[private\\] ${tag(eveName, id.eve)} -> ${tag(danName, id.dan)}: from eve's first device\\n`));
    eve.type("group from eve");
    await eve2.expect(new RegExp(`\\[group\\] ${tag(eveName, id.eve)}: group from eve\\n`));
    dan.type("group marker three");
    await eve.expect(/group marker three/);
    await eve2.expect(/group marker three/);
    for (const text of ["from eve's first device", "group from eve"]) expect(count(eve2.spawned.output(), text)).toBe(1);
    expect(eve.spawned.output()).not.toMatch(/\] eve-\w+\(\d+\)( -> .*)?: (from eve's first device|group from eve)/);
    eve2.type(":q");
    expect(await eve2.exitCode()).toBe(0);
  });

  it("what a console prints counts as read: the sender sees it seen, and the room has nothing unread", async () => {
    const sent = await fay.send({ to: id.dan, text: "read me" });
    await dan.expect(/: read me\n/);
    await waitUntil(() => fayReads.some((r) => r.conversation === id.dan && r.by === id.dan && r.msgId === sent.msgId), 10_000, "fay to see dan's read mark");
    dan.type(":rooms");
    await dan.expect(new RegExp(`\\n {2}#${id.room} ${escape(roomName)} \\(public\\)\\n`));
  });
});

describe("start-up failures", () => {
  it("exits 2 on a bad argument and 1 with the server's message when login fails, a taken name's --register too", async () => {
    const name = `dup-${Math.random().toString(36).slice(2, 8)}`;
    await cat!.register(name, "cim-test-pass-1");
    const badArg = startConsole(["--route", "not a url", "--user", "x", "--password", "y"], "bad-arg");
    const wrongPassword = startConsole(["--route", cluster.route.url, "--user", name, "--password", "wrong-one"], "wrong-password");
    // --register on a taken name goes on to log in (the console command npm start prints, run again): someone else's
    // name, with another password, ends in the login's refusal.
    const taken = startConsole(["--route", cluster.route.url, "--user", name, "--password", "someone-elses-1", "--register"], "name-taken");
    consoles.push(badArg, wrongPassword, taken);
    expect(await badArg.exitCode()).toBe(2);
    expect(badArg.spawned.output()).toContain("cim: route must be an http(s) URL");
    expect(await wrongPassword.exitCode()).toBe(1);
    expect(wrongPassword.spawned.output()).toContain("! login failed: wrong user name or password (unauthorized)");
    expect(await taken.exitCode()).toBe(1);
    expect(taken.spawned.output()).toContain(`* ${name} is registered already: logging in`);
    expect(taken.spawned.output()).toContain("! login failed: wrong user name or password (unauthorized)");
  });

  it("names the route URL nothing answered at and what to do (the default :8080 when npm start moved route)", async () => {
    // A port that was free a moment ago: nothing listens there, as at :8080 when npm start found it taken.
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    const routeUrl = `http://127.0.0.1:${port}`;
    const lost = startConsole(["--route", routeUrl, "--user", "ann", "--password", "cim-test-pass-1"], "no-route");
    consoles.push(lost);
    expect(await lost.exitCode()).toBe(1);
    expect(lost.spawned.output()).toContain(`! login failed: route is unreachable: fetch failed (ECONNREFUSED); no route answered at ${routeUrl}: start one with npm start, or pass the --route its banner prints`);
  });
});
