// Mergeable sufficient statistics: they agree with the model's own per-sample methods, add up over any split of
// the data (fast-check), round-trip exactly through JSON and bytes, and their M-step is one EM iteration of the
// in-memory fit from the same parameters.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type CovarianceType,
  type FittedGaussianMixture,
  GaussianMixture,
  SufficientStatistics,
} from "../src/index.js";
import { Random } from "../src/rng.js";
import { maxRelError } from "./helpers/fixtures.js";

const TYPES: CovarianceType[] = ["full", "tied", "diag", "spherical"];

function blobs(seed: number, n: number, d: number, k: number): number[][] {
  const rng = new Random(seed);
  const centers = Array.from({ length: k }, () => Array.from({ length: d }, () => 6 * rng.normal()));
  return Array.from({ length: n }, (_, i) => centers[i % k].map((c) => c + rng.normal() * (1 + (i % 3) / 2)));
}

/** A model and the next EM iteration of the in-memory fit from exactly its parameters (a warm start). */
async function twoIterations(X: number[][], covarianceType: CovarianceType, k: number) {
  const est = new GaussianMixture({ nComponents: k, covarianceType, warmStart: true, maxIter: 1, randomState: 1 });
  const m0 = await est.fit(X);
  const m1 = await est.fit(X);
  return { m0, m1 };
}

function close(a: FittedGaussianMixture, b: FittedGaussianMixture, tol: number) {
  expect(maxRelError(a.weights, b.weights)).toBeLessThan(tol);
  expect(maxRelError(a.means, b.means)).toBeLessThan(tol);
  expect(maxRelError(a.covariances, b.covariances)).toBeLessThan(tol);
  expect(maxRelError(a.precisionsCholesky, b.precisionsCholesky)).toBeLessThan(tol);
}

describe.each(TYPES)("sufficient statistics, %s", (covarianceType) => {
  const X = blobs(3, 401, 3, 3);

  it("agree with the model's per-sample methods (L = Σ log p, N_c = Σ r_c)", async () => {
    const { m0 } = await twoIterations(X, covarianceType, 3);
    const s = m0.statistics(X);
    const ll = m0.scoreSamples(X).reduce((a, b) => a + b, 0);
    expect(s.nSamples).toBe(401);
    expect(s.weightSum).toBe(401);
    expect(Math.abs(s.logLikelihood - ll) / Math.abs(ll)).toBeLessThan(1e-12);
    const r = m0.predictProba(X);
    const nk = [0, 1, 2].map((c) => X.reduce((acc, _, i) => acc + r.data[i * 3 + c], 0));
    expect(maxRelError(Array.from(s.nk), nk)).toBeLessThan(1e-12);
    // S1_c = Σ r_c (x − μ_c)
    const s1 = [0, 1, 2].flatMap((c) =>
      [0, 1, 2].map((j) => X.reduce((acc, x, i) => acc + r.data[i * 3 + c] * (x[j] - m0.means[c][j]), 0)),
    );
    expect(Math.max(...s1.map((v, i) => Math.abs(v - s.s1[i])))).toBeLessThan(1e-9);
  });

  it("their M-step is one EM iteration of the in-memory fit from the same parameters (1e-12)", async () => {
    const { m0, m1 } = await twoIterations(X, covarianceType, 3);
    const stats = m0.statistics(X);
    const next = stats.toModel({ regCovar: m0.regCovar }); // the fit's amounts (relative to the data by default)
    close(next, m1, 1e-12);
    expect(Math.abs(next.lowerBound - m1.lowerBound)).toBeLessThan(1e-12);
    close(m0.step(stats), m1, 1e-12);
  });

  it("weighted statistics equal those of repeated rows", async () => {
    const { m0 } = await twoIterations(X, covarianceType, 3);
    const w = X.map((_, i) => (i % 3 === 0 ? 2 : i % 3 === 1 ? 0 : 1));
    const repeated = X.flatMap((x, i) => Array.from({ length: w[i] }, () => x));
    const a = m0.statistics(X, { sampleWeight: w });
    const b = m0.statistics(repeated);
    expect(a.weightSum).toBe(b.weightSum);
    expect(Math.abs(a.logLikelihood - b.logLikelihood) / Math.abs(b.logLikelihood)).toBeLessThan(1e-12);
    expect(maxRelError(Array.from(a.s2), Array.from(b.s2))).toBeLessThan(1e-11);
  });

  it("merge over any split equals the whole (fast-check; counts exactly)", async () => {
    const { m0 } = await twoIterations(X, covarianceType, 3);
    const whole = m0.statistics(X);
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.integer({ min: 1, max: X.length - 1 }), { maxLength: 6 }),
        fc.integer({ min: 0, max: 1000 }),
        async (cuts, seed) => {
          const bounds = [0, ...[...cuts].sort((a, b) => a - b), X.length];
          const parts = bounds.slice(1).map((b, i) => m0.statistics(X.slice(bounds[i], b)));
          // a random order and a random grouping
          const rng = new Random(seed);
          const order = parts.map((p) => ({ p, key: rng.random() })).sort((a, b) => a.key - b.key);
          let pool = order.map((o) => o.p);
          while (pool.length > 1) {
            const i = Math.floor(rng.random() * (pool.length - 1));
            pool = [...pool.slice(0, i), pool[i].merge(pool[i + 1]), ...pool.slice(i + 2)];
          }
          const merged = pool[0];
          const seq = SufficientStatistics.merge(parts[0], ...parts.slice(1));
          for (const m of [merged, seq]) {
            expect(m.nSamples).toBe(X.length);
            expect(m.weightSum).toBe(X.length);
            expect(Math.abs(m.logLikelihood - whole.logLikelihood) / Math.abs(whole.logLikelihood)).toBeLessThan(1e-12);
            expect(maxRelError(Array.from(m.nk), Array.from(whole.nk))).toBeLessThan(1e-12);
            const scale = Math.max(...whole.s2.map(Math.abs));
            expect(Math.max(...m.s1.map((v, i) => Math.abs(v - whole.s1[i])))).toBeLessThan(1e-11 * scale);
            expect(Math.max(...m.s2.map((v, i) => Math.abs(v - whole.s2[i])))).toBeLessThan(1e-12 * scale);
          }
          // commutative exactly
          if (parts.length >= 2) expect(parts[0].merge(parts[1]).toJSON()).toEqual(parts[1].merge(parts[0]).toJSON());
        },
      ),
      { numRuns: 25 },
    );
  });

  it("round-trips exactly through JSON and bytes", async () => {
    const { m0 } = await twoIterations(X, covarianceType, 3);
    const s = m0.statistics(X.slice(0, 123));
    const viaJSON = SufficientStatistics.fromJSON(JSON.stringify(s));
    const viaBytes = SufficientStatistics.fromBytes(s.toBytes());
    for (const t of [viaJSON, viaBytes]) {
      expect(t.toJSON()).toEqual(s.toJSON());
      for (const key of ["shift", "nk", "s1", "s2"] as const) {
        expect(Array.from(new Uint8Array(t[key].buffer))).toEqual(Array.from(new Uint8Array(s[key].buffer)));
      }
      expect(Object.is(t.logLikelihood, s.logLikelihood)).toBe(true);
    }
  });
});

