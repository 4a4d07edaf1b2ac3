// The fault test: 20 users on 2 gateways, 6 of them with a second device, 3 rooms, exchange 2,000 group, room and
// private messages at a steady rate while one gateway is killed with SIGKILL and restarted and Redis is restarted.
// Every message that got a SendAck must reach every device it is for exactly once: a group message every device
// but the one that sent it, a room message every device of every member but the sender's, a private message
// every device of the recipient and the sender's other devices. In order: per room and in the group, and per
// sending device in a private chat (two devices of one user sending at once have no order between them).
// Some sends are edits, deletions and reactions of the sending device's earlier messages: events like any message,
// held to the same guarantees, and each must arrive naming the message it changes. Some messages go over HTTP
// (POST /api/messages, sent again after a 503) among the socket sends: every device of the sender gets those.
// The scenario is packages/devstack/src/fault-scenario.ts; faults-cluster.integration.test.ts runs it on the cluster layout.
import { expect, it } from "vitest";
import { EDIT_SHARE, HTTP_SHARE, REACT_SHARE, runFaultScenario } from "@cim/devstack";

const MESSAGES = 2_000;

it("every acknowledged message reaches every device it is for exactly once, in order, through a gateway kill and a Redis restart", { timeout: 240_000 }, async () => {
  const summary = await runFaultScenario({
    stack: { layout: "single" },
    messages: MESSAGES,
    faults: (stack, done) => new Map([
      [Math.floor(MESSAGES * 0.25), async () => {
        await stack.gateways[0]!.stop("SIGKILL");
        done("gw-a killed");
      }],
      [Math.floor(MESSAGES * 0.4), async () => {
        stack.gateways[0] = await stack.startGateway("gw-a");
        done("gw-a restarted");
      }],
      [Math.floor(MESSAGES * 0.6), async () => {
        await stack.redis.stop("SIGTERM");
        await stack.redis.restart();
        done("redis restarted");
      }],
    ]),
  });
  console.log(`fault test: ${JSON.stringify(summary)}`);

  expect([...summary.faults].sort()).toEqual(["gw-a killed", "gw-a restarted", "redis restarted"]);
  expect(summary.acked).toBeGreaterThan(MESSAGES * 0.95);
  expect(summary.byKind.room).toBeGreaterThan(MESSAGES * 0.15);
  expect(summary.byKind.edits + summary.byKind.deletions).toBeGreaterThan(MESSAGES * EDIT_SHARE * 0.5);
  expect(summary.byKind.reactions).toBeGreaterThan(MESSAGES * REACT_SHARE * 0.5);
  expect(summary.byKind.overHttp).toBeGreaterThan(MESSAGES * HTTP_SHARE * 0.5);
  expect(summary.wrongEvents).toBe(0);
  expect(summary.missing).toBe(0);
  expect(summary.duplicates).toBe(0);
  expect(summary.droppedBySdk).toBe(0);
  expect(summary.unexpected).toBe(0);
  expect(summary.outOfOrder).toBe(0);
  expect(summary.deliveries).toBe(summary.expectedDeliveries);
});
