
// ---------------------------------------------------------------------------------------------------------
// k-means (initialisation): Lloyd steps and k-means++ seeding over the same pair layout.

import { BLOCK } from "./layout";
import { ld, ldf, madd, splat, sqDist, st, stf, sumLanes } from "./simd";

/**
 * Assigns each sample of the pairs [0, nPairs) to its nearest center (squared Euclidean distance, first on
 * ties), writes labels (i32 per sample), adds the weighted sums (k*d f64) and weights (k f64) of each
 * cluster into sums/counts, writes the weighted inertia at counts[k], and returns how many labels changed.
 */
export function kmeansAssign(
  X: usize, W: usize, nPairs: i32, d: i32, k: i32, centers: usize, labels: usize, sums: usize, counts: usize,
): i32 {
  let inertia: f64 = 0;
  let changed = 0;
  for (let p = 0; p < nPairs; p += 2) {
    // Two pairs (the second clamped to the first at an odd end) against two centers at a time (the second
    // clamped to the last): four independent chains. The running minimum and its center are kept in lanes;
    // strict < keeps the first center on ties.
    const q = p + 1 < nPairs ? p + 1 : p;
    const x0 = X + (<usize>(p * d) << 4);
    const x1 = X + (<usize>(q * d) << 4);
    let best0 = f64x2.splat(Infinity);
    let best1 = f64x2.splat(Infinity);
    let arg0 = f64x2.splat(0);
    let arg1 = f64x2.splat(0);
    for (let c = 0; c < k; c += 2) {
      const c1 = c + 1 < k ? c + 1 : c;
      const ca = centers + (<usize>(c * d) << 3);
      const cb = centers + (<usize>(c1 * d) << 3);
      let s0a = f64x2.splat(0);
      let s0b = f64x2.splat(0);
      let s1a = f64x2.splat(0);
      let s1b = f64x2.splat(0);
      for (let j = 0; j < d; j++) {
        const ma = splat(ca, j);
        const mb = splat(cb, j);
        const y0 = ld(x0, j);
        const y1 = ld(x1, j);
        const t0a = f64x2.sub(y0, ma);
        const t0b = f64x2.sub(y0, mb);
        const t1a = f64x2.sub(y1, ma);
        const t1b = f64x2.sub(y1, mb);
        s0a = madd(s0a, t0a, t0a);
        s0b = madd(s0b, t0b, t0b);
        s1a = madd(s1a, t1a, t1a);
        s1b = madd(s1b, t1b, t1b);
      }
      const ia = f64x2.splat(<f64>c);
      const ib = f64x2.splat(<f64>c1);
      let m = f64x2.lt(s0a, best0);
      best0 = v128.bitselect(s0a, best0, m);
      arg0 = v128.bitselect(ia, arg0, m);
      m = f64x2.lt(s0b, best0);
      best0 = v128.bitselect(s0b, best0, m);
      arg0 = v128.bitselect(ib, arg0, m);
      m = f64x2.lt(s1a, best1);
      best1 = v128.bitselect(s1a, best1, m);
      arg1 = v128.bitselect(ia, arg1, m);
      m = f64x2.lt(s1b, best1);
      best1 = v128.bitselect(s1b, best1, m);
      arg1 = v128.bitselect(ib, arg1, m);
    }
    changed += assignPair(X, W, p, d, labels, sums, counts, best0, arg0);
    inertia += sumLanes(f64x2.mul(best0, ld(W, p)));
    if (q != p) {
      changed += assignPair(X, W, q, d, labels, sums, counts, best1, arg1);
      inertia += sumLanes(f64x2.mul(best1, ld(W, q)));
    }
  }
  stf(counts, k, inertia);
  return changed;
}

/** Stores the labels of pair p, adds its samples to their clusters' sums and weights; returns changed labels. */
@inline export function assignPair(
  X: usize, W: usize, p: i32, d: i32, labels: usize, sums: usize, counts: usize, best: v128, arg: v128,
): i32 {
  const c0 = <i32>f64x2.extract_lane(arg, 0);
  const c1 = <i32>f64x2.extract_lane(arg, 1);
  const w = ld(W, p);
  const w0 = f64x2.extract_lane(w, 0);
  const w1 = f64x2.extract_lane(w, 1);
  const l0 = labels + (<usize>(p << 1) << 2);
  let changed = 0;
  if (load<i32>(l0) != c0) changed++;
  if (load<i32>(l0, 4) != c1) changed++;
  store<i32>(l0, c0);
  store<i32>(l0, c1, 4);
  stf(counts, c0, ldf(counts, c0) + w0);
  stf(counts, c1, ldf(counts, c1) + w1);
  const xb = X + (<usize>(p * d) << 4);
  const s0 = sums + (<usize>(c0 * d) << 3);
  const s1 = sums + (<usize>(c1 * d) << 3);
  for (let j = 0; j < d; j++) {
    const x = ld(xb, j);
    stf(s0, j, ldf(s0, j) + w0 * f64x2.extract_lane(x, 0));
    stf(s1, j, ldf(s1, j) + w1 * f64x2.extract_lane(x, 1));
  }
  return changed;
}

