// A vitest reporter that notes every test passed only on a retry (the integration projects retry once) in
// .run/vitest-flaky.json, for scripts/summary.mjs to name them on npm test's closing lines: a retry keeps a
// one-off stall of the shared machine from failing the run, and the names keep the flake in sight to be fixed.
import { mkdirSync, writeFileSync } from "node:fs";

const OUTPUT = ".run/vitest-flaky.json";

export default class FlakyReporter {
  flaky = [];

  onTestCaseResult(testCase) {
    const diagnostic = testCase.diagnostic();
    if (!diagnostic?.flaky) return;
    // The failed attempts' errors stay in the result: their first line says what went wrong before the retry.
    const errors = (testCase.result().errors ?? []).map((error) => String(error?.message ?? error).split("\n")[0]);
    this.flaky.push({ file: testCase.module.moduleId, name: testCase.fullName, retries: diagnostic.retryCount, errors });
  }

  onTestRunEnd() {
    mkdirSync(".run", { recursive: true });
    writeFileSync(OUTPUT, JSON.stringify(this.flaky, null, 2));
  }
}
