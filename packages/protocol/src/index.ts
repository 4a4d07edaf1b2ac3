// The CIM wire protocol shared by gateways, route, browsers and tools (protobufjs/minimal only).
export * from "./answers.js";
export * from "./codes.js";
export * from "./frames.js";
export * from "./ids.js";
export * from "./reactions.js";
export * from "./text.js";
