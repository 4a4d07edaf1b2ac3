// Stands in for long.js in the browser build. protobufjs uses long.js when it is present, and long.js compiles a
// WebAssembly module when loaded, which route's Content-Security-Policy refuses (no 'wasm-unsafe-eval'). Without
// it protobufjs reads int64 fields as numbers, which is what the app asks for anyway (`longs: Number`).
export default null;
