// The default search's work on the engine against the scalar references it replaces: k-means++ seeding and
// Lloyd steps (init/lloyd.ts), the subsample's whitening, resolution and weights (init/whiten.ts,
// init/spurious.ts), and the one-hot statistics of a partition; then the whole default fit with threads.
import { describe, expect, it } from "vitest";
import "../src/index.js"; // registers the embedded module
import { GaussianMixture } from "../src/index.js";
import { setThreadsMinWork } from "../src/em/fit-setup.js";
import { Workspace } from "../src/engine/workspace.js";
import { distinct } from "../src/init/auto.js";
import { drawSubsample } from "../src/init/subsample.js";
import { lloyd, rowsAsCenters, seedPlusPlus } from "../src/init/lloyd.js";
import { SearchKmeans } from "../src/init/search-kmeans.js";
import { paramsFromLabels, shortEm } from "../src/init/short-em.js";
import { applyWhitening } from "../src/init/whiten.js";
import { resolution, whitening } from "./helpers/search-reference.js";
import { Random } from "../src/rng.js";
import { acquireEngine, releaseEngine } from "../src/wasm/engine.js";

/** A workspace with the m×d rows x (and weights w) loaded. */
async function loaded(x: Float64Array, m: number, d: number, k: number, w?: Float64Array) {
  const engine = await acquireEngine();
  const ws = new Workspace(engine, "full", m, d, k);
  await ws.load({ n: m, d, at: (i, j) => x[i * d + j], flat: x }, w);
  return { engine, ws };
}

describe("k-means of the search on the engine", () => {
  // Three clumps on a line and one off it: 2-D rows whose distances are exact in binary (halves and integers).
  const x = Float64Array.from([0, 0, 1, 0, 0.5, 0.5, 10, 0, 11, 0, 10.5, 1, 20, 20, 21, 20, 20, 21, 0, 1, 10, 1]);
  const m = 11;
  const d = 2;
  const w = Float64Array.from({ length: m }, (_, i) => 1 + (i % 3));

  it("seeds as seedPlusPlus and labels as lloyd, draw for draw", async () => {
    const { engine, ws } = await loaded(x, m, d, 3, w);
    try {
      const t = whitening(x, m, d, w);
      const z = applyWhitening(t, x, m, d);
      for (const k of [2, 3, 4]) {
        for (const seed of [0, 1, 2, 3, 4]) {
          const km = new SearchKmeans(engine, { X: ws.ptr.X, W: ws.ptr.W, m, d }, t, k, ws.ptr.end);
          const a = new Random(seed);
          const b = new Random(seed);
          const seeds = km.seeds(a);
          const ref = seedPlusPlus(z, m, t.rank, k, b, w);
          expect(seeds).toEqual(ref);
          expect(a.random()).toBe(b.random()); // the same draws were used
          for (const iters of [1, 2, 5]) {
            const labels = km.lloyd(seeds, iters);
            const want = lloyd(z, m, t.rank, k, rowsAsCenters(z, t.rank, ref), w, iters).labels;
            expect(Array.from(labels)).toEqual(Array.from(want));
          }
        }
      }
    } finally {
      releaseEngine(engine);
    }
  });

  it("relocates an emptied cluster to the farthest row, as lloyd", async () => {
    const { engine, ws } = await loaded(x, m, d, 3, w);
    try {
      const t = whitening(x, m, d, w);
      const z = applyWhitening(t, x, m, d);
      // Rows 0 and 0 again: the second center gets no row (ties go to the first) and moves to the farthest.
      const km = new SearchKmeans(engine, { X: ws.ptr.X, W: ws.ptr.W, m, d }, t, 3, ws.ptr.end);
      const seeds = [0, 0, 3];
      const labels = km.lloyd(seeds, 3);
      const want = lloyd(z, m, t.rank, 3, rowsAsCenters(z, t.rank, seeds), w, 3).labels;
      expect(Array.from(labels)).toEqual(Array.from(want));
      // By hand: after the move the three clumps are the three clusters.
      expect(new Set(labels).size).toBe(3);
      expect(labels[6]).toBe(labels[7]);
      expect(labels[0]).not.toBe(labels[3]);
    } finally {
      releaseEngine(engine);
    }
  });
});