/**
 * k-means++ helper: for the center c (d f64), writes min(dist[i], ||x_i - c||^2) into dist (f64 per sample)
 * and returns the weighted sum of the minima (the potential).
 */
export function kmeansClosest(X: usize, W: usize, nPairs: i32, d: i32, center: usize, dist: usize): f64 {
  return sumLanes(closestRange(X, W, 0, nPairs, d, center, dist, 1));
}

/**
 * k-means++ trials: the potential of each of the t candidate centers (t*d f64 at cands), as kmeansClosest
 * with update = 0, written to pots (t f64). The data are read once, block by block, for all candidates.
 */
export function kmeansTrials(X: usize, W: usize, nPairs: i32, d: i32, cands: usize, t: i32, dist: usize, pots: usize): void {
  for (let i = 0; i < t; i++) stf(pots, i, 0);
  for (let b = 0; b < nPairs; b += BLOCK) {
    const e = min(b + BLOCK, nPairs);
    for (let i = 0; i < t; i++) {
      stf(pots, i, ldf(pots, i) + sumLanes(closestRange(X, W, b, e, d, cands + (<usize>(i * d) << 3), dist, 0)));
    }
  }
}

/** min(dist, ||x - center||^2) over the pairs [p0, p1) (written to dist when update), weighted sum per lane. */
@inline export function closestRange(X: usize, W: usize, p0: i32, p1: i32, d: i32, center: usize, dist: usize, update: i32): v128 {
  let pot0 = f64x2.splat(0);
  let pot1 = f64x2.splat(0);
  let p = p0;
  for (; p + 1 < p1; p += 2) {
    // Two pairs: two independent sums (each in two chains) in flight.
    const x0 = X + (<usize>(p * d) << 4);
    const q0 = f64x2.min(sqDist(x0, center, d), ld(dist, p));
    const q1 = f64x2.min(sqDist(x0 + (<usize>d << 4), center, d), ld(dist, p + 1));
    if (update) {
      st(dist, p, q0);
      st(dist, p + 1, q1);
    }
    pot0 = madd(pot0, q0, ld(W, p));
    pot1 = madd(pot1, q1, ld(W, p + 1));
  }
  if (p < p1) {
    const m = f64x2.min(sqDist(X + (<usize>(p * d) << 4), center, d), ld(dist, p));
    if (update) st(dist, p, m);
    pot0 = madd(pot0, m, ld(W, p));
  }
  return f64x2.add(pot0, pot1);
}
/**
 * k-means++ draws: the running sums of W[i]·dist[i] over the samples [0, n) (dist 0: of W[i] alone) into out
 * (f64 per sample), summed one sample after the other so that a draw (the first sample whose running sum
 * exceeds u·total) is the same as a scalar loop's; returns the total.
 */
export function kmeansCumulate(W: usize, dist: usize, n: i32, out: usize): f64 {
  let s: f64 = 0;
  if (dist == 0) {
    for (let i = 0; i < n; i++) {
      s += ldf(W, i);
      stf(out, i, s);
    }
  } else {
    for (let i = 0; i < n; i++) {
      s += ldf(W, i) * ldf(dist, i);
      stf(out, i, s);
    }
  }
  return s;
}

/**
 * One-hot responsibilities of a hard partition for the pairs [p0, p1): labels (i32 per sample, −1: none) into
 * rv (k f64x2 per pair, from pair p0), as the statistics kernels read them.
 */
export function labelsToResp(labels: usize, p0: i32, p1: i32, k: i32, rv: usize): void {
  for (let p = p0; p < p1; p++) {
    const at = rv + (<usize>((p - p0) * k) << 4);
    for (let c = 0; c < k; c++) st(at, c, f64x2.splat(0));
    const c0 = load<i32>(labels + (<usize>(p << 1) << 2));
    const c1 = load<i32>(labels + (<usize>(p << 1) << 2), 4);
    if (c0 >= 0) stf(at, c0 << 1, 1);
    if (c1 >= 0) stf(at, (c1 << 1) + 1, 1);
  }
}
