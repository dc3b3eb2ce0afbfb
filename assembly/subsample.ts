// ---------------------------------------------------------------------------------------------------------
// The initialisation's subsample: its weights, whitened coordinates and per-feature resolution, over the pair
// layout (so that no scripted loop runs over the rows of a process's first fits).

import { ld, ldf, madd, splat, st, stf } from "./simd";

/** Over the n per-sample weights at W: writes Σw at out[0] and the number of positive weights at out[1]. */
export function weightTotals(W: usize, n: i32, out: usize): void {
  let total: f64 = 0;
  let positive = 0;
  for (let i = 0; i < n; i++) {
    const w = ldf(W, i);
    total += w;
    if (w > 0) positive++;
  }
  stf(out, 0, total);
  stf(out, 1, <f64>positive);
}

/**
 * Whitened coordinates of the pairs [0, nPairs): Z = A·(x − mean), A row-major r×d (the transform), into Z in
 * pair layout (r f64x2 per pair).
 */
export function whitenPairs(X: usize, nPairs: i32, d: i32, mean: usize, A: usize, r: i32, Z: usize): void {
  for (let p = 0; p < nPairs; p++) {
    const x = X + (<usize>(p * d) << 4);
    const z = Z + (<usize>(p * r) << 4);
    for (let c = 0; c < r; c++) {
      const a = A + (<usize>(c * d) << 3);
      let s = f64x2.splat(0);
      for (let j = 0; j < d; j++) s = madd(s, splat(a, j), f64x2.sub(ld(x, j), splat(mean, j)));
      st(z, c, s);
    }
  }
}

/** Feature j of the first n samples (pair layout, d features) into out (n f64). */
export function copyColumn(X: usize, n: i32, d: i32, j: i32, out: usize): void {
  for (let i = 0; i < n; i++) stf(out, i, load<f64>(X + (<usize>((i >> 1) * d + j) << 4) + (<usize>(i & 1) << 3)));
}

/** The smallest positive gap between neighbours of the n sorted values at v (Infinity when there is none). */
export function smallestGap(v: usize, n: i32): f64 {
  let best = Infinity;
  for (let i = 1; i < n; i++) {
    const g = ldf(v, i) - ldf(v, i - 1);
    if (g > 0 && g < best) best = g;
  }
  return best;
}