describe("the subsample measured on the engine", () => {
  it("has the scalar whitening, resolution and whitened rows (all rows, and a drawn subsample)", async () => {
    const rng = new Random(5);
    for (const [n, size] of [
      [301, 2000],
      [5001, 1000],
    ]) {
      const d = 3;
      const X = new Float64Array(n * d);
      // Rounded to a grid per feature (resolution 0.5, 0.25, 1) with correlated features.
      for (let i = 0; i < n; i++) {
        const a = rng.normal();
        X.set([Math.round(8 * a) / 2, Math.round(4 * (a + rng.normal())) / 4, Math.round(3 * rng.normal())], i * d);
      }
      const { engine, ws } = await loaded(X, n, d, 2);
      try {
        const s = drawSubsample(ws, new Random(1), size);
        expect(s.all).toBe(n <= 2 * size);
        expect(s.m).toBe(Math.min(n, size));
        expect(s.total).toBe(n);
        // The rows are the indexed rows of X.
        for (const t of [0, 7, s.m - 1]) {
          for (let j = 0; j < d; j++) expect(s.x[t * d + j]).toBe(X[s.index[t] * d + j]);
        }
        expect(Array.from(s.res)).toEqual(Array.from(resolution(s.x, s.m, d)));
        expect(Array.from(s.res)).toEqual([0.5, 0.25, 1]);
        const ref = whitening(s.x, s.m, d, s.w);
        expect(s.rank).toBe(ref.rank);
        for (let i = 0; i < d; i++) expect(s.whitening.mean[i]).toBeCloseTo(ref.mean[i], 10);
        // Each axis up to its sign (distances do not see it): moments summed in another order may flip it.
        for (let c = 0; c < ref.rank; c++) {
          const row = (t: Float64Array) => Array.from(t.subarray(c * d, (c + 1) * d));
          const a = row(s.whitening.transform);
          const b = row(ref.transform);
          const sign = Math.sign(a.reduce((acc, v, j) => acc + v * b[j], 0));
          for (let j = 0; j < d; j++) expect(sign * a[j]).toBeCloseTo(b[j], 8);
        }
        expect(Array.from(s.z)).toEqual(Array.from(applyWhitening(s.whitening, s.x, s.m, d)));
      } finally {
        releaseEngine(engine);
      }
    }
  });

  it("sorts negative, signed-zero, repeated and constant values right (hand-worked resolution)", async () => {
    // Feature 0 sorted: −3.5 −3.5 −1.25 −0 0 2 2 7: positive gaps 2.25, 1.25, 2, 5 → 1.25. Feature 1: constant.
    // Feature 2: −1e300 and values 1e-300 apart near 0 → 1e-300.
    const f0 = [-3.5, 2, -0, 0, 2, -1.25, 7, -3.5];
    const f2 = [-1e300, 0, 1e-300, 3e-300, -1e300, 5, 5, 2e-300];
    const x = Float64Array.from(f0.flatMap((v, i) => [v, 5, f2[i]]));
    const { engine, ws } = await loaded(x, 8, 3, 2);
    try {
      const s = drawSubsample(ws, new Random(0));
      expect(Array.from(s.res)).toEqual([1.25, Infinity, 1e-300]);
      expect(Array.from(s.res)).toEqual(Array.from(resolution(x, 8, 3)));
    } finally {
      releaseEngine(engine);
    }
  });

  it("counts only positive weights and their total", async () => {
    const n = 9;
    const X = Float64Array.from({ length: n }, (_, i) => i * i);
    const w = Float64Array.from([1, 0, 2, 0, 0.5, 1, 0, 3, 1]);
    const { engine, ws } = await loaded(X, n, 1, 2, w);
    try {
      const s = drawSubsample(ws, new Random(0), 2); // 6 positive weights, more than twice 2: a draw
      expect(s.total).toBe(8.5);
      expect(s.m).toBe(2);
      for (const i of s.index) expect(w[i]).toBeGreaterThan(0);
      expect(Array.from(s.w)).toEqual(Array.from(s.index, (i) => w[i]));
    } finally {
      releaseEngine(engine);
    }
  });
});

