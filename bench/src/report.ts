// Turns the results into the JSON file, a Markdown table with ratios and targets, and an SVG bar chart.
import type { GroupResult } from "./workloads/group.js";
import type { IdleResult } from "./workloads/idle.js";
import type { LoginResult } from "./workloads/login.js";
import type { PrivateResult } from "./workloads/private.js";
import type { ReconnectResult } from "./workloads/reconnect.js";
import type { SaturationResult } from "./workloads/saturation.js";
import type { StormResult } from "./workloads/storm.js";
import type { SystemName } from "./systems/types.js";

export type Outcome<T> = T | { error: string };

export interface SystemResults {
  idle?: Outcome<IdleResult>;
  private?: Outcome<PrivateResult>;
  group?: Outcome<GroupResult>;
  login?: Outcome<LoginResult>;
  storm?: Outcome<StormResult>;
  reconnect?: Outcome<ReconnectResult>;
  saturation?: Outcome<SaturationResult>;
}

export interface BenchResults {
  meta: {
    date: string;
    cpu: string;
    cores: number;
    memGiB: number;
    node: string;
    kernel: string;
    totalSeconds: number;
    /** The commit measured, with "+dirty" when the work tree had uncommitted changes. */
    commit: string;
    /** 1-minute load average at the start and the end: other work on the machine skews every figure. */
    loadAvg: { start: number; end: number };
  };
  options: Record<string, unknown>;
  systems: Partial<Record<SystemName, SystemResults>>;
}

interface Target {
  /** A reference system, or "abs": ours itself is compared with `factor`. */
  vs: "socketio" | "ws" | "abs";
  /** ours / reference (or ours, for "abs") must be >= factor (higher is better) or <= factor (lower is better). */
  factor: number;
  /** Strictly better than the reference, not merely equal. */
  strict?: boolean;
  text: string;
}

interface Figure {
  label: string;
  unit: string;
  better: "higher" | "lower";
  value: (r: SystemResults) => number | undefined;
  targets?: Target[];
  /** For targets of ours alone ("abs"): the workload, so that one not run reads "n/a", not "MISS". */
  workload?: keyof SystemResults;
}

function ok<T extends object>(outcome: Outcome<T> | undefined): T | undefined {
  return outcome && !("error" in outcome) ? outcome : undefined;
}

