// The pieces of the default initialisation, each against an independent oracle: the whitening (identity
// covariance, a hand-worked 2-D case), Ward's hierarchy (a hand-worked case and a brute-force O(n³) Ward), the
// spurious-fit rule (hand-made cases), and the search as a whole (deterministic per randomState).
import { describe, expect, it } from "vitest";
import type { Params } from "../src/engine/types.js";
import { GaussianMixture } from "../src/index.js";
import { cutHierarchy, wardHierarchy } from "../src/init/hc.js";
import { isSpurious } from "../src/init/spurious.js";
import { applyWhitening, symmetricEigen } from "../src/init/whiten.js";
import { resolution, whitening } from "./helpers/search-reference.js";
import { Random } from "../src/rng.js";

function covariance(z: Float64Array, m: number, r: number, w?: Float64Array): number[][] {
  const mean = new Array(r).fill(0);
  let W = 0;
  for (let i = 0; i < m; i++) {
    const v = w ? w[i] : 1;
    W += v;
    for (let a = 0; a < r; a++) mean[a] += v * z[i * r + a];
  }
  for (let a = 0; a < r; a++) mean[a] /= W;
  const c = Array.from({ length: r }, () => new Array(r).fill(0));
  for (let i = 0; i < m; i++) {
    const v = w ? w[i] : 1;
    for (let a = 0; a < r; a++)
      for (let b = 0; b < r; b++) c[a][b] += (v * (z[i * r + a] - mean[a]) * (z[i * r + b] - mean[b])) / W;
  }
  return c;
}

describe("whitening", () => {
  it("gives identity covariance on correlated, badly scaled data (weighted too)", () => {
    const rng = new Random(1);
    const m = 500;
    const d = 4;
    const x = new Float64Array(m * d);
    for (let i = 0; i < m; i++) {
      const [a, b, c, e] = [rng.normal(), rng.normal(), rng.normal(), rng.normal()];
      x.set([1e6 * a, 1e6 * a + 3e3 * b, 1e-3 * c - 2e-3 * b, 5 + e], i * d);
    }
    const w = Float64Array.from({ length: m }, (_, i) => 1 + (i % 3));
    for (const weights of [undefined, w]) {
      const t = whitening(x, m, d, weights);
      expect(t.rank).toBe(d);
      const c = covariance(applyWhitening(t, x, m, d), m, d, weights);
      for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) expect(c[a][b]).toBeCloseTo(a === b ? 1 : 0, 8);
    }
  });

  it("hand-worked 2-D case: covariance [[2, 1], [1, 2]] has axes (1, 1)/√2 (variance 3) and (1, −1)/√2 (variance 1)", () => {
    // Four points whose covariance (divided by n) is exactly [[2, 1], [1, 2]].
    const s = Math.sqrt(3);
    const x = Float64Array.from([s, s, -s, -s, 1, -1, -1, 1]);
    const t = whitening(x, 4, 2);
    const eigen = symmetricEigen(Float64Array.from([2, 1, 1, 2]), 2).values;
    expect(Array.from(eigen).map((v) => +v.toFixed(12))).toEqual([3, 1]);
    expect(Array.from(t.mean)).toEqual([0, 0]);
    // Rows: (1, 1)/(√2·√3) and (1, −1)/√2, up to sign.
    const rows = [Array.from(t.transform.subarray(0, 2)), Array.from(t.transform.subarray(2, 4))];
    const sign = (r: number[]) => Math.sign(r[0]);
    expect(rows[0].map((v) => v * sign(rows[0]))).toEqual([
      expect.closeTo(1 / Math.sqrt(6), 12),
      expect.closeTo(1 / Math.sqrt(6), 12),
    ]);
    expect(rows[1].map((v) => v * sign(rows[1]))).toEqual([
      expect.closeTo(1 / Math.sqrt(2), 12),
      expect.closeTo(-1 / Math.sqrt(2), 12),
    ]);
    // The whitened points: (±√2, 0) and (0, ±√2).
    const z = applyWhitening(t, x, 4, 2);
    expect(Array.from(z, (v) => Math.abs(v)).map((v) => +v.toFixed(12))).toEqual(
      [2, 0, 2, 0, 0, 2, 0, 2].map((v) => +Math.sqrt(v).toFixed(12)),
    );
  });

  it("drops a constant feature instead of dividing by zero", () => {
    const x = Float64Array.from([1, 7, 2, 7, 3, 7, 5, 7]);
    const t = whitening(x, 4, 2);
    expect(t.rank).toBe(1);
    const z = applyWhitening(t, x, 4, 2);
    expect(z.every(Number.isFinite)).toBe(true);
  });

  it("eigen-decomposition reconstructs the matrix", () => {
    const a = Float64Array.from([4, 1, 0.5, 1, 3, -0.2, 0.5, -0.2, 1e-4]);
    const { values, vectors } = symmetricEigen(a, 3);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        let s = 0;
        for (let c = 0; c < 3; c++) s += vectors[i * 3 + c] * values[c] * vectors[j * 3 + c];
        expect(s).toBeCloseTo(a[i * 3 + j], 12);
      }
    }
  });
});

