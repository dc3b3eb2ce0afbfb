/**
 * Scalar references for the default search's engine sweeps (src/init/auto.ts): the subsample's whitening and
 * per-feature resolution computed by plain loops over row-major rows, as the engine's moments and sorts must
 * give them.
 */
import { type Whitening, whiteningOf } from "../../src/init/whiten.js";

/** The whitening of the m×d row-major sample `x` (optional weights): its weighted mean and covariance by loops. */
export function whitening(x: Float64Array, m: number, d: number, w?: Float64Array): Whitening {
  const mean = new Float64Array(d);
  let W = 0;
  for (let i = 0; i < m; i++) {
    const v = w ? w[i] : 1;
    W += v;
    for (let j = 0; j < d; j++) mean[j] += v * x[i * d + j];
  }
  for (let j = 0; j < d; j++) mean[j] /= W;
  const cov = new Float64Array(d * d);
  const r = new Float64Array(d);
  for (let i = 0; i < m; i++) {
    const v = w ? w[i] : 1;
    if (v === 0) continue;
    for (let j = 0; j < d; j++) r[j] = x[i * d + j] - mean[j];
    for (let a = 0; a < d; a++) {
      const va = v * r[a];
      for (let b = 0; b <= a; b++) cov[a * d + b] += va * r[b];
    }
  }
  for (let a = 0; a < d; a++) {
    for (let b = 0; b <= a; b++) {
      cov[a * d + b] /= W;
      cov[b * d + a] = cov[a * d + b];
    }
  }
  return whiteningOf(mean, cov, d);
}

/** Per feature, the smallest positive gap between the distinct values of the m×d sample (Infinity if constant). */
export function resolution(x: Float64Array, m: number, d: number): Float64Array {
  const res = new Float64Array(d).fill(Infinity);
  const col = new Float64Array(m);
  for (let j = 0; j < d; j++) {
    for (let i = 0; i < m; i++) col[i] = x[i * d + j];
    col.sort();
    for (let i = 1; i < m; i++) {
      const g = col[i] - col[i - 1];
      if (g > 0 && g < res[j]) res[j] = g;
    }
  }
  return res;
}