export const FIGURES: Figure[] = [
  { label: "Idle: connect rate", unit: "conn/s", better: "higher", value: (r) => ok(r.idle)?.connectPerSec },
  {
    label: "Idle: server RSS per connection",
    unit: "KiB",
    better: "lower",
    value: (r) => {
      const v = ok(r.idle)?.rssPerConnBytes;
      return v === undefined ? v : v / 1024;
    },
    targets: [{ vs: "socketio", factor: 1, strict: true, text: "< Socket.IO" }],
  },
  { label: "Private: latency p50", unit: "ms", better: "lower", value: (r) => ok(r.private)?.p50Ms },
  {
    label: "Private: latency p99",
    unit: "ms",
    better: "lower",
    value: (r) => ok(r.private)?.p99Ms,
    targets: [{ vs: "socketio", factor: 1, text: "≤ Socket.IO" }],
  },
  { label: "Private: latency max", unit: "ms", better: "lower", value: (r) => ok(r.private)?.maxMs },
  { label: "Private: Send to SendAck p99", unit: "ms", better: "lower", value: (r) => ok(r.private)?.ack?.p99Ms },
  {
    label: "Private: achieved rate",
    unit: "msg/s",
    better: "higher",
    value: (r) => ok(r.private)?.achievedPerSec,
    targets: [{ vs: "socketio", factor: 0.99, text: "≥ Socket.IO (1% tolerance)" }],
  },
  { label: "Private: server CPU per message", unit: "µs", better: "lower", value: (r) => ok(r.private)?.cpuUsPerMessage.servers },
  { label: "Private: Redis CPU per message", unit: "µs", better: "lower", value: (r) => nan(ok(r.private)?.cpuUsPerMessage.store) },
  {
    label: "Group: deliveries per second",
    unit: "msg/s",
    better: "higher",
    value: (r) => ok(r.group)?.deliveriesPerSec,
    targets: [
      { vs: "socketio", factor: 2, text: "≥ 2× Socket.IO" },
      { vs: "ws", factor: 0.5, text: "≥ 0.5× ceiling" },
    ],
  },
  { label: "Group: one message to all", unit: "ms", better: "lower", value: (r) => ok(r.group)?.reachAllMs },
  { label: "Login through route: rate", unit: "logins/s", better: "higher", value: (r) => ok(r.login)?.loginsPerSec },
  { label: "Login through route: p99", unit: "ms", better: "lower", value: (r) => ok(r.login)?.p99Ms },
  {
    label: "Storm: time to the last LoginAck",
    workload: "storm",
    unit: "s",
    better: "lower",
    value: (r) => seconds(ok(r.storm)?.lastLoginAckMs),
    targets: [{ vs: "abs", factor: 120, text: "≤ 120 s" }],
  },
  { label: "Storm: logins per second", unit: "logins/s", better: "higher", value: (r) => ok(r.storm)?.loginsPerSec },
  {
    label: "Storm: failed sessions",
    workload: "storm",
    unit: "sessions",
    better: "lower",
    value: (r) => ok(r.storm)?.failed,
    targets: [{ vs: "abs", factor: 0, text: "0" }],
  },
  { label: "Storm: presence received per session", unit: "KiB", better: "lower", value: (r) => kib(ok(r.storm)?.presenceBytesPerSession) },
  {
    label: "Storm: gateway RSS per session",
    workload: "storm",
    unit: "KiB",
    better: "lower",
    value: (r) => kib(ok(r.storm)?.gatewayRssPerSessionBytes),
    targets: [{ vs: "abs", factor: 6, text: "≤ 6 KiB" }],
  },
  { label: "Storm: Redis memory per session", unit: "KiB", better: "lower", value: (r) => kib(ok(r.storm)?.redisBytesPerSession) },
  {
    label: "Reconnect: all back after a gateway kill",
    workload: "reconnect",
    unit: "s",
    better: "lower",
    value: (r) => seconds(ok(r.reconnect)?.allBackMs),
    targets: [{ vs: "abs", factor: 60, text: "≤ 60 s" }],
  },
  {
    label: "Reconnect: acknowledged messages lost",
    workload: "reconnect",
    unit: "msgs",
    better: "lower",
    value: (r) => ok(r.reconnect)?.messagesLost,
    targets: [{ vs: "abs", factor: 0, text: "0" }],
  },
  {
    label: "Saturation: private rate with p99 < 50 ms",
    unit: "msg/s",
    better: "higher",
    value: (r) => ok(r.saturation)?.sustainedPerSec,
    targets: [{ vs: "socketio", factor: 1, text: "≥ Socket.IO" }],
  },
  { label: "Saturation: p99 at that rate", unit: "ms", better: "lower", value: (r) => ok(r.saturation)?.sustainedP99Ms },
];

function nan(value: number | undefined): number | undefined {
  return value === undefined || Number.isNaN(value) ? undefined : value;
}

function seconds(ms: number | undefined): number | undefined {
  return ms === undefined ? ms : ms / 1000;
}

function kib(bytes: number | undefined): number | undefined {
  return bytes === undefined ? bytes : bytes / 1024;
}

const SYSTEMS: Array<{ name: SystemName; label: string; color: string }> = [
  { name: "cim", label: "CIM", color: "#2563eb" },
  { name: "socketio", label: "Socket.IO", color: "#f59e0b" },
  { name: "ws", label: "ws ceiling", color: "#6b7280" },
];

export function fmt(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return "n/a";
  if (value === 0) return "0";
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString("en-US");
  return value.toPrecision(3);
}

function ratio(a: number | undefined, b: number | undefined): number | undefined {
  // Every figure is positive; a zero or negative one (RSS that shrank over a small run) has no meaningful ratio.
  return a === undefined || b === undefined || a <= 0 || b <= 0 ? undefined : a / b;
}

