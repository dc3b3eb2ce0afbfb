/**
 * Spurious maxima. On small or rounded data the likelihood is unbounded: a component on a few coincident or
 * collinear points has a covariance that shrinks to regCovar and a density that grows without limit, so
 * restarts that look only at the likelihood prefer such fits (on iris, full k = 5 reaches −36.9 this way,
 * against −152.9 for the best proper fit). The default initialisation and model selection do not prefer such
 * fits (see `isSpurious`).
 */
import type { CovarianceType } from "../types.js";
import type { Params } from "../engine/types.js";

/** The variance of rounding to a grid of step 1 (a uniform error on [−½, ½]). */
const THIN = 1 / 12;

/**
 * Whether the parameters (engine storage, see covariance.ts) are a spurious fit: `total` is the data's total
 * sample weight (n without weights), `res` the per-feature resolution. A component is spurious when it carries
 * less than d + 1 samples' weight (not for tied, whose covariance comes from all samples), or when the smallest
 * eigenvalue of D⁻¹ΣD⁻¹, D = diag(res), is below 1/12 (the variance of rounding to a grid of step res).
 */
export function isSpurious(
  type: CovarianceType,
  p: Params,
  d: number,
  k: number,
  total: number,
  res: Float64Array,
): boolean {
  if (type !== "tied") for (let c = 0; c < k; c++) if (!(p.weights[c] * total >= d + 1 - 1e-9)) return true;
  // Features with a resolution (a constant feature has none and is left out).
  const js: number[] = [];
  for (let j = 0; j < d; j++) if (Number.isFinite(res[j]) && res[j] > 0) js.push(j);
  const e = js.length;
  if (e === 0) return false;
  const blocks = type === "tied" ? 1 : k;
  for (let c = 0; c < blocks; c++) {
    if (type === "full" || type === "tied") {
      const S = new Float64Array(e * e);
      for (let a = 0; a < e; a++) {
        for (let b = 0; b < e; b++) S[a * e + b] = p.cov[c * d * d + js[a] * d + js[b]] / (res[js[a]] * res[js[b]]);
      }
      // Smallest eigenvalue ≥ 1/12 ⟺ S − I/12 has a Cholesky factorisation.
      for (let a = 0; a < e; a++) S[a * e + a] -= THIN;
      if (!choleskyInPlace(S, e)) return true;
    } else {
      for (const j of js) if (!(p.cov[c * d + j] / (res[j] * res[j]) >= THIN)) return true;
    }
  }
  return false;
}

/** Cholesky factorisation of the symmetric e×e matrix (lower triangle, in place); false if not positive semi-definite. */
function choleskyInPlace(A: Float64Array, e: number): boolean {
  for (let i = 0; i < e; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i * e + j];
      for (let m = 0; m < j; m++) s -= A[i * e + m] * A[j * e + m];
      if (i === j) {
        if (!(s >= 0)) return false;
        A[i * e + i] = Math.sqrt(s);
      } else {
        A[i * e + j] = A[j * e + j] > 0 ? s / A[j * e + j] : 0;
      }
    }
  }
  return true;
}
