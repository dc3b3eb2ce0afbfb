/**
 * k-means for the initialisation: k-means++ seeding (scikit-learn's greedy variant) and weighted Lloyd
 * iterations, over the data already in the engine (the kernels kmeansClosest, kmeansTrials, kmeansAssign).
 */
import { yieldIfDue } from "../engine/cancel.js";
import type { Workspace } from "../engine/workspace.js";
import type { Random } from "../rng.js";

/** scikit-learn's number of k-means++ trials per seed. */
function trialsFor(k: number): number {
  return 2 + Math.floor(Math.log(k));
}

export interface KmeansRegions {
  labels: number; // i32 per sample (pair layout = sample order)
  dist: number; // f64 per sample
  centers: number; // k·d
  sums: number; // k·d
  counts: number; // k, then the inertia
  candidate: number; // trials·d: the k-means++ candidate centers
  pots: number; // trials: their potentials
}

/** The k-means regions from byte offset `at` (16-byte aligned each) and the bytes they take. */
function layoutKmeans(at: number, pairs: number, d: number, k: number): { regions: KmeansRegions; bytes: number } {
  const start = at;
  const take = (bytes: number) => {
    const p = at;
    at = Math.ceil((at + bytes) / 16) * 16; // arithmetic: offsets pass 2^31
    return p;
  };
  const t = trialsFor(k);
  const regions = {
    labels: take(pairs * 8),
    dist: take(pairs * 16),
    centers: take(k * d * 8),
    sums: take(k * d * 8),
    counts: take(k * 8 + 8),
    candidate: take(t * d * 8),
    pots: take(t * 8),
  };
  return { regions, bytes: at - start };
}

/** Bytes of the workspace's aux region that k-means needs. */
export function kmeansAuxBytes(n: number, d: number, k: number): number {
  return layoutKmeans(0, (n + 1) >> 1, d, k).bytes;
}

export function kmeansRegions(ws: Workspace): KmeansRegions {
  return layoutKmeans(ws.ptr.aux, ws.pairs, ws.d, ws.k).regions;
}

/** Chooses k seeds by k-means++ (scikit-learn's greedy variant, 2 + ⌊ln k⌋ trials per seed); returns indices. */
export async function kmeansPlusPlus(
  ws: Workspace,
  r: KmeansRegions,
  rng: Random,
  signal?: AbortSignal,
): Promise<number[]> {
  const { n, d, k, pairs, ptr, engine } = ws;
  const kern = engine.kernels;
  const trials = trialsFor(k);
  const f = engine.f64;
  const W = ptr.W >>> 3;
  const cumsum = new Float64Array(n);
  /** Cumulative sums of w (times dist when given): the distribution the seeds are drawn from. */
  const cumulate = (dist?: number) => {
    let s = 0;
    if (dist === undefined) for (let i = 0; i < n; i++) cumsum[i] = s += f[W + i];
    else for (let i = 0; i < n; i++) cumsum[i] = s += f[W + i] * f[dist + i];
    return s;
  };
  const pick = (u: number) => {
    // First index whose cumulative sum exceeds u (zero-weight samples are never picked).
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumsum[mid] > u) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
  const setCenter = (to: number, i: number) => {
    const base = (ptr.X >>> 3) + (i >> 1) * d * 2 + (i & 1);
    for (let j = 0; j < d; j++) f[(to >>> 3) + j] = f[base + 2 * j];
  };
  const indices: number[] = [];
  const total = cumulate();
  indices.push(pick(rng.random() * total));
  f.fill(Infinity, r.dist >>> 3, (r.dist >>> 3) + 2 * pairs);
  setCenter(r.candidate, indices[0]);
  let pot = kern.kmeansClosest(ptr.X, ptr.W, pairs, d, r.candidate, r.dist);
  for (let c = 1; c < k; c++) {
    await yieldIfDue(signal);
    cumulate(r.dist >>> 3);
    // All trials are scored in one sweep over the data; the first lowest potential wins.
    const tried: number[] = [];
    for (let t = 0; t < trials; t++) {
      tried.push(pick(rng.random() * pot));
      setCenter(r.candidate + t * d * 8, tried[t]);
    }
    kern.kmeansTrials(ptr.X, ptr.W, pairs, d, r.candidate, trials, r.dist, r.pots);
    let best = -1;
    let bestPot = Infinity;
    for (let t = 0; t < trials; t++) {
      const p = f[(r.pots >>> 3) + t];
      if (p < bestPot) {
        bestPot = p;
        best = tried[t];
      }
    }
    indices.push(best);
    setCenter(r.candidate, best);
    pot = kern.kmeansClosest(ptr.X, ptr.W, pairs, d, r.candidate, r.dist);
  }
  return indices;
}

/** Weighted Lloyd iterations from k-means++ seeds (scikit-learn's KMeans defaults: 300 iterations, tol 1e-4). */
export async function kmeans(
  ws: Workspace,
  rng: Random,
  signal?: AbortSignal,
  maxIter = 300,
  relTol = 1e-4,
): Promise<{ labels: Int32Array; inertia: number }> {
  const { n, d, k, pairs, ptr, engine } = ws;
  const r = kmeansRegions(ws);
  const seeds = await kmeansPlusPlus(ws, r, rng, signal);
  const f = engine.f64;
  const X = ptr.X >>> 3;
  const W = ptr.W >>> 3;
  const x = (i: number, j: number) => f[X + (i >> 1) * d * 2 + (i & 1) + 2 * j];
  seeds.forEach((i, c) => {
    for (let j = 0; j < d; j++) f[(r.centers >>> 3) + c * d + j] = x(i, j);
  });
  // Tolerance relative to the data's mean per-feature variance, as scikit-learn's.
  const { variance } = ws.featureMoments();
  const tol = (variance.reduce((a, v) => a + v, 0) / d) * relTol;

  const labels = () => engine.i32.subarray(r.labels >>> 2, (r.labels >>> 2) + n);
  labels().fill(-1);
  const C = r.centers >>> 3;
  const assign = () => {
    f.fill(0, r.sums >>> 3, (r.sums >>> 3) + k * d);
    f.fill(0, r.counts >>> 3, (r.counts >>> 3) + k);
    return engine.kernels.kmeansAssign(ptr.X, ptr.W, pairs, d, k, r.centers, r.labels, r.sums, r.counts);
  };
  for (let iter = 0; iter < maxIter; iter++) {
    await yieldIfDue(signal);
    // Labels that did not change: the centers are already their means (scikit-learn's strict convergence).
    if (assign() === 0) break;
    let shift = 0;
    for (let c = 0; c < k; c++) {
      const cnt = f[(r.counts >>> 3) + c];
      if (cnt > 0) {
        for (let j = 0; j < d; j++) {
          const v = f[(r.sums >>> 3) + c * d + j] / cnt;
          shift += (v - f[C + c * d + j]) ** 2;
          f[C + c * d + j] = v;
        }
      } else {
        // An empty cluster moves to a random sample of positive weight (scikit-learn moves it to a far one).
        let i = rng.int(n);
        for (let t = 0; t < 16 && f[W + i] === 0; t++) i = rng.int(n);
        for (let j = 0; j < d; j++) {
          shift += (x(i, j) - f[C + c * d + j]) ** 2;
          f[C + c * d + j] = x(i, j);
        }
      }
    }
    if (shift <= tol) {
      assign(); // labels for the final centers
      break;
    }
  }
  const inertia = f[(r.counts >>> 3) + k];
  return { labels: labels().slice(), inertia };
}
