// Sample weights enter the sufficient statistics: integer weights equal repeated rows, zero weights equal
// dropped rows. Sampling draws exact component counts from a multinomial and matches the model's moments.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type CovarianceType, FittedGaussianMixture, GaussianMixture } from "../src/index.js";
import { Random } from "../src/rng.js";
import { maxRelError } from "./helpers/fixtures.js";

const TYPES: CovarianceType[] = ["full", "tied", "diag", "spherical"];
const rng = new Random(21);
const X = Array.from({ length: 120 }, (_, i) => [4 * (i % 3) + rng.normal(), -3 * (i % 3) + rng.normal() * 0.5]);
const init = (type: CovarianceType) => ({
  nComponents: 3,
  covarianceType: type,
  tol: 0,
  maxIter: 12,
  weightsInit: [0.3, 0.3, 0.4],
  meansInit: [X[0], X[1], X[2]],
  precisionsInit:
    type === "full"
      ? [0, 1, 2].map(() => [
          [1, 0],
          [0, 1],
        ])
      : type === "tied"
        ? [
            [1, 0],
            [0, 1],
          ]
        : type === "diag"
          ? [
              [1, 1],
              [1, 1],
              [1, 1],
            ]
          : [1, 1, 1],
});

describe.each(TYPES)("sample weights (%s)", (type) => {
  it("integer weights give the same model as repeating the rows", async () => {
    const w = X.map((_, i) => (i * 7) % 4); // 0..3, including zeros
    const repeated = X.flatMap((x, i) => Array.from({ length: w[i] }, () => x));
    const a = await new GaussianMixture(init(type)).fit(X, { sampleWeight: w });
    const b = await new GaussianMixture(init(type)).fit(repeated);
    expect(maxRelError(a.lowerBounds, b.lowerBounds)).toBeLessThan(1e-10);
    expect(maxRelError(a.weights, b.weights)).toBeLessThan(1e-10);
    expect(maxRelError(a.means, b.means, 1)).toBeLessThan(1e-10);
    expect(maxRelError(a.covariances, b.covariances, 1e-2)).toBeLessThan(1e-10);
    const sw = X.map((_, i) => w[i]);
    expect(a.score(X, { sampleWeight: sw })).toBeCloseTo(b.score(repeated), 12);
  });

  it("zero weights give the same model as dropping the rows", async () => {
    const w = X.map((_, i) => (i % 5 === 0 ? 0 : 1));
    const kept = X.filter((_, i) => w[i] > 0);
    const a = await new GaussianMixture(init(type)).fit(X, { sampleWeight: w });
    const b = await new GaussianMixture(init(type)).fit(kept);
    expect(maxRelError(a.lowerBounds, b.lowerBounds)).toBeLessThan(1e-10);
    expect(maxRelError(a.means, b.means, 1)).toBeLessThan(1e-10);
    expect(maxRelError(a.covariances, b.covariances, 1e-2)).toBeLessThan(1e-10);
  });

  it("default k-means initialisation respects the weights too (a zero-weight outlier is ignored)", async () => {
    const withOutlier = [...X, [1e6, 1e6]];
    const w = [...X.map(() => 1), 0];
    const a = await new GaussianMixture({ nComponents: 3, covarianceType: type, randomState: 0 }).fit(withOutlier, {
      sampleWeight: w,
    });
    const b = await new GaussianMixture({ nComponents: 3, covarianceType: type, randomState: 0 }).fit(X);
    expect(a.means.flat().every((v) => Math.abs(v) < 100)).toBe(true);
    expect(a.lowerBound).toBeCloseTo(b.lowerBound, 6);
  });
});