describe("parameters from a partition", () => {
  it("are the weighted means and covariances of its parts (hand-computed)", async () => {
    // 1-D, five samples (odd: the last pair is padded), labels 0 0 1 1 −1.
    const x = Float64Array.from([1, 3, 10, 14, 100]);
    const w = Float64Array.from([1, 3, 2, 2, 1]);
    const engine = await acquireEngine();
    try {
      const ws = new Workspace(engine, "full", 5, 1, 2);
      await ws.load({ n: 5, d: 1, at: (i) => x[i], flat: x }, w);
      paramsFromLabels(ws, Int32Array.from([0, 0, 1, 1, -1]), 0);
      const p = ws.readParams();
      // Part 0: weights 1, 3 at 1, 3: mean 2.5, variance (1·1.5² + 3·0.5²)/4 = 0.75; part 1: mean 12, variance 4.
      expect(p.means[0]).toBeCloseTo(2.5, 12);
      expect(p.means[1]).toBeCloseTo(12, 12);
      expect(p.cov[0]).toBeCloseTo(0.75, 12);
      expect(p.cov[1]).toBeCloseTo(4, 12);
      expect(p.weights[0]).toBeCloseTo(0.5, 12);
      expect(p.weights[1]).toBeCloseTo(0.5, 12);
    } finally {
      releaseEngine(engine);
    }
  });
});

describe("the default fit with threads", () => {
  it("is deterministic per thread count and reaches the one-thread optimum", async () => {
    const prev = setThreadsMinWork(0); // threads for the fit and for the search's subsample
    try {
      const rng = new Random(11);
      const n = 6000;
      const d = 3;
      const X = new Float64Array(n * d);
      for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) X[i * d + j] = 5 * ((i % 4) - j) + rng.normal();
      const data = { data: X, shape: [n, d] as [number, number] };
      const opts = { nComponents: 4, covarianceType: "full" as const, randomState: 2 };
      const a = await new GaussianMixture({ ...opts, threads: 2 }).fit(data);
      const b = await new GaussianMixture({ ...opts, threads: 2 }).fit(data);
      const one = await new GaussianMixture(opts).fit(data);
      expect(a.threads).toBe(2);
      expect(a.lowerBounds).toEqual(b.lowerBounds);
      expect(a.means).toEqual(b.means);
      expect(a.lowerBound).toBeCloseTo(one.lowerBound, 6);
    } finally {
      setThreadsMinWork(prev);
    }
  });
});

describe("loading typed rows through the engine", () => {
  it("puts them in pairs as writePairs does (odd n, several chunks), with the largest |value|", async () => {
    const { writePairs } = await import("../src/data.js");
    const engine = await acquireEngine();
    try {
      for (const [n, d] of [
        [7, 3],
        [300_001, 5], // more than one chunk of 2^20 values, odd
      ]) {
        const x = Float64Array.from({ length: n * d }, (_, i) => ((i * 7919) % 1000) - 500.25);
        x[(n - 1) * d + 1] = -1e300;
        const ws = new Workspace(engine, "diag", n, d, 2);
        await ws.load({ n, d, at: (i, j) => x[i * d + j], flat: x }, undefined);
        const want = new Float64Array(Math.ceil(n / 2) * d * 2);
        const big = writePairs({ n, d, at: (i, j) => x[i * d + j] }, want, 0); // the scalar path (untyped)
        const X = ws.ptr.X >>> 3;
        expect(Array.from(engine.f64.subarray(X, X + want.length))).toEqual(Array.from(want));
        expect(ws.maxAbs).toBe(big);
        expect(ws.maxAbs).toBe(1e300);
      }
    } finally {
      releaseEngine(engine);
    }
  });

  it("on threads: the same pairs, and a value that is not finite in a worker's rows is named", async () => {
    const prev = setThreadsMinWork(0);
    try {
      const n = 40_001; // 160,004 values: split over both threads, odd
      const d = 4;
      const x = Float64Array.from({ length: n * d }, (_, i) => ((i * 7919) % 1000) / 10 + (i % d) * 50);
      const data = { data: x, shape: [n, d] as [number, number] };
      const opts = { nComponents: 2, covarianceType: "diag" as const, randomState: 1, maxIter: 3 };
      const two = await new GaussianMixture({ ...opts, threads: 2 }).fitPredict(data);
      const one = await new GaussianMixture(opts).fitPredict(data);
      expect(two.model.threads).toBe(2);
      expect(two.labels).toEqual(one.labels); // the data the two fits saw are the same
      x[(n - 2) * d + 3] = Number.POSITIVE_INFINITY; // in the second thread's rows
      await expect(new GaussianMixture({ ...opts, threads: 2 }).fit(data)).rejects.toThrow(
        new RegExp(`row ${n - 2}, column 3 is Infinity`),
      );
    } finally {
      setThreadsMinWork(prev);
    }
  });

  it("names a value that is not finite", async () => {
    const x = Float64Array.from({ length: 12 }, (_, i) => i);
    x[7] = Number.NaN;
    await expect(new GaussianMixture({ nComponents: 2 }).fit({ data: x, shape: [4, 3] })).rejects.toThrow(
      /row 2, column 1 is NaN/,
    );
    x[7] = 1;
    x[11] = Number.NEGATIVE_INFINITY;
    await expect(new GaussianMixture({ nComponents: 2 }).fit({ data: x, shape: [4, 3] })).rejects.toThrow(
      /row 3, column 2 is -Infinity/,
    );
  });
});

