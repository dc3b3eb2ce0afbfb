// The M-step: merged statistics -> weights, means, covariances, precision factors, log-constants.

import {
  COVARIANCE_FULL, COVARIANCE_SPHERICAL, COVARIANCE_TIED, FAMILY_TRIANGULAR, familyOf, scatterEntries, statsNkAt,
  statsS1At, statsS2At, TEN_EPS, tri,
} from "./layout";
import { factorFromCovariance } from "./linalg";
import { ld, ldf, stf, sumLanes } from "./simd";

const LOG_2PI: f64 = 1.8378770664093453;

/**
 * log w_c - d/2 log(2 pi) + sum_j log U_c[j][j] for every component (family: FAMILY_*) at logConst[c], and the
 * pass's flush thresholds at logConst[k + c]: max(log w_c - 50, -708). A responsibility below w_c e^-50
 * (relative to the sample's most likely component) is taken as 0: summed over all samples such terms add less
 * than e^-50 N_c ~ 2e-22 N_c to a component's statistics (N_c as of the previous M-step), far below rounding.
 */
export function logConstants(
  family: i32, d: i32, k: i32, weights: usize, factors: usize, factorStride: usize, logConst: usize,
): void {
  for (let c = 0; c < k; c++) {
    const f = factors + <usize>c * factorStride;
    let logDet: f64 = 0;
    for (let j = 0; j < d; j++) logDet += Math.log(family == FAMILY_TRIANGULAR ? ldf(f, tri(j) + j) : ldf(f, j));
    const lw = Math.log(ldf(weights, c));
    stf(logConst, c, lw - 0.5 * <f64>d * LOG_2PI + logDet);
    stf(logConst, k + c, lw - 50.0 > -708.0 ? lw - 50.0 : -708.0);
  }
}

/** Upper triangle of the d x d row-major C from a packed scatter block (lanes summed). */
export function unpackScatter(C: usize, d: i32, s2: usize): void {
  let idx = 0;
  for (let i = 0; i < d; i++) {
    for (let j = i; j < d; j++) stf(C, i * d + j, sumLanes(ld(s2, idx++)));
  }
}

/**
 * Re-centres a scatter taken around s onto the new mean s + delta (upper triangle):
 * C -= S1 delta^T + delta S1^T - N delta delta^T.
 */
export function recentre(C: usize, d: i32, s1: usize, delta: usize, n: f64): void {
  for (let i = 0; i < d; i++) {
    const a = sumLanes(ld(s1, i));
    const di = ldf(delta, i);
    for (let j = i; j < d; j++) {
      const dj = ldf(delta, j);
      stf(C, i * d + j, ldf(C, i * d + j) - a * dj - di * sumLanes(ld(s1, j)) + n * di * dj);
    }
  }
}

/** C / n + reg[i] on the diagonal (reg: d f64), mirrored into the lower triangle. */
export function finishCovariance(C: usize, d: i32, n: f64, reg: usize): void {
  for (let i = 0; i < d; i++) {
    for (let j = i; j < d; j++) {
      let v = ldf(C, i * d + j) / n;
      if (i == j) v += ldf(reg, i);
      stf(C, i * d + j, v);
      stf(C, j * d + i, v);
    }
  }
}

/**
 * The M-step: statistics around `shift` -> weights, means (written over `shift`, which may be `means`),
 * covariances, precision factors and log-constants. cov: full k*d*d, tied d*d (row-major symmetric),
 * diag/spherical k*d (spherical: the one variance repeated d times). type: COVARIANCE_* (layout.ts). reg: d f64,
 * the amount added to each feature's variance (spherical: their mean is added to the one variance). work:
 * 3*d*d f64. Returns -1 on success, else the index of the component whose covariance is not positive definite
 * (k for the tied covariance).
 */
export function mstep(
  type: i32, d: i32, k: i32, S: usize, reg: usize, shift: usize, means: usize, weights: usize,
  cov: usize, factors: usize, logConst: usize, work: usize,
): i32 {
  const t = scatterEntries(type, d);
  const N = statsNkAt(S);
  const S1 = statsS1At(S, k);
  const S2 = statsS2At(S, d, k);
  let total: f64 = 0;
  for (let c = 0; c < k; c++) total += sumLanes(ld(N, c)) + TEN_EPS;
  const delta = work; // d
  const fwork = work + (<usize>d << 3); // d*d for the Cholesky factor
  // Tied: one scatter summed over components, re-centred per component below.
  if (type == COVARIANCE_TIED) unpackScatter(cov, d, S2);
  for (let c = 0; c < k; c++) {
    const nc = sumLanes(ld(N, c));
    const np = nc + TEN_EPS;
    stf(weights, c, np / total);
    const s1c = S1 + (<usize>(c * d) << 4);
    const sh = shift + (<usize>(c * d) << 3);
    const mu = means + (<usize>(c * d) << 3);
    for (let i = 0; i < d; i++) {
      const dl = sumLanes(ld(s1c, i)) / np;
      stf(delta, i, dl);
      stf(mu, i, ldf(sh, i) + dl);
    }
    if (type == COVARIANCE_FULL) {
      const cc = cov + (<usize>(c * d * d) << 3);
      unpackScatter(cc, d, S2 + (<usize>(c * t) << 4));
      recentre(cc, d, s1c, delta, nc);
      finishCovariance(cc, d, np, reg);
      if (!factorFromCovariance(cc, d, factors + (<usize>(c * t) << 3), fwork)) return c;
    } else if (type == COVARIANCE_TIED) {
      recentre(cov, d, s1c, delta, nc);
    } else {
      const s2c = S2 + (<usize>(c * d) << 4);
      const cc = cov + (<usize>(c * d) << 3);
      let mean: f64 = 0;
      for (let i = 0; i < d; i++) {
        const di = ldf(delta, i);
        const v = (sumLanes(ld(s2c, i)) - 2 * sumLanes(ld(s1c, i)) * di + nc * di * di) / np + ldf(reg, i);
        stf(cc, i, v);
        mean += v;
      }
      if (type == COVARIANCE_SPHERICAL) {
        mean /= <f64>d;
        for (let i = 0; i < d; i++) stf(cc, i, mean);
      }
      const fc = factors + (<usize>(c * d) << 3);
      for (let i = 0; i < d; i++) {
        const v = ldf(cc, i);
        if (!(v > 0)) return c;
        stf(fc, i, 1.0 / Math.sqrt(v));
      }
    }
  }
  if (type == COVARIANCE_TIED) {
    finishCovariance(cov, d, total, reg);
    if (!factorFromCovariance(cov, d, factors, fwork)) return k;
  }
  logConstants(familyOf(type), d, k, weights, factors, type == COVARIANCE_TIED ? 0 : <usize>(t << 3), logConst);
  return -1;
}
