// The owner's removal test (room-removal.integration.test.ts) on the cluster layout: Redis Cluster with sharded
// pub/sub, where cim-bus:all and the room's wake-ups reach a gateway over two shards' connections.
import { vi } from "vitest";
import { setDefaultLayout } from "@cim/devstack";
import "./room-removal.integration.test.js";

setDefaultLayout("cluster");
// Six redis-servers and three ZooKeepers start before the suite's first test.
vi.setConfig({ hookTimeout: 180_000 });
