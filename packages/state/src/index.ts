// Shared Redis state of route and gateways: keys, accounts, presence, conversations and inboxes, read state, the bus.
export * from "./keys.js";
export * from "./redis.js";
export * from "./accounts.js";
export * from "./sessions.js";
export * from "./gateway-sightings.js";
export * from "./records.js";
export * from "./messages.js";
export * from "./inbox.js";
export * from "./reads.js";
export * from "./receipts.js";
export * from "./bus.js";
export * from "./bus-watchdog.js";
export * from "./error-streak.js";
export * from "./replica-wait.js";
export * from "./rooms.js";
export * from "./users.js";
export * from "./search.js";
