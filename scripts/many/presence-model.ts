// What each watching session should have heard: the users it lists, their true state (live sessions per user), and
// the presence frames it got since its list was answered. Checks are made at quiet points between phases.
import type { Presence } from "@cim/protocol";
import type { Sess } from "./session.js";

export interface Watcher {
  s: Sess; ids: string[]; answeredAt: number; checkedAt: number;
  /** Listed again during the phase being checked: its answer told the state of the changes before it. */
  relisted?: boolean;
}

export class Truth {
  private readonly live = new Map<string, number>();
  add(userId: string, n = 1): void { this.live.set(userId, (this.live.get(userId) ?? 0) + n); }
  online(userId: string): boolean { return (this.live.get(userId) ?? 0) > 0; }
  onlineIds(): string[] { return [...this.live].filter(([, n]) => n > 0).map(([id]) => id); }
}

/** Sends a list and waits for its answer: the first PresenceBatch after it naming exactly the list, in order. */
export async function subscribe(w: Watcher, ids: string[], ms = 60_000): Promise<boolean> {
  const from = w.s.frames.length;
  w.s.send({ kind: "presenceSubscribe", body: { userIds: ids } });
  const find = () => w.s.frames.findIndex((f, i) => i >= from && f.kind === "presenceBatch" && f.body.presences.map((p) => p.userId).join() === ids.join());
  const ok = await w.s.until(() => find() >= 0, ms);
  if (ok) { w.ids = ids; w.answeredAt = find(); w.checkedAt = w.answeredAt + 1; }
  return ok;
}

/** The presence bodies a session got from frame `from` on, with the frame index. */
function presencesFrom(s: Sess, from: number): Array<{ p: Presence; at: number }> {
  const out: Array<{ p: Presence; at: number }> = [];
  s.frames.forEach((f, at) => {
    if (at < from) return;
    if (f.kind === "presence") out.push({ p: f.body, at });
    if (f.kind === "presenceBatch") for (const p of f.body.presences) out.push({ p, at });
  });
  return out;
}

/** The answer's states against the truth (before any change). */
export function checkAnswer(w: Watcher, truth: Truth): string[] {
  const f = w.s.frames[w.answeredAt];
  if (f?.kind !== "presenceBatch") return ["no answer"];
  return f.body.presences.filter((p) => p.online !== truth.online(p.userId)).map((p) => `${p.userId} answered ${p.online}`);
}

export interface PhaseReport { outside: number; wrongFinal: number; missing: number; extra: number; examples: string[] }

/**
 * Since the last check: frames about users not listed (outside), users whose last word differs from the truth
 * (wrongFinal), changes expected and not heard (missing: the user changed state, nothing came), frames beyond one
 * per changed user or about unchanged users (extra). `changed` is the set of users whose state flipped in the phase.
 */
export function checkPhase(ws: Watcher[], truth: Truth, changed: Set<string>, before: Map<string, boolean>, dry = false): PhaseReport {
  const r: PhaseReport = { outside: 0, wrongFinal: 0, missing: 0, extra: 0, examples: [] };
  const note = (s: string) => { if (r.examples.length < 12) r.examples.push(s); };
  for (const w of ws) {
    if (w.s.closed) continue;
    const listed = new Set(w.ids);
    // Listed again since the last check: its answer told the state, changes before it count for nothing.
    const answer = w.relisted ? w.s.frames[w.answeredAt] : undefined;
    if (!dry) w.relisted = false;
    const answeredState = new Map(answer?.kind === "presenceBatch" ? answer.body.presences.map((p) => [p.userId, p.online]) : []);
    const got = presencesFrom(w.s, w.checkedAt);
    const perUser = new Map<string, Presence[]>();
    for (const { p } of got) {
      if (!listed.has(p.userId)) { r.outside++; note(`${w.s.label} got ${p.userId} not listed`); continue; }
      perUser.set(p.userId, [...(perUser.get(p.userId) ?? []), p]);
    }
    for (const id of listed) {
      const heard = perUser.get(id) ?? [];
      const last = heard.at(-1)?.online ?? answeredState.get(id);
      const flipped = changed.has(id) && before.get(id) !== truth.online(id) && !answeredState.has(id);
      if (flipped && heard.length === 0) { r.missing++; note(`${w.s.label} never heard ${id} go ${truth.online(id)}`); }
      if (last !== undefined && last !== truth.online(id)) { r.wrongFinal++; note(`${w.s.label} last heard ${id} ${last}, truth ${truth.online(id)}`); }
      const expected = flipped ? 1 : 0;
      if (heard.length > expected) { r.extra += heard.length - expected; note(`${w.s.label} heard ${id} ${heard.length}x (${heard.map((p) => p.online).join(",")}), ${expected} expected`); }
    }
    if (!dry) w.checkedAt = w.s.frames.length;
  }
  return r;
}
