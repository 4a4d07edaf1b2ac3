// The core chat test (chat.integration.test.ts) on the cluster layout: Redis Cluster (3 masters, 3 replicas,
// sharded pub/sub) and a ZooKeeper ensemble of 3.
import { vi } from "vitest";
import { setDefaultLayout } from "@cim/devstack";
import "./chat.integration.test.js";

setDefaultLayout("cluster");
// Six redis-servers and three ZooKeepers start before the suite's first test.
vi.setConfig({ hookTimeout: 180_000 });
