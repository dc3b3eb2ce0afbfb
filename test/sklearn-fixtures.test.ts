// Every reference fit made by scikit-learn (explicit initial parameters, so EM is deterministic) is
// reproduced: parameters, lower bound, iterations, convergence and the per-sample outputs on a second data set.
import { describe, expect, it } from "vitest";
import { GaussianMixture } from "../src/index.js";
import { flat, maxRelError, sklearnFixtures } from "./helpers/fixtures.js";

// The fixtures' README promises 1e-6 for a correct float64 implementation; we hold ourselves to 1e-9.
const REL = 1e-9;

describe.each(sklearnFixtures().map((f) => [f.name, f] as const))("scikit-learn fixture %s", (_name, fx) => {
  it("matches the fitted parameters, lower bound, nIter and converged", async () => {
    const model = await new GaussianMixture(fx.options).fit(fx.X);
    const e = fx.expected;
    expect(model.nIter).toBe(e.nIter);
    expect(model.converged).toBe(e.converged);
    expect(model.lowerBounds).toHaveLength(e.nIter);
    expect(model.lowerBounds.at(-1)).toBe(model.lowerBound);
    expect(maxRelError(model.lowerBound, e.lowerBound)).toBeLessThan(REL);
    expect(maxRelError(model.weights, e.weights)).toBeLessThan(REL);
    expect(maxRelError(model.means, e.means, 1e-3)).toBeLessThan(REL);
    expect(maxRelError(model.covariances, e.covariances, 1e-3)).toBeLessThan(REL);
    expect(maxRelError(model.precisions, e.precisions, 1e-3)).toBeLessThan(REL);
    expect(maxRelError(model.precisionsCholesky, e.precisionsCholesky, 1e-3)).toBeLessThan(REL);
  });

  it("matches the per-sample outputs and scores on Y", async () => {
    const model = await new GaussianMixture(fx.options).fit(fx.X);
    const e = fx.expected;
    expect(maxRelError(model.scoreSamples(fx.Y), e.scoreSamplesY)).toBeLessThan(REL);
    const proba = model.predictProba(fx.Y);
    expect(proba.shape).toEqual([fx.Y.length, fx.options.nComponents]);
    // Responsibilities near 0 carry absolute, not relative, accuracy.
    expect(maxRelError(proba.data, flat(e.predictProbaY), 1e-3)).toBeLessThan(REL);
    expect(Array.from(model.predict(fx.Y))).toEqual(e.predictY);
    expect(maxRelError(model.score(fx.Y), e.scoreY)).toBeLessThan(REL);
    expect(maxRelError(model.bic(fx.Y), e.bicY)).toBeLessThan(REL);
    expect(maxRelError(model.aic(fx.Y), e.aicY)).toBeLessThan(REL);
  });

  it("gives the same model from a flat Float64Array with its shape", async () => {
    const [n, d] = [fx.X.length, fx.X[0].length];
    const data = Float64Array.from(fx.X.flat());
    const a = await new GaussianMixture(fx.options).fit(fx.X);
    const b = await new GaussianMixture(fx.options).fit({ data, shape: [n, d] });
    expect(b.toJSON()).toEqual(a.toJSON());
  });
});
