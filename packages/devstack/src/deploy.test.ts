// deploy/ is not run here (no Prometheus, Grafana or Kubernetes): its files are parsed, validated against the
// Kubernetes schemas, and checked to name only metrics the servers export.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Service } from "kubernetes-models/v1/Service";
import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import { Namespace } from "kubernetes-models/v1/Namespace";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { StatefulSet } from "kubernetes-models/apps/v1/StatefulSet";
import { describe, expect, it } from "vitest";
import { parseAllDocuments, parse } from "yaml";
import { REPO_ROOT } from "./apps.js";

const deploy = (...parts: string[]) => join(REPO_ROOT, "deploy", ...parts);

/** Metric names the servers register (prom-client `name:`), with the series a histogram adds. */
function exportedMetrics(): Set<string> {
  const names = new Set<string>(["up"]);
  for (const app of ["route", "gateway"]) {
    const source = readFileSync(join(REPO_ROOT, "apps", app, "src", "metrics.ts"), "utf8");
    for (const [, name] of source.matchAll(/name: "(cim_[a-z_]+)"/g)) {
      for (const suffix of ["", "_bucket", "_sum", "_count"]) names.add(`${name}${suffix}`);
    }
  }
  return names;
}

function metricsIn(expr: string): string[] {
  return [...expr.matchAll(/\b(cim_[a-z_]+|up)\b(?=\s*[{[)\s=<>]|$)/g)].map((m) => m[1]!);
}

describe("Prometheus alert rules", () => {
  const rules = (parse(readFileSync(deploy("prometheus", "alerts.yml"), "utf8")) as { groups: Array<{ rules: Array<Record<string, unknown>> }> }).groups.flatMap((g) => g.rules);

  it("cover a gateway down, slow consumers, send latency, Redis and ZooKeeper unreachable", () => {
    const exprs = rules.map((r) => String(r.expr)).join("\n");
    for (const needle of ['up{job="cim-gateway"}', 'code="4429"', "cim_gateway_send_seconds_bucket", "redis_up", "zookeeper_up"]) expect(exprs).toContain(needle);
    for (const rule of rules) {
      expect(rule).toMatchObject({ alert: expect.stringMatching(/^Cim/), expr: expect.any(String), labels: { severity: expect.any(String) } });
      expect((rule.annotations as Record<string, string>).summary).toBeTruthy();
    }
  });

  it("name only metrics the servers export", () => {
    const exported = exportedMetrics();
    const unknown = rules.flatMap((r) => metricsIn(String(r.expr))).filter((name) => !exported.has(name));
    expect(unknown).toEqual([]);
  });
});

describe("Grafana dashboard", () => {
  const dashboard = JSON.parse(readFileSync(deploy("grafana", "cim-dashboard.json"), "utf8")) as { title: string; panels: Array<{ title: string; targets: Array<{ expr: string }> }> };

  it("has panels whose queries name only exported metrics", () => {
    expect(dashboard.panels.length).toBeGreaterThan(5);
    const exported = exportedMetrics();
    const names = dashboard.panels.flatMap((p) => p.targets.flatMap((t) => metricsIn(t.expr)));
    expect(names.length).toBeGreaterThan(10);
    expect(names.filter((name) => !exported.has(name))).toEqual([]);
  });
});

describe("Kubernetes manifests", () => {
  const models: Record<string, new (data: never) => { validate: () => void }> = { Namespace, ConfigMap, Service, Deployment, StatefulSet };
  const docs = readdirSync(deploy("k8s")).flatMap((file) => parseAllDocuments(readFileSync(deploy("k8s", file), "utf8")).map((d) => d.toJSON() as { kind: string; metadata: { name: string } }));

  it("validate against the Kubernetes schemas", () => {
    expect(docs.map((d) => d.kind).sort()).toEqual(["ConfigMap", "Deployment", "Namespace", "Service", "Service", "StatefulSet"]);
    for (const doc of docs) {
      const Model = models[doc.kind];
      expect(Model, `a model for ${doc.kind}`).toBeDefined();
      expect(() => new Model!(doc as never).validate(), `${doc.kind} ${doc.metadata.name}`).not.toThrow();
    }
  });

  it("give each gateway pod its own id and advertised URL, readiness from /healthz and time to drain", () => {
    const gateway = docs.find((d) => d.kind === "StatefulSet") as unknown as StatefulSet;
    const route = docs.find((d) => d.kind === "Deployment") as unknown as Deployment;
    const container = gateway.spec!.template.spec!.containers[0]!;
    const env = new Map(container.env!.map((e) => [e.name, e]));
    expect(env.get("GATEWAY_ID")!.valueFrom!.fieldRef!.fieldPath).toBe("metadata.name");
    expect(env.get("GATEWAY_WS_URL")!.value).toMatch(/^wss:\/\/\$\(GATEWAY_ID\)\./);
    for (const workload of [gateway, route]) {
      const spec = workload.spec!.template.spec!;
      expect(spec.containers[0]!.readinessProbe!.httpGet!.path).toBe("/healthz");
      expect(spec.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(15);
      expect(spec.containers[0]!.envFrom!.map((e) => e.secretRef?.name).filter(Boolean)).toEqual(["cim-secrets"]);
    }
  });
});
