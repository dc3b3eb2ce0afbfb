// The tests that run again under `--experimental-wasm-relaxed-simd` (Node 20 has relaxed SIMD only behind that
// flag), so that the relaxed build is what they load: started by test/relaxed.test.ts.
import { defineConfig } from "vitest/config";

export const RELAXED_RUN = [
  "test/sklearn-fixtures.test.ts",
  "test/invariants.test.ts",
  "test/degenerate.test.ts",
  "test/weights-and-sampling.test.ts",
  "test/relaxed-engine.test.ts",
];

export default defineConfig({
  test: {
    include: RELAXED_RUN,
    testTimeout: 60_000,
    execArgv: ["--expose-gc", "--experimental-wasm-relaxed-simd"],
  },
});
