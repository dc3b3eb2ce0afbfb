/**
 * The search's k-means on the engine: the whitened subsample in pair layout, k-means++ seedings and Lloyd steps
 * by the k-means kernels (assembly/kmeans.ts). The algorithm is lloyd.ts's (seedPlusPlus, lloyd), step for step
 * and with the same random draws; only the arithmetic moves, so that no JavaScript loop runs over the rows — in a
 * process's first fits such loops run before the JavaScript compiler has optimised them, at many times the
 * cost of the SIMD kernels.
 */
import type { Engine } from "../wasm/engine.js";
import type { Random } from "../rng.js";
import type { Whitening } from "./whiten.js";

/** scikit-learn's number of k-means++ trials per seed. */
function trialsFor(k: number): number {
  return 2 + Math.floor(Math.log(k));
}

/** Rows in the engine's pair layout: m samples × d features at byte offset X, their weights at W. */
export interface PairRows {
  readonly X: number;
  readonly W: number;
  readonly m: number;
  readonly d: number;
}

export class SearchKmeans {
  private readonly pairs: number;
  private readonly trials: number;
  private readonly r: number;
  private readonly m: number;
  private readonly ptr: {
    Z: number;
    W: number;
    labels: number;
    dist: number;
    cum: number;
    centers: number;
    sums: number;
    counts: number;
    cands: number;
    pots: number;
    mean: number;
    transform: number;
  };

  /**
   * Whitens the rows (`t`) into the engine's memory from byte offset `start` (past the regions that hold them),
   * where the seedings and Lloyd steps then run.
   */
  constructor(
    private readonly engine: Engine,
    rows: PairRows,
    t: Whitening,
    private readonly k: number,
    start: number,
  ) {
    const { m, d } = rows;
    const r = t.rank;
    this.m = m;
    this.r = r;
    this.pairs = Math.ceil(m / 2);
    this.trials = trialsFor(k);
    this.ptr = engine.layout(
      {
        Z: this.pairs * r * 16,
        W: this.pairs * 16,
        labels: this.pairs * 8,
        dist: this.pairs * 16,
        cum: this.pairs * 16,
        centers: k * r * 8,
        sums: k * r * 8,
        counts: (k + 1) * 8,
        cands: this.trials * r * 8,
        pots: this.trials * 8,
        mean: d * 8,
        transform: r * d * 8,
      },
      `the initialisation's k-means on ${m} rows × ${r} features`,
      undefined,
      start,
    );
    const f = engine.f64;
    f.set(t.mean, this.ptr.mean >>> 3);
    f.set(t.transform, this.ptr.transform >>> 3);
    engine.kernels.whitenPairs(rows.X, this.pairs, d, this.ptr.mean, this.ptr.transform, r, this.ptr.Z);
    f.copyWithin(this.ptr.W >>> 3, rows.W >>> 3, (rows.W >>> 3) + 2 * this.pairs);
  }

  /** Copies whitened row i to byte offset `to`. */
  private setCenter(to: number, i: number): void {
    const f = this.engine.f64;
    const from = (this.ptr.Z >>> 3) + (i >> 1) * this.r * 2 + (i & 1);
    for (let j = 0; j < this.r; j++) f[(to >>> 3) + j] = f[from + 2 * j];
  }

