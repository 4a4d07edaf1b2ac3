// Prints npm test's closing lines over vitest's and Playwright's JSON reports: each test that failed and each passed
// only on its retry (flaky), with the first line of its error, then one line, "N passed, N failed" (", N flaky" and
// ", N skipped" when there are any). A CI shows only the end of the output: these lines are what it keeps of a failure.
import { existsSync, readFileSync } from "node:fs";
import { stripVTControlCharacters } from "node:util";

let passed = 0;
let failed = 0;
let skipped = 0;
/** "file › test" of each test passed only on a retry. */
const flaky = [];
/** "file › test (error)" of each test that failed, and of each file that failed outside its tests (a hook, an import). */
const failures = [];
/** The first line of an error, without the colours Playwright's messages carry. */
const firstLine = (text) =>
  stripVTControlCharacters(String(text ?? ""))
    .split("\n")
    .find((line) => line.trim() !== "")
    ?.trim()
    .slice(0, 300) ?? "";

if (existsSync(".run/vitest.json")) {
  const report = JSON.parse(readFileSync(".run/vitest.json", "utf8"));
  passed += report.numPassedTests ?? 0;
  failed += report.numFailedTests ?? 0;
  skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  for (const file of report.testResults ?? []) {
    const name = String(file.name ?? "").replace(`${process.cwd()}/`, "");
    const failedTests = (file.assertionResults ?? []).filter((test) => test.status === "failed");
    for (const test of failedTests) failures.push(`${name} › ${test.fullName} (${firstLine(test.failureMessages?.[0])})`);
    if (file.status === "failed" && failedTests.length === 0) failures.push(`${name} (${firstLine(file.message)})`);
  }
}
if (existsSync(".run/vitest-flaky.json")) {
  for (const test of JSON.parse(readFileSync(".run/vitest-flaky.json", "utf8"))) {
    const why = Array.isArray(test.errors) && test.errors.length ? ` (first attempt: ${test.errors[0]})` : "";
    flaky.push(`${test.file.replace(`${process.cwd()}/`, "")} › ${test.name}${why}`);
  }
}
if (existsSync(".run/playwright.json")) {
  const report = JSON.parse(readFileSync(".run/playwright.json", "utf8"));
  const stats = report.stats ?? {};
  passed += (stats.expected ?? 0) + (stats.flaky ?? 0);
  failed += stats.unexpected ?? 0;
  skipped += stats.skipped ?? 0;
  const walk = (suite) => {
    for (const spec of suite.specs ?? []) {
      for (const test of spec.tests ?? []) {
        const first = firstLine(test.results?.find((result) => result.error)?.error?.message);
        if (test.status === "unexpected") {
          failures.push(`e2e/tests/${spec.file} › ${spec.title} [${test.projectName}]${first ? ` (${first})` : ""}`);
        }
        if (test.status !== "flaky") continue;
        flaky.push(`e2e/tests/${spec.file} › ${spec.title} [${test.projectName}]${first ? ` (first attempt: ${first})` : ""}`);
      }
    }
    for (const child of suite.suites ?? []) walk(child);
  };
  for (const suite of report.suites ?? []) walk(suite);
}
for (const name of failures) console.log(`failed: ${name}`);
for (const name of flaky) console.log(`flaky (passed on its retry): ${name}`);
const extra = [flaky.length ? `${flaky.length} flaky` : "", skipped ? `${skipped} skipped` : ""].filter(Boolean);
console.log(`${passed} passed, ${failed} failed${extra.map((part) => `, ${part}`).join("")}`);