function verdict(figure: Figure, target: Target, ours: number | undefined, ref: number | undefined, cim: SystemResults | undefined): string {
  if (target.vs === "abs") {
    if (figure.workload && !cim?.[figure.workload]) return "n/a";
    if (ours === undefined || !Number.isFinite(ours)) return "MISS";
    return (figure.better === "higher" ? ours >= target.factor : ours <= target.factor) ? "PASS" : "MISS";
  }
  const r = ratio(ours, ref);
  if (r === undefined) return "n/a";
  const pass =
    figure.better === "higher"
      ? target.strict
        ? r > target.factor
        : r >= target.factor
      : target.strict
        ? r < target.factor
        : r <= target.factor;
  return pass ? "PASS" : "MISS";
}

export function markdownTable(results: BenchResults): string {
  const s = results.systems;
  const rows = FIGURES.map((f) => {
    const [ours, peer, ceiling] = SYSTEMS.map(({ name }) => (s[name] ? f.value(s[name]!) : undefined));
    const targets = f.targets?.map((t) => t.text).join("; ") ?? "";
    const verdicts = f.targets?.map((t) => verdict(f, t, ours, t.vs === "socketio" ? peer : ceiling, s.cim)).join(" / ") ?? "";
    const x = (v: number | undefined) => (v === undefined ? "n/a" : `${v.toFixed(2)}×`);
    return `| ${f.label} | ${f.unit} | ${fmt(ours)} | ${fmt(peer)} | ${fmt(ceiling)} | ${x(ratio(ours, peer))} | ${x(ratio(ours, ceiling))} | ${targets} | ${verdicts} |`;
  });
  return [
    "| Figure | Unit | CIM | Socket.IO | ws ceiling | CIM / Socket.IO | CIM / ceiling | Target | Result |",
    "|---|---|---:|---:|---:|---:|---:|---|---|",
    ...rows,
  ].join("\n");
}

function problems(results: BenchResults): string[] {
  const lines: string[] = [];
  for (const { name, label } of SYSTEMS) {
    const r = results.systems[name];
    if (!r) continue;
    for (const [workload, outcome] of Object.entries(r) as Array<[string, Record<string, unknown>]>) {
      if (!outcome) continue;
      if ("error" in outcome) lines.push(`- ${label} ${workload}: failed: ${String(outcome.error)}`);
      if (typeof outcome.rssPerConnBytes === "number" && outcome.rssPerConnBytes <= 0)
        lines.push(`- ${label} ${workload}: RSS did not grow (GC noise outweighs the connections): use more connections`);
      if (typeof outcome.failed === "number" && outcome.failed > 0)
        lines.push(`- ${label} ${workload}: ${outcome.failed} failed (${String(outcome.firstError ?? "")})`);
      if (typeof outcome.unexpectedCloses === "number" && outcome.unexpectedCloses > 0)
        lines.push(`- ${label} ${workload}: ${outcome.unexpectedCloses} sockets closed by the server`);
      if (typeof outcome.sent === "number" && outcome.received !== outcome.sent)
        lines.push(`- ${label} ${workload}: received ${String(outcome.received)} of ${outcome.sent}`);
      if (typeof outcome.messagesLost === "number" && outcome.messagesLost > 0)
        lines.push(`- ${label} ${workload}: ${outcome.messagesLost} acknowledged messages lost (${String(outcome.lostSample)})`);
      if (typeof outcome.notBack === "number" && outcome.notBack > 0)
        lines.push(`- ${label} ${workload}: ${outcome.notBack} sessions not logged in again in time`);
      if (outcome.closesByCode && Object.keys(outcome.closesByCode).length)
        lines.push(`- ${label} ${workload}: closes and failures by code: ${JSON.stringify(outcome.closesByCode)}`);
      if (typeof outcome.expectedDeliveries === "number" && outcome.deliveries !== outcome.expectedDeliveries)
        lines.push(`- ${label} ${workload}: ${String(outcome.deliveries)} of ${outcome.expectedDeliveries} deliveries`);
    }
  }
  return lines;
}

/** Each round's private p99 per system, when the private workload ran several: the table shows the median one. */
export function privateRounds(results: BenchResults): string {
  const parts = SYSTEMS.flatMap(({ name, label }) => {
    const rounds = ok(results.systems[name]?.private)?.p99Rounds;
    return rounds ? [`${label} ${rounds.map((ms) => fmt(ms)).join(" / ")}`] : [];
  });
  return parts.length ? `Private p99 of each round, in ms (the table shows the median round): ${parts.join("; ")}.` : "";
}

