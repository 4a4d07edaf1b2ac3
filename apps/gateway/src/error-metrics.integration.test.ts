// What a dashboard reads of a gateway's refusals: every Error frame answered to a client counts in
// cim_gateway_errors_total under its error code (docs/DEPLOYMENT.md, "Metrics"); before, only sends refused for being
// too many in flight and socket closes were counted, so a gateway answering every Send with an error looked idle.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newUser, startCluster, type Cluster, type RecordingClient } from "@cim/devstack";

let cluster: Cluster;
let ann: RecordingClient;

beforeAll(async () => {
  cluster = await startCluster({ gateways: 1 });
  ann = await newUser(cluster.route.url, "ann");
});
afterAll(async () => {
  ann?.close();
  await cluster?.stop();
});

const metrics = async () => (await fetch(`${cluster.gateways[0]!.url}/metrics`)).text();

describe("a gateway's error metrics", () => {
  it("counts the Error frames it answers, by code", { timeout: 30_000 }, async () => {
    await expect(ann.send({ text: "" })).rejects.toMatchObject({ code: "bad_request" });
    await expect(ann.send({ text: "x", room: "r999999" })).rejects.toMatchObject({ code: expect.any(String) });
    await ann.send({ text: "fine" });
    const text = await metrics();
    expect(text).toMatch(/^cim_gateway_errors_total\{code="bad_request"\} 1$/m);
    expect(text.match(/^cim_gateway_errors_total\{code="[a-z_]+"\} \d+$/gm)?.reduce((sum, line) => sum + Number(line.split(" ")[1]), 0)).toBe(2);
  });
});
