// Shared Redis state of route and gateways: keys, accounts, routes/online, message streams, the bus.
export * from "./keys.js";
export * from "./redis.js";
export * from "./accounts.js";
export * from "./sessions.js";
export * from "./messages.js";
export * from "./bus.js";
export * from "./rooms.js";
export * from "./users.js";
