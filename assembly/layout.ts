// The memory layout the kernels share with the TypeScript side (src/wasm/abi.ts) and the sizes derived from it.
//
// Data layout (owned by src/wasm/engine.ts): samples are stored in pairs, feature-interleaved, so that one
// f64x2 holds feature j of samples 2p and 2p+1: X[p][j] = (x[2p][j], x[2p+1][j]) at X + (p*d + j)*16.
// An odd last sample is paired with a copy of itself of weight 0. Every loop below runs over pairs, so the
// SIMD lanes are two samples and each operation is full width whatever d is.
//
// Precision factors ("factors"): for full/tied the packed lower-triangular matrix F = U^T, where U is
// scikit-learn's upper-triangular precisions_cholesky_ (precision = U U^T); row j holds U[0..j][j] at
// offset j(j+1)/2. Then y = F (x - mu) and ||y||^2 is the Mahalanobis distance. For diag/spherical, F is one
// value per feature (spherical: the same value d times).
//
// Statistics ("stats", f64x2 per entry, the two lanes are partial sums the M-step adds up):
//   [0] L = sum v*log p(x), [1] V = sum v, [2, 2+k) N_c, then S1 (k*d), then S2 (nS2 blocks of T entries:
//   T = d(d+1)/2 packed upper triangle for full/tied, T = d for diag/spherical; tied uses one block).
// S1 and S2 are taken around a per-component shift s_c (the current means), so the M-step needs no
// E[xx^T] - mu mu^T cancellation.

/** Pairs per block: a block's log-probabilities stay in cache between the density and accumulation steps. */
export const BLOCK: i32 = 64;

/** Bytes of scratch memory the pass and estimate kernels need. */
export function scratchBytes(d: i32, k: i32): i32 {
  return (2 * BLOCK * k + 2 * BLOCK * padded(d) + d + 8 + (BLOCK >> 2) + k + (k >> 2) + 1) << 4;
}

/** d rounded up to even: the 2x2 register tiles read one zero feature past an odd d. */
@inline export function padded(d: i32): i32 {
  return (d + 1) & ~1;
}

@inline export function tri(d: i32): i32 {
  return (d * (d + 1)) >> 1;
}

/** Index of (i, j), i <= j, in a packed upper triangle of a d x d matrix (row-major). */
@inline export function upper(i: i32, j: i32, d: i32): i32 {
  return i * d - ((i * (i - 1)) >> 1) + j - i;
}
