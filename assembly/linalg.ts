
// ---------------------------------------------------------------------------------------------------------
// Small dense linear algebra for the M-step (O(k d^3), outside the hot loop).

import { tri } from "./layout";
import { ldf, stf } from "./simd";

/**
 * Cholesky factorisation of the symmetric d x d matrix A (row-major; only the lower triangle is read) into
 * the lower-triangular L (row-major d x d, upper part zeroed), A = L L^T. Returns 1, or 0 when A is not
 * positive definite (a pivot <= 0 or NaN).
 */
export function cholesky(A: usize, d: i32, L: usize): i32 {
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = ldf(A, i * d + j);
      for (let m = 0; m < j; m++) s -= ldf(L, i * d + m) * ldf(L, j * d + m);
      if (i == j) {
        if (!(s > 0)) return 0;
        stf(L, i * d + i, Math.sqrt(s));
      } else {
        stf(L, i * d + j, s / ldf(L, j * d + j));
      }
    }
    for (let j = i + 1; j < d; j++) stf(L, i * d + j, 0);
  }
  return 1;
}

/**
 * Precision factor of a covariance: F = L^-1 packed lower-triangular (row j holds j+1 entries), where
 * cov = L L^T. F^T is scikit-learn's precisions_cholesky_. work: d*d f64. Returns 1, or 0 if cov is not
 * positive definite.
 */
export function factorFromCovariance(cov: usize, d: i32, F: usize, work: usize): i32 {
  if (!cholesky(cov, d, work)) return 0;
  // Forward substitution for each column of L^-1: z = L^-1 e_col, nonzero from row col on.
  for (let col = 0; col < d; col++) {
    for (let i = col; i < d; i++) {
      let s: f64 = i == col ? 1.0 : 0.0;
      for (let m = col; m < i; m++) s -= ldf(work, i * d + m) * ldf(F, tri(m) + col);
      stf(F, tri(i) + col, s / ldf(work, i * d + i));
    }
  }
  return 1;
}

/**
 * Precision factor of a precision matrix P (d x d row-major): the packed lower-triangular F with
 * F^T F = P (F^T upper-triangular, as scikit-learn's factors after an M-step). It is the Cholesky
 * factorisation of P with rows and columns reversed. work: 2*d*d f64. Returns 1, or 0 if P is not
 * positive definite.
 */
export function factorFromPrecision(P: usize, d: i32, F: usize, work: usize): i32 {
  const R = work;
  const L = work + (<usize>(d * d) << 3);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) stf(R, i * d + j, ldf(P, (d - 1 - i) * d + (d - 1 - j)));
  }
  if (!cholesky(R, d, L)) return 0;
  // J P J = L L^T  =>  P = (J L J)(J L J)^T with U = J L J upper-triangular; F = U^T.
  for (let j = 0; j < d; j++) {
    for (let i = 0; i <= j; i++) stf(F, tri(j) + i, ldf(L, (d - 1 - i) * d + (d - 1 - j)));
  }
  return 1;
}
