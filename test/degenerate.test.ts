// Degenerate data: with regCovar > 0 everything fits and every output is finite; with regCovar 0 on
// singular data the error names the component and what to do. Covariances never go negative.
import { describe, expect, it } from "vitest";
import { type CovarianceType, type FittedGaussianMixture, GaussianMixture, GaussMixError } from "../src/index.js";
import { Random } from "../src/rng.js";
import { flat } from "./helpers/fixtures.js";

const TYPES: CovarianceType[] = ["full", "tied", "diag", "spherical"];

function allFinite(m: FittedGaussianMixture, X: number[][]): void {
  for (const v of [m.weights, m.means, m.covariances, m.precisions, m.precisionsCholesky, m.lowerBound]) {
    expect(flat(v).every(Number.isFinite)).toBe(true);
  }
  expect(Array.from(m.scoreSamples(X)).every(Number.isFinite)).toBe(true);
  expect(Array.from(m.predictProba(X).data).every(Number.isFinite)).toBe(true);
  expect(Number.isFinite(m.bic(X))).toBe(true);
}

const rng = new Random(5);
const normal = (n: number, d: number, scale = 1, offset = 0) =>
  Array.from({ length: n }, () => Array.from({ length: d }, () => offset + scale * rng.normal()));

const cases: [string, number[][], number][] = [
  ["all points identical", Array.from({ length: 50 }, () => [3, -1]), 3],
  ["duplicated points", [...normal(20, 2), ...Array.from({ length: 30 }, () => [1, 1])], 3],
  ["a constant feature", normal(60, 3).map((r) => [r[0], 7, r[2]]), 2],
  ["collinear features", normal(60, 1).map(([a]) => [a, 2 * a, -a + 1]), 2],
  ["more features than samples", normal(6, 10), 2],
  ["values around 1e150", normal(80, 2, 1e150), 2],
  ["values around 1e-150", normal(80, 2, 1e-150), 2],
  ["a huge offset with a tiny spread", normal(80, 2, 1e-3, 1e8), 2],
];

describe.each(TYPES)("degenerate data fits with regCovar > 0 (%s)", (covarianceType) => {
  it.each(cases)("%s", async (_name, X, k) => {
    for (const initParams of ["kmeans", "random"] as const) {
      const m = await new GaussianMixture({ nComponents: k, covarianceType, initParams, randomState: 1 }).fit(X);
      allFinite(m, X);
      // Variances are at least regCovar (up to rounding): never negative, never below the regularisation.
      const c = m.covariances as any;
      const variances: number[] =
        covarianceType === "full"
          ? c.flatMap((s: number[][]) => s.map((row, i) => row[i]))
          : covarianceType === "tied"
            ? c.map((row: number[], i: number) => row[i])
            : flat(c);
      expect(variances.every((v) => v >= 1e-6 * (1 - 1e-9))).toBe(true);
    }
  });
});

describe("regCovar 0 on singular data", () => {
  it.each(TYPES)("names the component and says what to do (%s)", async (covarianceType) => {
    const X = [...Array.from({ length: 10 }, () => [1, 2]), ...normal(30, 2, 1, 10)];
    let err: unknown;
    try {
      await new GaussianMixture({
        nComponents: 2,
        covarianceType,
        regCovar: 0,
        initParams: "kmeans",
        randomState: 0,
        maxIter: 5,
      }).fit(X);
    } catch (e) {
      err = e;
    }
    if (covarianceType === "tied") {
      // The pooled covariance of a collapsed cluster and a spread one is still positive definite.
      expect(err).toBeUndefined();
      return;
    }
    expect(err).toBeInstanceOf(GaussMixError);
    expect((err as GaussMixError).code).toBe("ILL_DEFINED_COVARIANCE");
    expect((err as GaussMixError).message).toMatch(/component \d has an ill-defined empirical covariance/);
    expect((err as GaussMixError).message).toMatch(
      /decrease the number of components, increase regCovar, or scale the input data/,
    );
  });

  it("a tied covariance of identical points names the tied covariance", async () => {
    const X = Array.from({ length: 10 }, () => [1, 2]);
    await expect(new GaussianMixture({ nComponents: 2, covarianceType: "tied", regCovar: 0 }).fit(X)).rejects.toThrow(
      /the tied covariance has an ill-defined/,
    );
  });
});

describe("numerically stable covariances (no E[x²] − E[x]² cancellation)", () => {
  it.each(TYPES)("data at 1e8 with spread 1e-3 gives the right variance (%s)", async (covarianceType) => {
    const X = normal(2000, 2, 1e-3, 1e8);
    const m = await new GaussianMixture({ nComponents: 1, covarianceType, regCovar: 0 }).fit(X);
    // Two-pass variance as the oracle.
    const mean = [0, 1].map((j) => X.reduce((s, r) => s + r[j], 0) / X.length);
    const v = [0, 1].map((j) => X.reduce((s, r) => s + (r[j] - mean[j]) ** 2, 0) / X.length);
    const cov = flat(m.covariances);
    const diag = covarianceType === "spherical" ? [cov[0], cov[0]] : covarianceType === "diag" ? cov : [cov[0], cov[3]];
    const expected = covarianceType === "spherical" ? [(v[0] + v[1]) / 2, (v[0] + v[1]) / 2] : v;
    diag.forEach((x, j) => expect(Math.abs(x - expected[j]) / expected[j]).toBeLessThan(1e-6));
  });

  it("a component that loses all its points keeps finite parameters", async () => {
    const X = normal(100, 2);
    // Component 1 starts far from every point: its responsibilities underflow to 0.
    const m = await new GaussianMixture({
      nComponents: 2,
      covarianceType: "full",
      weightsInit: [0.5, 0.5],
      meansInit: [
        [0, 0],
        [1e4, 1e4],
      ],
      precisionsInit: [
        [
          [1, 0],
          [0, 1],
        ],
        [
          [1, 0],
          [0, 1],
        ],
      ],
      maxIter: 5,
    }).fit(X);
    allFinite(m, X);
    expect(m.weights[1]).toBeLessThan(1e-12);
  });
});

describe("points no component can explain", () => {
  it("far-away samples get finite log-densities and a clear label", async () => {
    const m = await new GaussianMixture({ nComponents: 2, randomState: 0 }).fit([
      ...normal(50, 2),
      ...normal(50, 2, 1, 8),
    ]);
    const far = [
      [1e6, 1e6],
      [-1e6, 3],
    ];
    expect(Array.from(m.scoreSamples(far)).every(Number.isFinite)).toBe(true);
    const p = m.predictProba(far).data;
    expect(Array.from(p).every((v) => v === 0 || v === 1)).toBe(true);
  });
});
