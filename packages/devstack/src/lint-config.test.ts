// The root ESLint config covers the scripts' plain JavaScript: it ignored every *.mjs, so npm start's flag readers
// (scripts/cli-flags.mjs, start-flags.mjs), run before anything is installed, were never linted.
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "./apps.js";

describe("eslint.config.js", () => {
  const eslint = new ESLint({ cwd: REPO_ROOT });

  it("lints npm start's flag readers and the other .mjs scripts", async () => {
    for (const file of ["scripts/cli-flags.mjs", "scripts/start-flags.mjs", "scripts/build-servers.mjs", "scripts/summary.mjs"]) {
      expect([file, await eslint.isPathIgnored(file)]).toEqual([file, false]);
    }
  });

  it("finds an unused variable and an undefined name in one, knowing Node's globals", async () => {
    const [result] = await eslint.lintText("const unused = process.argv;\nconsole.log(missing);\n", { filePath: "scripts/probe.mjs" });
    expect(result!.messages.map((m) => m.ruleId)).toEqual(["@typescript-eslint/no-unused-vars", "no-undef"]);
  });
});
