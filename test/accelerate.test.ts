// The accelerated EM (SQUAREM with a monotone fallback, Aitken stopping) against plain EM as the oracle: the
// accepted iterates never lower the log-likelihood, a tight tolerance reaches plain EM's optimum in fewer passes,
// and the tolerance no longer stops EM on a plateau (Old Faithful's tied k = 3, mclust's reference value).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { remainingGain } from "../src/em/accelerate.js";
import { GaussianMixture } from "../src/index.js";
import { sklearnFixtures } from "./helpers/fixtures.js";

const faithful = readFileSync(new URL("./fixtures/faithful.csv", import.meta.url), "utf8")
  .trim()
  .split("\n")
  .slice(1)
  .map((l) => l.split(",").map(Number));
/** mclust 6.0's tied (EEE) k = 3 log-likelihood on faithful (test/fixtures/make_faithful.R). */
const MCLUST_TIED3 = -1126.326236;

describe("accelerated EM", () => {
  it("Aitken's remaining gain: a first step is scikit-learn's test; a geometric sequence gives its tail", () => {
    expect(remainingGain(-Infinity, -10, -9.5)).toBe(0.5);
    // Steps 1, 0.9: rate 0.9, remaining after the last step 0.9·0.9/0.1, returned with the step: 0.9/0.1 = 9.
    expect(remainingGain(0, 1, 1.9)).toBeCloseTo(9, 12);
    expect(remainingGain(0, 1, 3)).toBe(Infinity);
  });

  const cases = sklearnFixtures().filter((f) => f.options.nComponents > 1);
  it.each(cases.map((f) => [f.name, f] as const))(
    "%s: never lowers the log-likelihood and reaches at least plain EM's optimum (tol 1e-10)",
    async (_name, fx) => {
      const base = { ...fx.options, tol: 1e-10, maxIter: 20000 };
      const plain = await new GaussianMixture({ ...base, accelerate: false }).fit(fx.X);
      const fast = await new GaussianMixture({ ...base, accelerate: true }).fit(fx.X);
      // EM itself is monotone only up to regCovar's effect (a large regCovar makes each M-step a slightly
      // different problem): the check is made where plain EM is monotone.
      const monotone = (lbs: readonly number[]) =>
        lbs.every((v, i) => i === 0 || v >= lbs[i - 1] - 1e-12 * Math.abs(v));
      if (monotone(plain.lowerBounds)) expect(monotone(fast.lowerBounds)).toBe(true);
      expect(fast.converged).toBe(true);
      // The same optimum, or (an extrapolation may cross into another basin) a better one.
      expect(fast.lowerBound).toBeGreaterThanOrEqual(plain.lowerBound - 1e-8);
      expect(fast.nIter).toBeLessThanOrEqual(plain.nIter + 2);
    },
  );

  it("does not stop on Old Faithful's tied k = 3 plateau: reaches mclust's optimum with the default tol in fewer passes", async () => {
    // The same start for both: the default search's parameters, made explicit.
    const start = await new GaussianMixture({ nComponents: 3, covarianceType: "tied", maxIter: 1 }).fit(faithful);
    const init = { weightsInit: start.weights, meansInit: start.means, precisionsInit: start.precisions };
    const opts = { nComponents: 3, covarianceType: "tied" as const, ...init };
    const plain = await new GaussianMixture({ ...opts, accelerate: false, tol: 1e-10, maxIter: 100000 }).fit(faithful);
    const fast = await new GaussianMixture({ ...opts, accelerate: true }).fit(faithful);
    expect(plain.lowerBound * faithful.length).toBeGreaterThanOrEqual(MCLUST_TIED3 - 0.01);
    expect(fast.lowerBound * faithful.length).toBeGreaterThanOrEqual(MCLUST_TIED3 - 0.01);
    expect(fast.nIter).toBeLessThan(plain.nIter);
  });

  it("the default fit reaches mclust's tied k = 3 optimum on Old Faithful in every one of 10 seeds", async () => {
    for (let seed = 0; seed < 10; seed++) {
      const m = await new GaussianMixture({ nComponents: 3, covarianceType: "tied", randomState: seed }).fit(faithful);
      expect(m.lowerBound * faithful.length, `seed ${seed}`).toBeGreaterThanOrEqual(MCLUST_TIED3 - 0.01);
    }
  });

  it("explicit initial parameters keep scikit-learn's loop unless accelerate is set", async () => {
    const fx = sklearnFixtures()[0];
    const a = await new GaussianMixture(fx.options).fit(fx.X);
    const b = await new GaussianMixture({ ...fx.options, accelerate: false }).fit(fx.X);
    expect(a.toJSON()).toEqual(b.toJSON());
    expect(new GaussianMixture(fx.options).options.accelerate).toBe(false);
    expect(new GaussianMixture({}).options.accelerate).toBe(true);
    expect(new GaussianMixture({ warmStart: true }).options.accelerate).toBe(false);
  });
});
