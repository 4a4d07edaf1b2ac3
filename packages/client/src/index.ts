// The client SDK every client uses (CLI, web, tests, benchmarks): route API plus one live gateway session.
export * from "./client.js";
export * from "./errors.js";
export * from "./route-api.js";
export * from "./backoff.js";
export * from "./typing.js";
export * from "./message-events.js";
export { conversationOf, conversationOfSend, sendTargetOf } from "./conversation.js";
export type { SocketFactory, SocketLike } from "./socket.js";
