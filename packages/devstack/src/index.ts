// Starts real Redis, ZooKeeper, route and gateways on loopback: the harness of tests, benchmarks and `npm start`.
export * from "./processes.js";
export * from "./services.js";
export * from "./apps.js";
export * from "./cluster.js";
export * from "./clients.js";
export * from "./secrets.js";
export * from "./supervisor.js";
export * from "./zookeeper-ensemble.js";
export * from "./redis-cluster.js";
export * from "./link-proxy.js";
export * from "./paced-link.js";
export * from "./fault-scenario.js";
export * from "./fault-steps.js";
export * from "./contract-defaults.js";
