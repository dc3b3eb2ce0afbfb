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

/**
 * The smallest positive gap between the distinct values of feature j over the first n samples (pair layout, d
 * features; Infinity when there is none): the column is copied to v (n f64), sorted there (tmp: n f64 more,
 * counts: 256 u32) and scanned.
 */
export function columnResolution(X: usize, n: i32, d: i32, j: i32, v: usize, tmp: usize, counts: usize): f64 {
  // Keys that sort as the values do: negative values with every bit flipped, the others with the sign bit set.
  for (let i = 0; i < n; i++) {
    const b = load<u64>(X + (<usize>((i >> 1) * d + j) << 4) + (<usize>(i & 1) << 3));
    store<u64>(v + (<usize>i << 3), b >> 63 ? ~b : b | (<u64>1 << 63));
  }
  // Least-significant-digit radix sort, eight passes of eight bits (stable, so each pass keeps the last).
  let src = v;
  let dst = tmp;
  for (let shift: u64 = 0; shift < 64; shift += 8) {
    memory.fill(counts, 0, 256 << 2);
    for (let i = 0; i < n; i++) {
      const at = counts + (<usize>((load<u64>(src + (<usize>i << 3)) >> shift) & 255) << 2);
      store<u32>(at, load<u32>(at) + 1);
    }
    let sum: u32 = 0;
    for (let b = 0; b < 256; b++) {
      const c = load<u32>(counts + (<usize>b << 2));
      store<u32>(counts + (<usize>b << 2), sum);
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const key = load<u64>(src + (<usize>i << 3));
      const at = counts + (<usize>((key >> shift) & 255) << 2);
      const to = load<u32>(at);
      store<u32>(at, to + 1);
      store<u64>(dst + (<usize>to << 3), key);
    }
    const t = src;
    src = dst;
    dst = t;
  }
  // Eight passes: the sorted keys are back in v. Back to values, then the smallest positive gap.
  let best = Infinity;
  let prev: f64 = 0;
  for (let i = 0; i < n; i++) {
    const key = load<u64>(v + (<usize>i << 3));
    const x = reinterpret<f64>(key >> 63 ? key & ~(<u64>1 << 63) : ~key);
    if (i > 0) {
      const g = x - prev;
      if (g > 0 && g < best) best = g;
    }
    prev = x;
  }
  return best;
}
