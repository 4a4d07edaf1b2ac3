// `node --import tsx scripts/many/presence-probe.ts [--users 3000]`: presence by interest with thousands of sessions on
// three gateways. Watchers list 20 users each (PresenceSubscribe); some replace their list, some send one over the
// limit; users come online, leave (one device of two, or the last), a gateway is SIGKILLed and its sessions log in
// again elsewhere. At each quiet point every watcher must have heard each listed user's change once, nothing about
// anyone else, and old clients (never subscribed) nothing at all. Meanwhile the online list is paged: nobody twice in
// a pass, nobody missing who stayed online, and the count agrees with the truth when quiet.
import { readFlags } from "../cli-flags.mjs";
import { RouteApi } from "@cim/client";
import { checkAnswer, checkPhase, subscribe, Truth, type Watcher } from "./presence-model.js";
import { Sess, keepAlive, tally } from "./session.js";
import { createUsers, issueTokens, metricsOf, sleep, startStack, wsUrlOf, type Issued } from "./stack.js";

const values = readFlags(import.meta.url, { users: { type: "string", default: "3000" } });
const N = Number(values.users);
const LATE = 100;
const log = (what: string, data: unknown) => console.log(JSON.stringify({ what, ...(data as object) }));
const rand = (n: number) => Math.floor(Math.random() * n);

