// Property tests over random shapes, sizes and covariance types (fast-check): responsibilities are
// distributions, predict is their argmax, fitPredict agrees with fit + predict, the fit is equivariant under
// translation and invariant under row permutation, and EM with regCovar 0 never lowers the likelihood.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type CovarianceType, GaussianMixture, type GaussianMixtureOptions } from "../src/index.js";
import { Random } from "../src/rng.js";
import { flat, maxRelError } from "./helpers/fixtures.js";

const covType = fc.constantFrom<CovarianceType>("full", "tied", "diag", "spherical");

/** Well-conditioned clustered data with explicit initial parameters (so the fit is a deterministic EM). */
const problem = fc
  .record({
    seed: fc.integer({ min: 0, max: 1e6 }),
    n: fc.integer({ min: 6, max: 300 }),
    d: fc.integer({ min: 1, max: 6 }),
    k: fc.integer({ min: 1, max: 4 }),
    type: covType,
  })
  .map(({ seed, n, d, k, type }) => {
    const rng = new Random(seed);
    const centers = Array.from({ length: k }, () => Array.from({ length: d }, () => 8 * rng.normal()));
    const X = Array.from({ length: n }, (_, i) => centers[i % k].map((c) => c + rng.normal() * (0.5 + rng.random())));
    const eye = Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => (i === j ? 0.5 : 0)));
    const precisionsInit =
      type === "full"
        ? Array.from({ length: k }, () => eye)
        : type === "tied"
          ? eye
          : type === "diag"
            ? Array.from({ length: k }, () => new Array(d).fill(0.5))
            : new Array(k).fill(0.5);
    const options: GaussianMixtureOptions = {
      nComponents: k,
      covarianceType: type,
      weightsInit: new Array(k).fill(1 / k),
      meansInit: Array.from({ length: k }, (_, c) => X[c].slice()),
      precisionsInit,
      tol: 0,
      maxIter: 8,
    };
    return { X, options, rng, seed };
  });

const runs = { numRuns: 40 };

describe("properties", () => {
  it("responsibility rows sum to 1 and predict is their argmax", async () => {
    await fc.assert(
      fc.asyncProperty(problem, async ({ X, options }) => {
        const m = await new GaussianMixture(options).fit(X);
        const { data, shape } = m.predictProba(X);
        const labels = m.predict(X);
        for (let i = 0; i < shape[0]; i++) {
          const row = Array.from(data.subarray(i * shape[1], (i + 1) * shape[1]));
          expect(Math.abs(row.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-12);
          expect(row[labels[i]]).toBe(Math.max(...row));
        }
      }),
      runs,
    );
  });

  it("fitPredict(X) equals fit(X).predict(X)", async () => {
    await fc.assert(
      fc.asyncProperty(problem, async ({ X, options }) => {
        const { labels } = await new GaussianMixture(options).fitPredict(X);
        const m = await new GaussianMixture(options).fit(X);
        expect(Array.from(labels)).toEqual(Array.from(m.predict(X)));
      }),
      runs,
    );
  });

  it("translating X translates the means and leaves the covariances", async () => {
    await fc.assert(
      fc.asyncProperty(problem, fc.double({ min: -1e3, max: 1e3, noNaN: true }), async ({ X, options }, t) => {
        const shift = (r: readonly number[]) => r.map((v, j) => v + t * (j + 1));
        const a = await new GaussianMixture(options).fit(X);
        const b = await new GaussianMixture({
          ...options,
          meansInit: (options.meansInit as number[][]).map(shift),
        }).fit(X.map(shift));
        expect(maxRelError(b.means, a.means.map(shift), 1e3)).toBeLessThan(1e-9);
        expect(maxRelError(b.covariances, a.covariances, 1)).toBeLessThan(1e-6);
        expect(maxRelError(b.weights, a.weights, 1e-3)).toBeLessThan(1e-6);
      }),
      runs,
    );
  });

  it("permuting the rows of X does not change the fit beyond rounding", async () => {
    await fc.assert(
      fc.asyncProperty(problem, async ({ X, options, seed }) => {
        const rng = new Random(seed + 1);
        const order = X.map((_, i) => i);
        for (let i = order.length - 1; i > 0; i--) {
          const j = rng.int(i + 1);
          [order[i], order[j]] = [order[j], order[i]];
        }
        const a = await new GaussianMixture(options).fit(X);
        const b = await new GaussianMixture(options).fit(order.map((i) => X[i]));
        // Summation order changes the last bits; on tiny, near-singular problems (9 samples, 6 features, tied)
        // EM amplifies them to ~2e-10 after a few iterations. With at most d + 1 samples per component some
        // covariance is singular but for regCovar (1e-6): a rounding of the scatter (~1e-16 of |x|², ~1e-14)
        // moves that eigenvalue by ~1e-8 of itself, and the log-determinant with it (6 × 6 samples, tied: 2.4e-9).
        const singular = X.length <= (options.nComponents ?? 1) * (X[0].length + 1);
        const tight = singular ? 1e-7 : 1e-9;
        expect(maxRelError(b.lowerBound, a.lowerBound)).toBeLessThan(tight);
        expect(maxRelError(b.means, a.means, 1)).toBeLessThan(tight);
        expect(maxRelError(flat(b.covariances), flat(a.covariances), 1e-3)).toBeLessThan(1e-8);
      }),
      runs,
    );
  });

  it("with regCovar 0 on well-conditioned data the lower bound never decreases", async () => {
    await fc.assert(
      fc.asyncProperty(problem, async ({ X, options }) => {
        const n = X.length;
        const d = X[0].length;
        fc.pre(n >= 4 * (options.nComponents! + 1) * d); // enough points per component for a non-singular fit
        const m = await new GaussianMixture({ ...options, regCovar: 0, maxIter: 15 }).fit(X).catch(() => undefined);
        fc.pre(m !== undefined);
        const lb = m!.lowerBounds;
        for (let i = 1; i < lb.length; i++)
          expect(lb[i]).toBeGreaterThanOrEqual(lb[i - 1] - 1e-10 * Math.abs(lb[i - 1]));
      }),
      runs,
    );
  });
});