  /** The first row whose running score exceeds u (the running scores are at ptr.cum). */
  private find(u: number): number {
    const f = this.engine.f64;
    const cum = this.ptr.cum >>> 3;
    let lo = 0;
    let hi = this.m - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (f[cum + mid] > u) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** Greedy k-means++ (lloyd.ts's seedPlusPlus); returns k row indices. */
  seeds(rng: Random): number[] {
    const { engine, ptr, pairs, trials, k } = this;
    const { m, r } = this;
    const kern = engine.kernels;
    let total = kern.kmeansCumulate(ptr.W, 0, m, ptr.cum);
    const seeds = [this.find(rng.random() * total)];
    engine.f64.fill(Infinity, ptr.dist >>> 3, (ptr.dist >>> 3) + 2 * pairs);
    this.setCenter(ptr.cands, seeds[0]);
    kern.kmeansClosest(ptr.Z, ptr.W, pairs, r, ptr.cands, ptr.dist);
    const tried: number[] = [];
    for (let c = 1; c < k; c++) {
      total = kern.kmeansCumulate(ptr.W, ptr.dist, m, ptr.cum);
      tried.length = 0;
      for (let t = 0; t < trials; t++) {
        tried.push(total > 0 ? this.find(rng.random() * total) : rng.int(m));
        this.setCenter(ptr.cands + t * r * 8, tried[t]);
      }
      // All trials in one sweep; the first lowest potential wins.
      kern.kmeansTrials(ptr.Z, ptr.W, pairs, r, ptr.cands, trials, ptr.dist, ptr.pots);
      let best = -1;
      let bestPot = Infinity;
      for (let t = 0; t < trials; t++) {
        const p = engine.f64[(ptr.pots >>> 3) + t];
        if (p < bestPot) {
          bestPot = p;
          best = tried[t];
        }
      }
      seeds.push(best);
      this.setCenter(ptr.cands, best);
      kern.kmeansClosest(ptr.Z, ptr.W, pairs, r, ptr.cands, ptr.dist);
    }
    return seeds;
  }

  /**
   * Weighted Lloyd iterations from the given rows as centers (lloyd.ts's lloyd) until no label changes or
   * `maxIter`; an emptied cluster takes the row farthest from its center. Returns the labels.
   */
  lloyd(seeds: readonly number[], maxIter: number): Int32Array {
    const { engine, ptr, pairs, k } = this;
    const { m, r } = this;
    const kern = engine.kernels;
    const f = engine.f64;
    const C = ptr.centers >>> 3;
    const S = ptr.sums >>> 3;
    const N = ptr.counts >>> 3;
    seeds.forEach((i, c) => this.setCenter(ptr.centers + c * r * 8, i));
    engine.i32.fill(-1, ptr.labels >>> 2, (ptr.labels >>> 2) + 2 * pairs);
    for (let iter = 0; iter < maxIter; iter++) {
      f.fill(0, S, S + k * r + 0);
      f.fill(0, N, N + k);
      if (kern.kmeansAssign(ptr.Z, ptr.W, pairs, r, k, ptr.centers, ptr.labels, ptr.sums, ptr.counts) === 0) break;
      let empty = false;
      for (let c = 0; c < k; c++) if (!(f[N + c] > 0)) empty = true;
      // Distances to the assigned (not yet moved) centers, for the relocation of emptied clusters.
      if (empty) this.distances();
      const D = ptr.dist >>> 3;
      for (let c = 0; c < k; c++) {
        const count = f[N + c];
        if (count > 0) {
          for (let j = 0; j < r; j++) f[C + c * r + j] = f[S + c * r + j] / count;
        } else {
          // Relocate an empty cluster to the worst-served row (scikit-learn's rule); its old cluster shrinks.
          let far = 0;
          for (let i = 1; i < m; i++) if (f[D + i] > f[D + far]) far = i;
          this.setCenter(ptr.centers + c * r * 8, far);
          f[D + far] = 0;
        }
      }
    }
    return engine.i32.slice(ptr.labels >>> 2, (ptr.labels >>> 2) + m);
  }

  /** Each row's squared distance to its nearest center, into ptr.dist. */
  private distances(): void {
    const { engine, ptr, pairs, k } = this;
    const r = this.r;
    engine.f64.fill(Infinity, ptr.dist >>> 3, (ptr.dist >>> 3) + 2 * pairs);
    for (let c = 0; c < k; c++) {
      engine.kernels.kmeansClosest(ptr.Z, ptr.W, pairs, r, ptr.centers + c * r * 8, ptr.dist);
    }
  }

  /** `count` partitions, each from its own k-means++ draw and at most `lloydIter` Lloyd steps. */
  starts(rng: Random, count: number, lloydIter: number): Int32Array[] {
    const out: Int32Array[] = [];
    for (let t = 0; t < count; t++) out.push(this.lloyd(this.seeds(rng), lloydIter));
    return out;
  }
}
