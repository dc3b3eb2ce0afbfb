import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The large-memory tests have their own run (vitest.large.config.ts, npm run test:large).
    exclude: ["test/large/**", "**/node_modules/**"],
    // Builds dist/ when it is missing or stale (the runtime, CLI and thread tests load the built package).
    globalSetup: ["test/runtime/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // The memory tests measure the heap after a forced collection.
    execArgv: ["--expose-gc"],
  },
});
