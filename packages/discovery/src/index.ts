// Gateway discovery over ZooKeeper: registration of gateways, and the directory route reads.
export * from "./gateway-info.js";
export * from "./zk-session.js";
export * from "./gateway-registration.js";
export * from "./gateway-directory.js";
