/**
 * Spurious maxima. On small or rounded data the likelihood is unbounded: a component on a few coincident or
 * collinear points has a covariance that shrinks to regCovar and a density that grows without limit, so
 * restarts that look only at the likelihood prefer such fits (on iris, full k = 5 reaches −36.9 this way,
 * against −152.9 for the best proper fit). The default initialisation and model selection reject a fit in which
 * a component carries less than the weight of d + 1 samples (full; 2 for diag and spherical, whose variances
 * need two distinct points) or has a conditional variance of some feature below the data's resolution (the
 * smallest gap between its distinct values, squared, over 100: rounding alone spreads values more than that).
 */
import type { CovarianceType } from "../types.js";
import type { Params } from "../workspace.js";

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

/**
 * Whether the parameters (engine storage, see covariance.ts) are a spurious fit: `total` is the data's total
 * sample weight (n without weights), `res` the per-feature resolution.
 */
export function isSpurious(type: CovarianceType, p: Params, d: number, k: number, total: number, res: Float64Array): boolean {
  const minCount = type === "full" ? d + 1 : type === "tied" ? 1 : 2;
  for (let c = 0; c < k; c++) if (p.weights[c] * total < minCount - 1e-9) return true;
  const floor = (j: number) => (Number.isFinite(res[j]) ? (res[j] * res[j]) / 100 : 0);
  if (type === "full" || type === "tied") {
    // Conditional variance of feature j given the others: 1 / P_jj, P = U·Uᵀ, F = Uᵀ packed lower-triangular.
    const t = (d * (d + 1)) / 2;
    const blocks = type === "full" ? k : 1;
    for (let c = 0; c < blocks; c++) {
      for (let j = 0; j < d; j++) {
        let pjj = 0;
        for (let r = j; r < d; r++) pjj += p.factors[c * t + (r * (r + 1)) / 2 + j] ** 2;
        if (1 / pjj < floor(j)) return true;
      }
    }
    return false;
  }
  for (let c = 0; c < k; c++) {
    for (let j = 0; j < d; j++) {
      const v = p.cov[c * d + j];
      if (type === "spherical" ? v < Math.min(...Array.from({ length: d }, (_, i) => floor(i))) : v < floor(j)) return true;
    }
  }
  return false;
}