describe("statistics errors", () => {
  const X = blobs(5, 200, 2, 2);

  it("statistics of different parameters do not merge, nor step another model (STATISTICS_MISMATCH)", async () => {
    const { m0, m1 } = await twoIterations(X, "full", 2);
    const a = m0.statistics(X);
    const b = m1.statistics(X);
    expect(() => a.merge(b)).toThrow(expect.objectContaining({ code: "STATISTICS_MISMATCH" }));
    expect(() => m1.step(a)).toThrow(expect.objectContaining({ code: "STATISTICS_MISMATCH" }));
    // the fingerprint survives the model's JSON round trip
    const copy = (await import("../src/index.js")).FittedGaussianMixture.fromJSON(JSON.stringify(m0));
    expect(copy.fingerprint).toBe(m0.fingerprint);
    expect(() => copy.step(a)).not.toThrow();
  });

  it("malformed documents are INVALID_STATISTICS; bad arguments INVALID_OPTION / FEATURE_MISMATCH", async () => {
    const { m0 } = await twoIterations(X, "diag", 2);
    const s = m0.statistics(X);
    const doc = s.toJSON();
    expect(() => SufficientStatistics.fromJSON("{")).toThrow(expect.objectContaining({ code: "INVALID_STATISTICS" }));
    expect(() => SufficientStatistics.fromJSON({ ...doc, s2: [1] })).toThrow(
      expect.objectContaining({ code: "INVALID_STATISTICS" }),
    );
    expect(() => SufficientStatistics.fromJSON({ ...doc, nSamples: 1.5 })).toThrow(
      expect.objectContaining({ code: "INVALID_STATISTICS" }),
    );
    const forged = s.toBytes();
    forged.set(
      new TextEncoder().encode('"fingerprint":"zz'),
      new TextDecoder().decode(forged).indexOf('"fingerprint":"'),
    );
    expect(() => SufficientStatistics.fromBytes(forged)).toThrow(
      expect.objectContaining({ code: "INVALID_STATISTICS" }),
    );
    expect(() => SufficientStatistics.fromBytes(s.toBytes().subarray(0, 40))).toThrow(
      expect.objectContaining({ code: "INVALID_STATISTICS" }),
    );
    expect(() => s.toModel({ regCovar: -1 })).toThrow(expect.objectContaining({ code: "INVALID_OPTION" }));
    expect(() => m0.statistics(X, { sampleWeights: [] } as never)).toThrow(
      expect.objectContaining({
        code: "INVALID_OPTION",
        message: expect.stringMatching(/did you mean sampleWeight\?/),
      }),
    );
    expect(() => s.toModel({ regCovr: 1e-3 } as never)).toThrow(
      expect.objectContaining({ code: "INVALID_OPTION", message: expect.stringMatching(/did you mean regCovar\?/) }),
    );
    expect(() => s.toModel(null as never)).toThrow(expect.objectContaining({ code: "INVALID_OPTION" }));
    expect(() => m0.statistics([[1, 2, 3]])).toThrow(expect.objectContaining({ code: "FEATURE_MISMATCH" }));
    expect(() => m0.statistics(X, { sampleWeight: [1] })).toThrow(
      expect.objectContaining({ code: "INVALID_SAMPLE_WEIGHT" }),
    );
  });
});
