// The choice of engine build in Node: the relaxed build (fused multiply-add) where the runtime validates relaxed
// SIMD, the baseline elsewhere, and `init({ engine })` to pin one. This file runs twice: in the usual test run
// (Node 20 without a flag: no relaxed SIMD) and under `--experimental-wasm-relaxed-simd` (test/relaxed.test.ts),
// so both branches of the choice are exercised in Node.
import { readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { engineInfo, GaussianMixture, type InitOptions, init } from "../src/index.js";
import { maxRelError } from "./helpers/fixtures.js";

const build = (name: string) => readFileSync(new URL(`../build/${name}`, import.meta.url));

// Whether this process should have relaxed SIMD, from how it was started (not from the probe under test):
// Node 20 only with the flag, Node 21 and later by default.
const nodeMajor = Number(process.versions.node.split(".")[0]);
const expectRelaxed = nodeMajor >= 21 || process.execArgv.includes("--experimental-wasm-relaxed-simd");

// A 16-feature, 3-component problem: long enough dot products for fused and unfused rounding to differ.
function problem(): { data: Float64Array; shape: [number, number] } {
  const n = 600;
  const d = 16;
  const data = new Float64Array(n * d);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < d; j++)
      data[i * d + j] = Math.sin(i * 0.613 + j * 1.91) * (1 + (j % 3)) + (i % 3) * 4 - j * 0.2;
  return { data, shape: [n, d] };
}
// scikit-learn's algorithm step for step (k-means initialisation, no acceleration): the comparison is of the
// builds' arithmetic, and the default search's ranking of near-equal starts and the accelerated loop's
// accept/reject decisions may go either way on differences of rounding.
const OPTIONS = {
  nComponents: 3,
  covarianceType: "full" as const,
  randomState: 1,
  maxIter: 30,
  tol: 0,
  initParams: "kmeans" as const,
  accelerate: false,
};

afterAll(() => init({ engine: "auto" }));

describe("the engine builds", () => {
  it("the relaxed builds carry fused multiply-adds and the baseline builds none", () => {
    const count = (wat: string) =>
      (readFileSync(new URL(`../build/${wat}`, import.meta.url), "utf8").match(/f64x2\.relaxed_madd/g) ?? []).length;
    expect(count("gaussmix.relaxed.wat")).toBeGreaterThan(50);
    expect(count("gaussmix.wat")).toBe(0);
  });

  it("the runtime probe agrees with validating the real builds", () => {
    expect(engineInfo().relaxedSimd).toBe(expectRelaxed);
    expect(WebAssembly.validate(build("gaussmix.relaxed.wasm"))).toBe(expectRelaxed);
    expect(WebAssembly.validate(build("gaussmix.shared.relaxed.wasm"))).toBe(expectRelaxed);
    expect(WebAssembly.validate(build("gaussmix.wasm"))).toBe(true);
  });
});

describe("choosing the build", () => {
  it("by default runs the relaxed build exactly where the runtime supports it", async () => {
    await init({ engine: "auto" });
    expect(engineInfo()).toEqual({
      build: expectRelaxed ? "relaxed" : "baseline",
      requested: "auto",
      relaxedSimd: expectRelaxed,
    });
    await new GaussianMixture(OPTIONS).fit(problem());
    expect(engineInfo().build).toBe(expectRelaxed ? "relaxed" : "baseline");
  });

  it('init({ engine: "baseline" }) gives the baseline module\'s numbers bit for bit', async () => {
    await init(new WebAssembly.Module(build("gaussmix.wasm")));
    expect(engineInfo().build).toBe("custom");
    const reference = (await new GaussianMixture(OPTIONS).fit(problem())).toJSON();
    await init({ engine: "baseline" });
    expect(engineInfo()).toMatchObject({ build: "baseline", requested: "baseline" });
    const model = await new GaussianMixture(OPTIONS).fit(problem());
    expect(model.toJSON()).toEqual(reference);
  });

  it.runIf(expectRelaxed)(
    "the relaxed build agrees with the baseline to rounding, and switching back restores it",
    async () => {
      await init({ engine: "baseline" });
      const baseline = await new GaussianMixture(OPTIONS).fit(problem());
      await init({ engine: "relaxed" });
      expect(engineInfo()).toMatchObject({ build: "relaxed", requested: "relaxed" });
      const relaxed = await new GaussianMixture(OPTIONS).fit(problem());
      // Thirty iterations carry the ~1e-16 rounding differences to ~1e-12; the fixtures' tolerance is 1e-9.
      expect(relaxed.nIter).toBe(baseline.nIter);
      expect(maxRelError(relaxed.lowerBounds, baseline.lowerBounds)).toBeLessThan(1e-9);
      expect(maxRelError(relaxed.means, baseline.means, 1)).toBeLessThan(1e-9);
      expect(maxRelError(relaxed.covariances, baseline.covariances, 1e-3)).toBeLessThan(1e-9);
      // But not bit for bit: the fused multiply-adds did run (every x86-64 since 2013 and every arm64 has FMA).
      expect(relaxed.lowerBounds).not.toEqual(baseline.lowerBounds);
      // Per-sample methods use the same build as fits (the pooled baseline engines are not reused).
      const X = problem();
      expect(maxRelError(relaxed.scoreSamples(X), baseline.scoreSamples(X))).toBeLessThan(1e-9);
      expect(relaxed.scoreSamples(X)).not.toEqual(baseline.scoreSamples(X));
      await init({ engine: "baseline" });
      expect((await new GaussianMixture(OPTIONS).fit(problem())).toJSON()).toEqual(baseline.toJSON());
      // Switched while a relaxed fit is under way: that fit finishes on its engine, which is then not pooled.
      await init({ engine: "relaxed" });
      const running = new GaussianMixture(OPTIONS).fit(problem());
      await init({ engine: "baseline" });
      expect((await running).toJSON()).toEqual(relaxed.toJSON());
      expect((await new GaussianMixture(OPTIONS).fit(problem())).toJSON()).toEqual(baseline.toJSON());
    },
  );

  it.runIf(!expectRelaxed)(
    'init({ engine: "relaxed" }) without relaxed SIMD is WASM_UNAVAILABLE and says what to do',
    async () => {
      await expect(init({ engine: "relaxed" })).rejects.toMatchObject({
        code: "WASM_UNAVAILABLE",
        message: expect.stringMatching(/--experimental-wasm-relaxed-simd.*"auto" or "baseline"/),
      });
      // The failed request leaves no half-loaded state: the baseline still works.
      await init({ engine: "baseline" });
      await new GaussianMixture(OPTIONS).fit(problem());
    },
  );

  it("rejects an unknown engine or option with INVALID_OPTION", async () => {
    await expect(init({ engine: "fast" as "auto" })).rejects.toMatchObject({
      code: "INVALID_OPTION",
      message: expect.stringMatching(/engine must be "auto", "baseline" or "relaxed", got "fast"/),
    });
    await expect(init({ engines: "baseline" } as unknown as InitOptions)).rejects.toMatchObject({
      code: "INVALID_OPTION",
      message: expect.stringMatching(/unknown option "engines"/),
    });
  });
});
