// Loaded into every server process of the bench with NODE_OPTIONS=--import, so no server code changes:
// SIGUSR2 runs a full garbage collection (RSS is read after one) and then writes how many it ran to
// <tmpdir>/cim-bench-gc-<pid>, so the bench knows when it is done; CIM_BENCH_PROFILE_DIR turns on a CPU profile
// written at exit or on SIGHUP, which then starts a new one (Node 20 refuses --cpu-prof in NODE_OPTIONS).
import { Session } from "node:inspector";
import { writeFileSync } from "node:fs";
import { writeHeapSnapshot } from "node:v8";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";

const session = new Session();
session.connect();
const heapDir = process.env.CIM_BENCH_HEAP_DIR;
let collections = 0;
process.on("SIGUSR2", () =>
  session.post("HeapProfiler.collectGarbage", () => {
    if (heapDir) writeHeapSnapshot(`${heapDir}/${basename(dirname(dirname(process.argv[1] ?? "node")))}-${process.pid}-${Date.now()}.heapsnapshot`);
    writeFileSync(join(tmpdir(), `cim-bench-gc-${process.pid}`), String(++collections));
  }),
);

const dir = process.env.CIM_BENCH_PROFILE_DIR;
if (dir) {
  const name = basename(dirname(dirname(process.argv[1] ?? "node")));
  let part = 0;
  const write = () =>
    session.post("Profiler.stop", (error, result) => {
      if (!error) writeFileSync(`${dir}/${name}-${process.pid}-${part++}.cpuprofile`, JSON.stringify(result.profile));
    });
  session.post("Profiler.enable");
  session.post("Profiler.start");
  process.on("exit", write);
  process.on("SIGHUP", () => {
    write();
    session.post("Profiler.start");
  });
}
