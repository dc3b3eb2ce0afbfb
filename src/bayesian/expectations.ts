/**
 * Expectations under the variational posterior, as pure functions: E[log π_c] and the weights' posterior mean,
 * the log-determinants of the factors, E[log |Λ|] of a Wishart, and the trace tr(U Uᵀ C).
 */
import type { CovarianceType, WeightConcentrationPriorType } from "../types.js";
import { tri } from "../util.js";
import { storage } from "./posterior.js";
import { digamma } from "./special.js";

const LOG_2 = Math.LN2;

/** E[log π_c] under the weights' posterior (scikit-learn's `_estimate_log_weights`). */
export function expectedLogWeights(
  priorType: WeightConcentrationPriorType,
  wc: Float64Array,
  k: number,
  out: Float64Array = new Float64Array(k),
): Float64Array {
  if (priorType === "dirichlet_process") {
    // E[log v_c] + Σ_{j<c} E[log(1 − v_j)] for the sticks v_c ~ Beta(a_c, b_c).
    let rest = 0;
    for (let c = 0; c < k; c++) {
      const s = digamma(wc[c] + wc[k + c]);
      out[c] = digamma(wc[c]) - s + rest;
      rest += digamma(wc[k + c]) - s;
    }
  } else {
    let sum = 0;
    for (let c = 0; c < k; c++) sum += wc[c];
    const s = digamma(sum);
    for (let c = 0; c < k; c++) out[c] = digamma(wc[c]) - s;
  }
  return out;
}

/** The posterior mean of the weights (scikit-learn's `weights_`), summing to 1. */
export function expectedWeights(priorType: WeightConcentrationPriorType, wc: Float64Array, k: number): Float64Array {
  const w = new Float64Array(k);
  if (priorType === "dirichlet_process") {
    let stick = 1;
    for (let c = 0; c < k; c++) {
      const sum = wc[c] + wc[k + c];
      w[c] = (wc[c] / sum) * stick;
      stick *= wc[k + c] / sum;
    }
  } else {
    w.set(wc.subarray(0, k));
  }
  let s = 0;
  for (let c = 0; c < k; c++) s += w[c];
  for (let c = 0; c < k; c++) w[c] /= s;
  return w;
}

/** Σ_j log U_c[j][j] of each factor block (tied: one value). */
export function logDetFactors(
  type: CovarianceType,
  d: number,
  k: number,
  factors: Float64Array,
  out: Float64Array,
): Float64Array {
  const cm = storage(type);
  const blocks = cm.shared ? 1 : k;
  for (let c = 0; c < blocks; c++) {
    if (type === "spherical") out[c] = d * Math.log(factors[c * d]);
    else {
      let s = 0;
      for (let j = 0; j < d; j++) s += Math.log(factors[cm.kind === 0 ? c * tri(d) + tri(j) + j : c * d + j]);
      out[c] = s;
    }
  }
  return out;
}

/** d·log 2 + Σ_{j<d} ψ((ν − j)/2): E[log |Λ|] of the unnormalised Wishart, less log |W|. */
export function expectedLogDetWishart(nu: number, d: number): number {
  let s = d * LOG_2;
  for (let j = 0; j < d; j++) s += digamma(0.5 * (nu - j));
  return s;
}

/** tr(U Uᵀ C) = Σ_j F_jᵀ C F_j over the rows F_j of the packed factor (diag: Σ_j f_j² C_jj). */
export function traceProduct(kind: 0 | 1, d: number, F: Float64Array, at: number, C: Float64Array): number {
  let q = 0;
  if (kind === 1) {
    for (let j = 0; j < d; j++) q += F[at + j] * F[at + j] * C[j * d + j];
    return q;
  }
  for (let j = 0; j < d; j++) {
    const row = at + tri(j);
    for (let a = 0; a <= j; a++) {
      let s = 0;
      for (let b = 0; b <= j; b++) s += C[a * d + b] * F[row + b];
      q += F[row + a] * s;
    }
  }
  return q;
}
