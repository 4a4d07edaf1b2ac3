// `node --import tsx scripts/many/flap-probe.ts [--users 300] [--rounds 6]`: users who move between gateways: each
// user's device closes on one gateway and a new one opens at once on the other (the same token), all users
// together, several rounds. A user is online throughout (or back within milliseconds); watchers on a third gateway
// list every user. After each round, settled, each watcher's last word about each user must be "online", and
// GET /api/online must list them all. With --kill the old gateway is SIGKILLed instead (route releases its users
// some seconds later, after they are back elsewhere) and started again for the next round.
import { readFlags } from "../cli-flags.mjs";
import { RouteApi } from "@cim/client";
import { subscribe, type Watcher } from "./presence-model.js";
import { Sess, keepAlive, tally } from "./session.js";
import { complaints, createUsers, issueTokens, sleep, startStack, wsUrlOf } from "./stack.js";

const values = readFlags(import.meta.url, { users: { type: "string", default: "300" }, rounds: { type: "string", default: "6" }, "delay-ms": { type: "string", default: "0" }, kill: { type: "boolean", default: false } });
const N = Number(values.users);
const DELAY = Number(values["delay-ms"]);
const log = (what: string, data: unknown) => console.log(JSON.stringify({ what, ...(data as object) }));

const stack = await startStack({ gateways: 3 });
const all: Sess[] = [];
const stopPings = keepAlive(() => all);
try {
  await createUsers(stack, "f-", N + 10);
  const tok = await issueTokens(stack, "f-", N + 10);
  const ids = tok.slice(0, N).map((t) => t.userId);
  let devs = tok.slice(0, N).map((t, i) => Sess.login(wsUrlOf(stack, 0), t.token, `f-${i}`));
  all.push(...devs);
  log("logins", { tally: tally(await Promise.all(devs.map((s) => s.outcome(60_000)))) });
  const watchers: Watcher[] = tok.slice(N).map((t, i) => ({ s: Sess.login(wsUrlOf(stack, 2), t.token, `w-${i}`), ids: [], answeredAt: -1, checkedAt: 0 }));
  all.push(...watchers.map((w) => w.s));
  await Promise.all(watchers.map((w) => w.s.outcome(60_000)));
  log("watchers", { answered: (await Promise.all(watchers.map((w) => subscribe(w, ids)))).filter(Boolean).length });
  const api = new RouteApi(stack.route.url);
  const lastWord = (w: Watcher) => {
    const last = new Map<string, boolean>();
    for (const p of w.s.presences()) last.set(p.userId, p.online);
    return last;
  };
  for (let round = 0; round < Number(values.rounds); round++) {
    const to = round % 2 === 0 ? 1 : 0;
    const next: Sess[] = [];
    if (values.kill) await stack.gateways[1 - to]!.stop("SIGKILL");
    for (let i = 0; i < N; i++) {
      if (!values.kill) devs[i]!.close();
      const open = () => { const s = Sess.login(wsUrlOf(stack, to), tok[i]!.token, `f-${i}-r${round}`); next.push(s); all.push(s); };
      if (DELAY) setTimeout(open, DELAY); else open();
    }
    await sleep(DELAY + 50);
    const out = tally(await Promise.all(next.map((s) => s.outcome(60_000))));
    await sleep(values.kill ? 15_000 : 4_000);
    const wrong = watchers.flatMap((w) => { const last = lastWord(w); return ids.filter((id) => last.get(id) === false).map((id) => `${w.s.label}:${id}`); });
    const listed = new Set<string>();
    let cursor = "";
    do { const page = await api.onlinePage(tok[N]!.token, { cursor, limit: 200 }); page.users.forEach((u) => listed.add(u.userId)); cursor = page.nextCursor; } while (cursor);
    log(`round ${round} (to gw-${"ab"[to]})`, { logins: out, watchersWithOfflineWord: new Set(wrong.map((x) => x.split(":")[0])).size, usersShownOffline: new Set(wrong.map((x) => x.split(":")[1])).size, examples: wrong.slice(0, 5), missingFromOnlineList: ids.filter((id) => !listed.has(id)).length, framesPerWatcher: watchers[0]!.s.presences().length });
    devs = next;
    if (values.kill) stack.gateways[1 - to] = await stack.startGateway(`gw-${"ab"[1 - to]}`);
  }
  log("server warnings and errors", { complaints: complaints(stack) });
} finally {
  stopPings();
  for (const s of all) s.ws.terminate();
  await stack.stop();
}