/** Ward by brute force: at every step, the pair with the smallest increase of the within-cluster sum of squares. */
function bruteWard(x: number[][], w?: number[]): { heights: number[]; partitions: Map<number, number[][]> } {
  let clusters = x.map((p, i) => ({ members: [i], size: w ? w[i] : 1, centroid: p.slice() }));
  const heights: number[] = [];
  const partitions = new Map<number, number[][]>();
  while (clusters.length > 1) {
    let best = [0, 1];
    let bestCost = Infinity;
    for (let a = 0; a < clusters.length; a++) {
      for (let b = a + 1; b < clusters.length; b++) {
        const A = clusters[a];
        const B = clusters[b];
        const d2 = A.centroid.reduce((s, v, j) => s + (v - B.centroid[j]) ** 2, 0);
        const cost = ((A.size * B.size) / (A.size + B.size)) * d2;
        if (cost < bestCost) {
          bestCost = cost;
          best = [a, b];
        }
      }
    }
    const [a, b] = best;
    const A = clusters[a];
    const B = clusters[b];
    const size = A.size + B.size;
    const merged = {
      members: [...A.members, ...B.members],
      size,
      centroid: A.centroid.map((v, j) => (A.size * v + B.size * B.centroid[j]) / size),
    };
    clusters = clusters.filter((_, i) => i !== a && i !== b).concat([merged]);
    heights.push(bestCost);
    partitions.set(
      clusters.length,
      clusters.map((c) => c.members.slice().sort((p, q) => p - q)),
    );
  }
  return { heights, partitions };
}

function groups(labels: Int32Array): number[][] {
  const by = new Map<number, number[]>();
  labels.forEach((c, i) => by.set(c, [...(by.get(c) ?? []), i]));
  return [...by.values()].sort((p, q) => p[0] - q[0]);
}

describe("Ward's hierarchy", () => {
  it("hand-worked: 0, 1, 5, 6, 20 on a line merge at 0.5, 0.5, 25, 231.2", () => {
    const merges = wardHierarchy(Float64Array.from([0, 1, 5, 6, 20]), 5, 1);
    expect(merges.map((m) => m.height)).toEqual([0.5, 0.5, 25, expect.closeTo(231.2, 10)]);
    expect(groups(cutHierarchy(merges, 5, 2))).toEqual([[0, 1, 2, 3], [4]]);
    expect(groups(cutHierarchy(merges, 5, 3))).toEqual([[0, 1], [2, 3], [4]]);
  });

  it("equals brute-force Ward: merge heights and every cut (with weights too)", () => {
    const rng = new Random(7);
    for (const weighted of [false, true]) {
      const m = 40;
      const d = 3;
      const pts = Array.from({ length: m }, (_, i) => [
        rng.normal() + 4 * (i % 3),
        rng.normal() * 2,
        rng.normal() - (i % 2),
      ]);
      const w = weighted ? pts.map((_, i) => 1 + (i % 4)) : undefined;
      const merges = wardHierarchy(Float64Array.from(pts.flat()), m, d, w ? Float64Array.from(w) : undefined);
      const ref = bruteWard(pts, w);
      expect(merges.map((x) => x.height)).toEqual(ref.heights.map((h) => expect.closeTo(h, 9)));
      for (const k of [2, 3, 5, 9]) {
        expect(groups(cutHierarchy(merges, m, k))).toEqual(ref.partitions.get(k)!.sort((p, q) => p[0] - q[0]));
      }
    }
  });
});