const stack = await startStack({ gateways: 3 });
const all: Sess[] = [];
const stopPings = keepAlive(() => all);
try {
  await createUsers(stack, "p-", N + LATE);
  const t1 = await issueTokens(stack, "p-", N + LATE);
  const t2 = await issueTokens(stack, "p-", 300);
  const ids = t1.map((t) => t.userId);
  const truth = new Truth();
  const dev1: Array<Sess | undefined> = [];
  const dev2: Array<Sess | undefined> = [];
  const gwOf = new Map<Sess, number>();
  const tokOf = new Map<Sess, Issued>();
  const open = (tok: Issued, g: number, label: string) => {
    const s = Sess.login(wsUrlOf(stack, g), tok.token, label);
    all.push(s);
    gwOf.set(s, g);
    tokOf.set(s, tok);
    truth.add(tok.userId);
    return s;
  };
  for (let i = 0; i < N; i++) dev1[i] = open(t1[i]!, i % 3, `d1-${i}`);
  for (let i = 0; i < 300; i++) dev2[i] = open(t2[i]!, (i + 1) % 3, `d2-${i}`);
  log("logins", { tally: tally(await Promise.all(all.map((s) => s.outcome(90_000)))) });

  // Watchers: the first device of users 0..2499; the rest never subscribe (old clients).
  const WATCHERS = Math.floor(N * 5 / 6);
  const pick = () => Array.from(new Set(Array.from({ length: 20 }, () => ids[rand(N + LATE)]!)));
  const watchers: Watcher[] = dev1.slice(0, WATCHERS).map((s) => ({ s: s!, ids: [], answeredAt: -1, checkedAt: 0 }));
  const answered = await Promise.all(watchers.map((w) => subscribe(w, pick())));
  log("subscribed", { watchers: WATCHERS, answered: answered.filter(Boolean).length, wrongAnswers: watchers.flatMap((w) => checkAnswer(w, truth)).slice(0, 10) });
  const everListed = new Set(watchers.map((w) => w.s));
  const oldClients = () => all.filter((s) => !everListed.has(s));
  const oldPresence = () => oldClients().reduce((n, s) => n + s.presences().length, 0);

  // Replace: 400 watchers send a new list.
  const replaced = await Promise.all(watchers.slice(0, 400).map((w) => subscribe(w, pick())));
  log("replaced lists", { answered: replaced.filter(Boolean).length, wrongAnswers: watchers.slice(0, 400).flatMap((w) => checkAnswer(w, truth)).slice(0, 10) });
  // Over the limit: 501 distinct ids; Error{bad_request}, the list stays.
  const over = watchers.slice(400, 450);
  const overFrom = over.map((w) => w.s.frames.length);
  for (const w of over) w.s.send({ kind: "presenceSubscribe", body: { userIds: ids.slice(0, 501) } });
  await Promise.all(over.map((w, i) => w.s.until(() => w.s.frames.slice(overFrom[i]).some((f) => f.kind === "error"), 20_000)));
  log("over-limit lists", {
    errors: tally(over.flatMap((w, i) => w.s.frames.slice(overFrom[i]).filter((f) => f.kind === "error").map((f) => ({ kind: "error", error: (f.body as { code: string }).code, ms: 0 })))),
    batchesAfter: over.reduce((n, w, i) => n + w.s.frames.slice(overFrom[i]).filter((f) => f.kind === "presenceBatch").length, 0),
    closed: over.filter((w) => w.s.closed).length,
  });

  const api = new RouteApi(stack.route.url);
  const pagerToken = t1[N - 1]!.token;
  /** Pages the whole online list (limit 97) once: the ids in order, and the counts said. */
  const pass = async (prefix?: string) => {
    const seen: string[] = [];
    const counts: number[] = [];
    let cursor = "";
    do {
      const page = await api.onlinePage(pagerToken, { cursor, limit: 97, prefix });
      seen.push(...page.users.map((u) => u.userId));
      counts.push(page.count);
      cursor = page.nextCursor;
    } while (cursor);
    return { seen, counts };
  };
  const checkPass = (p: { seen: string[] }, stable: string[]) => {
    const set = new Set(p.seen);
    return { listed: p.seen.length, twice: p.seen.length - set.size, missingStable: stable.filter((id) => !set.has(id)).length };
  };

  // Phase 1: 100 late users log in; users leave (one device of two: no change; both: offline; singles: offline).
  const snapshot = () => new Map(ids.map((id) => [id, truth.online(id)]));
  let before = snapshot();
  const changed = new Set<string>();
  const closeDev = (arr: Array<Sess | undefined>, i: number) => { arr[i]!.close(); truth.add(ids[i]!, -1); };
  const stable1 = ids.slice(300, 1000).concat(ids.slice(1200, N));
  const pager = (async () => { const out = []; for (let k = 0; k < 4; k++) out.push(checkPass(await pass(), stable1)); return out; })();
  for (let step = 0; step < 10; step++) {
    for (let i = N + step * 10; i < N + step * 10 + 10; i++) { dev1[i] = open(t1[i]!, i % 3, `late-${i}`); changed.add(ids[i]!); }
    for (let i = step * 10; i < step * 10 + 10; i++) closeDev(dev2, i);
    for (let i = 100 + step * 10; i < 110 + step * 10; i++) closeDev(dev1, i);
    for (let i = 200 + step * 10; i < 210 + step * 10; i++) { closeDev(dev1, i); closeDev(dev2, i); changed.add(ids[i]!); }
    for (let i = 1000 + step * 20; i < 1020 + step * 20; i++) { closeDev(dev1, i); changed.add(ids[i]!); }
    await sleep(600);
  }
  log("online list passes during phase 1", { passes: await pager });
  const settle = async (label: string, ch: Set<string>, b: Map<string, boolean>, ms: number) => {
    const t = Date.now();
    while (Date.now() - t < ms) {
      const r = checkPhase(watchers, truth, ch, b, true);
      if (r.missing === 0 && r.wrongFinal === 0) break;
      await sleep(1_000);
    }
    await sleep(2_000);
    log(label, { ...checkPhase(watchers, truth, ch, b), settledMs: Date.now() - t, oldClientPresence: oldPresence() });
  };
  await settle("phase 1 (logins, leaves)", changed, before, 30_000);
  const quiet = await pass();
  log("online list when quiet", { ...checkPass(quiet, truth.onlineIds()), counts: [...new Set(quiet.counts)], truth: truth.onlineIds().length, prefixP1: (await pass("p-1")).seen.length });

  // Phase 2: gw-c SIGKILLed: users whose every session was there go offline.
  before = snapshot();
  const onC = all.filter((s) => gwOf.get(s) === 2 && s.ack && !s.closed);
  await stack.gateways[2]!.stop("SIGKILL");
  const changed2 = new Set<string>();
  for (const s of onC) truth.add(s.ack!.userId, -1);
  for (const s of onC) if (!truth.online(s.ack!.userId)) changed2.add(s.ack!.userId);
  await settle("phase 2 (gw-c killed)", changed2, before, 45_000);
  const afterKill = await pass();
  log("online list after the kill", { ...checkPass(afterKill, truth.onlineIds()), counts: [...new Set(afterKill.counts)], truth: truth.onlineIds().length });

  // Phase 3: gw-c's sessions log in again on gw-a and gw-b (same tokens); watchers among them list again.
  before = snapshot();
  const again = onC.map((s, k) => {
    const n = open(tokOf.get(s)!, k % 2, `re-${s.label}`);
    const w = watchers.find((x) => x.s === s);
    if (w) { w.s = n; everListed.add(n); }
    return { n, w };
  });
  const changed3 = new Set(onC.map((s) => s.ack!.userId).filter((id) => !before.get(id)));
  log("phase 3 logins", { tally: tally(await Promise.all(again.map((a) => a.n.outcome(60_000)))) });
  const reAnswered = await Promise.all(again.filter((a) => a.w).map(async (a) => { const ok = await subscribe(a.w!, a.w!.ids); a.w!.relisted = true; return ok; }));
  log("phase 3 lists again", { answered: reAnswered.filter(Boolean).length, of: reAnswered.length });
  await settle("phase 3 (back on gw-a/gw-b)", changed3, before, 30_000);

  // All leave: online count 0, nothing watched.
  for (const s of all) s.close();
  await sleep(5_000);
  const end = await api.onlinePage(t1[0]!.token, { limit: 10 }).catch((e: unknown) => ({ error: String(e) }));
  const gws = await Promise.all(stack.gateways.slice(0, 2).map(async (g) => {
    const m = await metricsOf(g.url);
    return { sessions: m.get("cim_gateway_sessions"), watched: m.get("cim_gateway_presence_watched_users"), channels: m.get("cim_gateway_presence_channels") };
  }));
  log("all left", { online: end, gateways: gws });
} finally {
  stopPings();
  for (const s of all) s.ws.terminate();
  await stack.stop();
}
