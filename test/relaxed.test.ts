// The relaxed build against every fixture and invariant: the tests listed in test/relaxed.vitest.config.ts run in
// a child vitest whose workers have `--experimental-wasm-relaxed-simd`, so the default choice loads the relaxed
// build there (test/relaxed-engine.test.ts checks that it did). Node 21+ runs the relaxed build in the main run.
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { RELAXED_RUN } from "./relaxed.vitest.config.js";

const root = new URL("..", import.meta.url).pathname;

describe("the relaxed build in Node (--experimental-wasm-relaxed-simd)", () => {
  it("passes the fixtures, invariants and the engine choice tests", () => {
    const vitest = createRequire(import.meta.url)
      .resolve("vitest/package.json")
      .replace(/package\.json$/, "vitest.mjs");
    let out: string;
    try {
      out = execFileSync(
        process.execPath,
        [vitest, "run", "--config", "test/relaxed.vitest.config.ts", "--reporter", "json"],
        { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, CI: "1" } },
      );
    } catch (e) {
      out = (e as { stdout?: string }).stdout ?? "";
      if (!out.includes("{")) throw e;
    }
    const report = JSON.parse(out.slice(out.indexOf("{"))) as {
      success: boolean;
      numFailedTests: number;
      testResults: {
        name: string;
        assertionResults: { fullName: string; title: string; status: string; failureMessages: string[] }[];
      }[];
    };
    const failed = report.testResults
      .flatMap((f) => f.assertionResults)
      .filter((t) => t.status === "failed")
      .map((t) => `${t.fullName}: ${t.failureMessages.join("\n").slice(0, 500)}`);
    expect(failed).toEqual([]);
    expect(report.numFailedTests).toBe(0);
    expect(report.success).toBe(true);
    // Every listed file ran, with its tests passing (none skipped wholesale).
    expect(report.testResults.map((f) => f.name.slice(root.length)).sort()).toEqual([...RELAXED_RUN].sort());
    for (const file of report.testResults) {
      expect(file.assertionResults.filter((t) => t.status === "passed").length, file.name).toBeGreaterThan(0);
    }
    // The relaxed build was the one loaded: its own test for that passed, and the relaxed-only test ran.
    const engine = report.testResults.find((f) => f.name.endsWith("relaxed-engine.test.ts"))!.assertionResults;
    const status = (title: string) => engine.find((t) => t.title.startsWith(title))?.status;
    expect(status("by default runs the relaxed build")).toBe("passed");
    expect(status("the relaxed build agrees with the baseline")).toBe("passed");
  }, 300_000);
});