describe("spurious fits", () => {
  const res = Float64Array.from([0.1, 0.1]);
  const params = (weights: number[], cov: number[]): Params => ({
    weights: Float64Array.from(weights),
    means: new Float64Array(weights.length * 2),
    cov: Float64Array.from(cov),
    factors: new Float64Array(cov.length),
  });

  it("the resolution is the smallest gap between distinct values", () => {
    expect(Array.from(resolution(Float64Array.from([1.2, 5, 1.0, 5, 1.5, 5]), 3, 2))).toEqual([
      expect.closeTo(0.2, 12),
      Infinity,
    ]);
  });

  it("a component on fewer than d + 1 samples' weight is spurious (not for tied)", () => {
    expect(isSpurious("diag", params([0.5, 0.5], [1, 1, 1, 1]), 2, 2, 100, res)).toBe(false);
    expect(isSpurious("diag", params([0.98, 0.02], [1, 1, 1, 1]), 2, 2, 100, res)).toBe(true); // 2 < 3 samples
    expect(isSpurious("tied", params([0.98, 0.02], [1, 0, 0, 1]), 2, 2, 100, res)).toBe(false);
  });

  it("a covariance thinner than the resolution in some direction is spurious", () => {
    // Full: a component along the diagonal x = y with variance 1e-6 across it (points on a line of tied values).
    const thin = [0.5 + 5e-7, 0.5 - 5e-7, 0.5 - 5e-7, 0.5 + 5e-7];
    expect(isSpurious("full", params([0.5, 0.5], [1, 0, 0, 1, ...thin]), 2, 2, 100, res)).toBe(true);
    expect(isSpurious("full", params([0.5, 0.5], [1, 0, 0, 1, 1, 0.5, 0.5, 1]), 2, 2, 100, res)).toBe(false);
    // Diag: 1e-4 / 0.1² = 0.01 < 1/12.
    expect(isSpurious("diag", params([0.5, 0.5], [1, 1, 1e-4, 1]), 2, 2, 100, res)).toBe(true);
    // Spherical (stored d times): 1e-3 / 0.01 = 0.1 ≥ 1/12.
    expect(isSpurious("spherical", params([0.5, 0.5], [1e-3, 1e-3, 1, 1]), 2, 2, 100, res)).toBe(false);
  });
});

describe("the search", () => {
  const rng = new Random(3);
  const blobs = (n: number) =>
    Array.from({ length: n }, (_, i) => {
      const c = i % 3;
      const [a, b] = [rng.normal(), rng.normal()];
      return [4 * c + a + 0.9 * b, c * c + 0.3 * b, rng.normal() + (c === 1 ? 3 : 0)];
    });
  const small = blobs(600);
  const large = blobs(9001); // beyond twice the subsample: the search runs on a drawn subsample

  it.each([
    ["auto", "600 samples", small],
    ["hc", "600 samples", small],
    ["auto", "9001 samples", large],
  ] as const)("is deterministic per randomState (%s, %s)", async (initParams, _size, X) => {
    for (const covarianceType of ["full", "diag"] as const) {
      const fit = (randomState: number) =>
        new GaussianMixture({ nComponents: 4, covarianceType, initParams, randomState }).fit(X);
      const [a, b] = [await fit(5), await fit(5)];
      expect(a.toJSON()).toEqual(b.toJSON());
      expect(a.converged).toBe(true);
    }
  });

  it("hc does not depend on randomState when the data fit in the subsample", async () => {
    const fit = (randomState: number) =>
      new GaussianMixture({ nComponents: 3, initParams: "hc", randomState }).fit(small);
    expect((await fit(1)).toJSON()).toEqual((await fit(2)).toJSON());
  });
});
