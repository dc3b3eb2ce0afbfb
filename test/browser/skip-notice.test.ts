// Without Chromium the browser tests are skipped, and `npm test` says so plainly, with what to install.
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { skipNotice } from "./chromium.js";

const root = new URL("../..", import.meta.url).pathname;

describe("without Chromium", () => {
  it("the notice names the path looked at and what to install", () => {
    expect(skipNotice("/nonexistent/chromium")).toBe(
      "Browser tests (test/browser/) are SKIPPED: no Chromium at /nonexistent/chromium. " +
        "Install Debian's Chromium (apt-get install chromium), or set CHROMIUM=/path/to/chromium.",
    );
    expect(skipNotice(process.execPath)).toBeUndefined();
  });

  it("a test run says it at its start and its end, and skips the browser tests", () => {
    const run = spawnSync(
      process.execPath,
      [`${root}node_modules/vitest/vitest.mjs`, "run", "test/browser/threads.test.ts", "--reporter=verbose"],
      { cwd: root, encoding: "utf8", env: { ...process.env, CHROMIUM: "/nonexistent/chromium", NO_COLOR: "1" } },
    );
    expect(run.status).toBe(0);
    const said = run.stderr.split("\n").filter((l) => l === `[gaussmix] ${skipNotice("/nonexistent/chromium")}`);
    expect(said).toHaveLength(2);
    expect(run.stdout).toMatch(/Tests\s+3 skipped \(3\)/);
  });
});