/**
 * The AOF rewrites CIM's Redis started in the measured windows (private, each saturation step): each forks a child
 * that takes one of the machine's cores for hundreds of ms, which a reader of the latency figures should know.
 */
export function storeRewrites(results: BenchResults): string {
  const cim = results.systems.cim;
  const shown = ok(cim?.private)?.storeRewrites;
  const steps = (ok(cim?.saturation)?.steps ?? []).filter((step) => step.storeRewrites !== undefined);
  if (shown === undefined && !steps.length) return "";
  const parts = [];
  if (shown !== undefined) parts.push(`private ${shown} (the round shown)`);
  if (steps.length) {
    const hit = steps.filter((step) => step.storeRewrites! > 0);
    parts.push(
      hit.length
        ? `saturation ${hit.map((step) => `${step.storeRewrites} at ${step.offeredPerSec.toLocaleString("en-US")} msg/s`).join(", ")}`
        : "saturation 0 in every step",
    );
  }
  return `AOF rewrites started by CIM's Redis in the measured windows: ${parts.join("; ")}.`;
}

export function markdownReport(results: BenchResults): string {
  const m = results.meta;
  const options = Object.entries(results.options)
    .map(([k, v]) => `\`--${k} ${String(v)}\``)
    .join(" ");
  const issues = problems(results);
  return [
    `# CIM benchmark: ${m.date}`,
    "",
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.memGiB} GiB RAM, Linux ${m.kernel}, Node ${m.node}. Commit ${m.commit}.`,
    `Whole run: ${m.totalSeconds} s; 1-minute load average ${m.loadAvg.start.toFixed(2)} at the start, ${m.loadAvg.end.toFixed(2)} at the end.`,
    "",
    `Options: ${options}`,
    "",
    markdownTable(results),
    "",
    ...(privateRounds(results) ? [privateRounds(results), ""] : []),
    ...(storeRewrites(results) ? [storeRewrites(results), ""] : []),
    issues.length ? ["Problems seen:", "", ...issues].join("\n") : "No failed sessions, lost messages or server-side closes.",
    "",
  ].join("\n");
}

const esc = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** Horizontal bars: one panel per figure, each bar scaled to the largest value of its panel. */
export function svgChart(results: BenchResults): string {
  const width = 880;
  const labelW = 250;
  const barMax = width - labelW - 130;
  const bar = 14;
  const panel = SYSTEMS.length * (bar + 4) + 26;
  const top = 56;
  const height = top + FIGURES.length * panel + 10;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="10" y="20" font-size="15" font-weight="bold">CIM vs Socket.IO vs bare ws (${esc(results.meta.date)})</text>`,
  ];
  SYSTEMS.forEach((s, i) => {
    parts.push(
      `<rect x="${10 + i * 130}" y="32" width="12" height="12" fill="${s.color}"/>`,
      `<text x="${26 + i * 130}" y="42">${s.label}</text>`,
    );
  });
  FIGURES.forEach((f, fi) => {
    const y0 = top + fi * panel;
    const values = SYSTEMS.map(({ name }) => (results.systems[name] ? f.value(results.systems[name]!) : undefined));
    const max = Math.max(...values.map((v) => (v !== undefined && Number.isFinite(v) ? Math.abs(v) : 0)), 1e-9);
    parts.push(
      `<text x="10" y="${y0 + 14}" font-weight="bold">${esc(f.label)}</text>`,
      `<text x="10" y="${y0 + 30}" fill="#555">${esc(f.unit)}, ${f.better} is better</text>`,
    );
    values.forEach((v, i) => {
      const y = y0 + 4 + i * (bar + 4);
      const w = v !== undefined && Number.isFinite(v) ? Math.max(1, (Math.abs(v) / max) * barMax) : 0;
      parts.push(
        `<rect x="${labelW}" y="${y}" width="${w.toFixed(1)}" height="${bar}" fill="${SYSTEMS[i]!.color}"/>`,
        `<text x="${labelW + w + 6}" y="${y + bar - 3}">${esc(fmt(v))}</text>`,
      );
    });
  });
  parts.push("</svg>");
  return parts.join("\n");
}
