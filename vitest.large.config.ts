import { defineConfig } from "vitest/config";

// The large-memory tests (test/large/): fits whose engine memory crosses 2 GiB, refusals past 4 GiB, results of
// gigabytes. Run by `npm run test:large` (CI runs it after `npm test`); sized for a 2-core machine with 24 GiB.
export default defineConfig({
  test: {
    include: ["test/large/**/*.test.ts"],
    globalSetup: ["test/runtime/global-setup.ts"],
    testTimeout: 600_000,
    hookTimeout: 600_000,
    // One file at a time, one test at a time: each needs gigabytes.
    fileParallelism: false,
    maxWorkers: 1,
    execArgv: ["--expose-gc", "--max-old-space-size=8192"],
  },
});