describe("sample", () => {
  const model = FittedGaussianMixture.fromJSON({
    format: "gaussmix-model",
    version: 1,
    covarianceType: "full",
    nComponents: 2,
    nFeatures: 2,
    weights: [0.3, 0.7],
    means: [-5, 0, 5, 2],
    // cov0 = [[1, .5], [.5, 2]], cov1 = [[.25, 0], [0, .25]]; factors are the packed L⁻¹ (only the covariances are used to sample)
    covariances: [1, 0.5, 0.5, 2, 0.25, 0, 0, 0.25],
    factors: [1, -0.3779644730092272, 0.7559289460184544, 2, 0, 2],
    converged: true,
    nIter: 1,
    lowerBound: 0,
    lowerBounds: [0],
  });

  it("draws exact counts grouped by component, reproducibly per randomState", () => {
    const a = model.sample(1000, { randomState: 3 });
    const b = model.sample(1000, { randomState: 3 });
    const c = model.sample(1000, { randomState: 4 });
    expect(a.X.shape).toEqual([1000, 2]);
    expect(Array.from(a.X.data)).toEqual(Array.from(b.X.data));
    expect(Array.from(a.X.data)).not.toEqual(Array.from(c.X.data));
    const labels = Array.from(a.labels);
    expect(labels).toEqual([...labels].sort((x, y) => x - y)); // grouped
    expect(labels.filter((l) => l === 0).length + labels.filter((l) => l === 1).length).toBe(1000);
  });

  it("matches the model's weights, means and covariances (sample moments)", () => {
    const n = 200_000;
    const { X: S, labels } = model.sample(n, { randomState: 1 });
    const count0 = labels.filter((l) => l === 0).length;
    // Multinomial: sd of the count is sqrt(n p (1-p)) ≈ 205; 5 sd.
    expect(Math.abs(count0 - 0.3 * n)).toBeLessThan(5 * Math.sqrt(n * 0.3 * 0.7));
    for (const [c, mean, cov] of [
      [
        0,
        [-5, 0],
        [
          [1, 0.5],
          [0.5, 2],
        ],
      ],
      [
        1,
        [5, 2],
        [
          [0.25, 0],
          [0, 0.25],
        ],
      ],
    ] as const) {
      const rows: number[][] = [];
      for (let i = 0; i < n; i++) if (labels[i] === c) rows.push([S.data[2 * i], S.data[2 * i + 1]]);
      const m = [0, 1].map((j) => rows.reduce((s, r) => s + r[j], 0) / rows.length);
      m.forEach((v, j) => expect(Math.abs(v - mean[j])).toBeLessThan(5 * Math.sqrt(cov[j][j] / rows.length)));
      for (let a = 0; a < 2; a++) {
        for (let b = 0; b < 2; b++) {
          const s = rows.reduce((acc, r) => acc + (r[a] - m[a]) * (r[b] - m[b]), 0) / rows.length;
          expect(Math.abs(s - cov[a][b])).toBeLessThan(0.03 * Math.max(cov[a][a], cov[b][b]));
        }
      }
    }
  });

  it.each(["tied", "diag", "spherical"] as const)(
    "samples %s models with the right variances",
    async (covarianceType) => {
      const m = await new GaussianMixture({ nComponents: 2, covarianceType, randomState: 0 }).fit(X);
      const { X: S, labels } = m.sample(100_000, { randomState: 2 });
      const vars = [0, 1].map((j) => {
        const rows = Array.from(labels)
          .map((l, i) => (l === 0 ? S.data[2 * i + j] : NaN))
          .filter((v) => !Number.isNaN(v));
        const mu = rows.reduce((a, b) => a + b, 0) / rows.length;
        return rows.reduce((a, v) => a + (v - mu) ** 2, 0) / rows.length;
      });
      const cov = m.covariances as any;
      const expected =
        covarianceType === "tied" ? [cov[0][0], cov[1][1]] : covarianceType === "diag" ? cov[0] : [cov[0], cov[0]];
      vars.forEach((v, j) => expect(Math.abs(v - expected[j]) / expected[j]).toBeLessThan(0.05));
    },
  );
});

describe("sample weights are relative", () => {
  it("all weights 1e-20 give the unweighted model (the 10·eps floor no longer dominates)", async () => {
    const opts = { nComponents: 3, randomState: 2 };
    const plain = await new GaussianMixture(opts).fit(X);
    const tiny = await new GaussianMixture(opts).fit(X, { sampleWeight: X.map(() => 1e-20) });
    expect(Math.abs(tiny.lowerBound - plain.lowerBound)).toBeLessThan(1e-9 * Math.abs(plain.lowerBound));
    expect(maxRelError(tiny.means, plain.means, 1)).toBeLessThan(1e-9);
  });

  it("scaling every weight by a constant from 1e-20 to 1e20 does not change the model (property)", async () => {
    const base = X.map((_, i) => 0.5 + ((i * 13) % 7) / 3);
    await fc.assert(
      fc.asyncProperty(
        fc.double({ min: -20, max: 20, noNaN: true }),
        fc.constantFrom<CovarianceType>(...TYPES),
        async (exponent, type) => {
          const scale = 10 ** exponent;
          const opts = { nComponents: 3, covarianceType: type, randomState: 5, tol: 0, maxIter: 20 };
          const a = await new GaussianMixture(opts).fit(X, { sampleWeight: base });
          const b = await new GaussianMixture(opts).fit(X, { sampleWeight: base.map((w) => w * scale) });
          expect(Math.abs(a.lowerBound - b.lowerBound)).toBeLessThan(1e-9 * Math.abs(a.lowerBound));
          expect(maxRelError(b.means, a.means, 1)).toBeLessThan(1e-8);
          expect(maxRelError(b.weights, a.weights, 1e-3)).toBeLessThan(1e-8);
          expect(maxRelError(b.covariances, a.covariances, 1e-3)).toBeLessThan(1e-8);
        },
      ),
      { numRuns: 40, seed: 20 },
    );
  });
});
