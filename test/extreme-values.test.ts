// Finite input never gives a silent NaN: log-densities that leave the float64 range are −Infinity (or their
// finite value when it is representable), responsibilities are their limit, and a fit on data too large to
// square says so.
import { describe, expect, it } from "vitest";
import { type CovarianceType, FittedGaussianMixture, GaussianMixture, GaussMixError } from "../src/index.js";
import { Random } from "../src/rng.js";

const TYPES: CovarianceType[] = ["full", "tied", "diag", "spherical"];
const rng = new Random(4);
const X = Array.from({ length: 300 }, (_, i) => [(i % 3) * 6 + rng.normal(), (i % 3) * -4 + rng.normal()]);

const EXTREME = [
  [1e300, 1e300],
  [-1e300, 1e300],
  [1.7e308, -1.7e308],
  [-1.7e308, -1.7e308],
  [1.7e308, 0],
  [1e160, 1e160],
];

describe("extreme finite inputs to a fitted model", () => {
  it.each(TYPES)("%s: scores are −Infinity, responsibilities one-hot rows, bic/aic not NaN", async (covarianceType) => {
    const m = await new GaussianMixture({ nComponents: 3, covarianceType, randomState: 1 }).fit(X);
    const ll = m.scoreSamples(EXTREME);
    for (const v of ll) expect(v).toBe(-Infinity);
    const { data } = m.predictProba(EXTREME);
    const labels = m.predict(EXTREME);
    for (let i = 0; i < EXTREME.length; i++) {
      const row = Array.from(data.subarray(i * 3, i * 3 + 3));
      expect(row.every((r) => r === 0 || r === 1)).toBe(true);
      expect(row.reduce((a, b) => a + b, 0)).toBe(1);
      expect(labels[i]).toBe(row.indexOf(1));
    }
    // Ordinary rows next to extreme ones are untouched.
    const mixed = [X[0], [1e300, 1e300], X[1]];
    const llMixed = m.scoreSamples(mixed);
    expect(llMixed[0]).toBe(m.scoreSamples([X[0]])[0]);
    expect(llMixed[2]).toBe(m.scoreSamples([X[1]])[0]);
    expect(m.bic(mixed)).toBe(Infinity);
    expect(m.aic(mixed)).toBe(Infinity);
    expect(m.score(mixed)).toBe(-Infinity);
  });

  // A one-component model N(0, 1): log p(x) = −½·log 2π − ½·x², by hand.
  const unit = FittedGaussianMixture.fromJSON({
    format: "gaussmix-model",
    version: 1,
    covarianceType: "diag",
    nComponents: 2,
    nFeatures: 1,
    weights: [0.5, 0.5],
    means: [0, 1e150],
    covariances: [1, 100],
    factors: [1, 0.1],
    converged: true,
    nIter: 1,
    lowerBound: -1,
    lowerBounds: [-1],
  });

  it("a log-density beyond what the kernel can square, but representable, is returned finite", () => {
    // x = 1.5e154: x² = 2.25e308 overflows, ½x² = 1.125e308 does not. The wide component (σ = 10) is
    // centred at 1e150, so ½·((x − 1e150)/10)² ≈ 1.1235e306 wins.
    const x = 1.5e154;
    const [ll] = unit.scoreSamples([[x]]);
    const wide = Math.log(0.5) - 0.5 * Math.log(2 * Math.PI) - Math.log(10) - 0.5 * ((x - 1e150) / 10) ** 2;
    expect(Number.isFinite(ll)).toBe(true);
    expect(ll / wide).toBeCloseTo(1, 12);
    expect(Array.from(unit.predictProba([[x]]).data)).toEqual([0, 1]);
  });

  it("where every density underflows, the responsibility goes to the component that is least far (the wider one)", () => {
    const [ll] = unit.scoreSamples([[1e300]]);
    expect(ll).toBe(-Infinity);
    expect(Array.from(unit.predictProba([[1e300]]).data)).toEqual([0, 1]);
    expect(Array.from(unit.predict([[1e300], [0]]))).toEqual([1, 0]);
  });
});

describe("fitting data too large to square", () => {
  it.each(TYPES)(
    "%s: a coded error that says the values are too large and to scale the data",
    async (covarianceType) => {
      const big = X.map(([a, b]) => [a * 1e300, b * 1e300]);
      let err: unknown;
      try {
        await new GaussianMixture({ nComponents: 2, covarianceType }).fit(big);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(GaussMixError);
      expect((err as GaussMixError).code).toBe("ILL_DEFINED_COVARIANCE");
      expect((err as GaussMixError).message).toMatch(/too large to square in float64/);
      expect((err as GaussMixError).message).toMatch(/Scale the input data/);
      expect((err as GaussMixError).message).not.toMatch(/singleton or collapsed/);
    },
  );
});