describe("short EM", () => {
  // Four loose clumps in 2-D; starts: random partitions, so that they reach different bounds.
  const rng = new Random(11);
  const m = 120;
  const d = 2;
  const x = Float64Array.from({ length: m * d }, (_, t) => {
    const i = t >> 1;
    return (t & 1 ? (i % 4 < 2 ? 0 : 5) : (i % 2) * 5) + rng.normal();
  });
  const starts = Array.from({ length: 7 }, () => Int32Array.from({ length: m }, () => rng.int(3)));
  const proper = () => false;

  it("a race continues the best half (at least `keep`) to the full iterations; the rest keep the bound they reached", async () => {
    const { engine, ws } = await loaded(x, m, d, 3);
    try {
      const run = (s: readonly Int32Array[], iterations: number, race?: { at: number; keep: number }) =>
        shortEm(ws, s, { regCovar: 1e-6, iterations, isSpurious: proper, race });
      // Each start on its own, without a race: its bound after 2 and after 8 iterations.
      const b2: number[] = [];
      const b8: number[] = [];
      for (const s of starts) {
        b2.push((await run([s], 2))[0].lowerBound);
        b8.push((await run([s], 8))[0].lowerBound);
      }
      expect(new Set(b2).size).toBe(7); // the starts differ
      const ahead = new Set([...b2.keys()].sort((a, b) => b2[b] - b2[a]).slice(0, 4)); // half of 7, rounded up
      const want = b2.map((v, i) => (ahead.has(i) ? b8[i] : v)).sort((a, b) => b - a);
      const raced = await run(starts, 8, { at: 2, keep: 3 });
      expect(raced.map((s) => s.lowerBound)).toEqual(want); // bit for bit, ranked best first
      // At least `keep`: with keep 6, six starts go on.
      const six = new Set([...b2.keys()].sort((a, b) => b2[b] - b2[a]).slice(0, 6));
      const wantSix = b2.map((v, i) => (six.has(i) ? b8[i] : v)).sort((a, b) => b - a);
      expect((await run(starts, 8, { at: 2, keep: 6 })).map((s) => s.lowerBound)).toEqual(wantSix);
    } finally {
      releaseEngine(engine);
    }
  });

  it("distinct drops a partition repeated under other labels, and keeps every other start", () => {
    const a = Int32Array.from([0, 0, 1, 1, 2, 2]);
    const relabelled = Int32Array.from([2, 2, 0, 0, 1, 1]);
    const other = Int32Array.from([0, 1, 1, 1, 2, 2]);
    const params = {
      weights: new Float64Array(1),
      means: new Float64Array(2),
      cov: new Float64Array(4),
      factors: new Float64Array(4),
    };
    expect(distinct([a, relabelled, other, params, a])).toEqual([a, other, params]);
  });
});
