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
// Statistics ("stats", f64x2 per entry, the two lanes are partial sums the M-step adds up): see STATS_* and
// the stats* functions below: L = sum v*log p(x), V = sum v, N_c (k), S1 (k*d), then S2 (one block of T entries
// per component, one for tied: T = d(d+1)/2 packed upper triangle for full/tied, T = d for diag/spherical).
// S1 and S2 are taken around a per-component shift s_c (the current means), so the M-step needs no
// E[xx^T] - mu mu^T cancellation.

// Codes shared with src/wasm/abi.ts (test/abi.test.ts checks both sides agree; the entry exports them).

/** Covariance kernel family (`kind` of logConstants, accumulateResp, estimate): packed triangular factors. */
export const FAMILY_TRIANGULAR: i32 = 0;
/** Covariance kernel family: one factor per feature (diag, spherical). */
export const FAMILY_DIAGONAL: i32 = 1;

/** Pass variants (`kind` of pass): the two families around each component's mean, ... */
export const PASS_TRIANGULAR: i32 = FAMILY_TRIANGULAR;
export const PASS_DIAGONAL: i32 = FAMILY_DIAGONAL;
/** ... tied around the common shift s (means = B_c = F (mu_c - s); the caller adds the data scatter), ... */
export const PASS_TIED_SHIFTED: i32 = 2;
/** ... spherical around the common shift s (means = M_c = mu_c - s, then ||M_c||^2 per component). */
export const PASS_SPHERICAL_SHIFTED: i32 = 3;

/** Covariance types (`type` of mstep). */
export const COVARIANCE_FULL: i32 = 0;
export const COVARIANCE_TIED: i32 = 1;
export const COVARIANCE_DIAG: i32 = 2;
export const COVARIANCE_SPHERICAL: i32 = 3;

/** 10 eps, added to every N_c by the M-step (scikit-learn's `nk += 10 * eps`). */
export const TEN_EPS: f64 = 10.0 * 2.220446049250313e-16;

/** The kernel family of a covariance type. */
@inline export function familyOf(type: i32): i32 {
  return type <= COVARIANCE_TIED ? FAMILY_TRIANGULAR : FAMILY_DIAGONAL;
}

/** f64x2 entries of one scatter block of the statistics (and f64 entries of one factor). */
@inline export function scatterEntries(type: i32, d: i32): i32 {
  return familyOf(type) == FAMILY_TRIANGULAR ? tri(d) : d;
}

// Statistics block, in f64x2 entries from its start.

/** L = sum v log p(x). */
export const STATS_LOGLIK: i32 = 0;
/** V = sum v. */
export const STATS_WEIGHT: i32 = 1;
/** N_c = sum v r_c (k entries). */
export const STATS_NK: i32 = 2;

/** S1_c = sum v r_c (x - s_c) (k*d entries, component-major). */
@inline export function statsS1(k: i32): i32 {
  return STATS_NK + k;
}

/** S2: one scatter block per component (one for tied), scatterEntries(type, d) entries each. */
@inline export function statsS2(d: i32, k: i32): i32 {
  return statsS1(k) + k * d;
}

/** f64x2 entries of the whole statistics block. */
export function statsEntries(type: i32, d: i32, k: i32): i32 {
  return statsS2(d, k) + (type == COVARIANCE_TIED ? 1 : k) * scatterEntries(type, d);
}

/** Addresses of N, S1 and S2 in the statistics block at S (bytes). */
@inline export function statsNkAt(S: usize): usize {
  return S + (<usize>STATS_NK << 4);
}

@inline export function statsS1At(S: usize, k: i32): usize {
  return statsNkAt(S) + (<usize>k << 4);
}

@inline export function statsS2At(S: usize, d: i32, k: i32): usize {
  return statsS1At(S, k) + (<usize>(k * d) << 4);
}

/** Address of entry i of a block of f64x2 entries. */
@inline export function entry(p: usize, i: i32): usize {
  return p + (<usize>i << 4);
}

/** Pairs per block: a block's log-probabilities stay in cache between the density and accumulation steps. */
export const BLOCK: i32 = 64;

// Scratch of one pass (per thread), in f64x2 entries from its start:
//   [0] lp: BLOCK*k log-probabilities, then responsibilities times weights;
//   dist: BLOCK*k squared distances (spherical around the common shift);
//   rows: D = x - s (BLOCK*padded(d)), then Z = F D (tied) or RD = r D (accumulate) (BLOCK*padded(d)), then
//     A1 (d) and 8 entries of slack;
//   index: BLOCK i32 pair indices (BLOCK/4 entries);
//   rowTmp: normalizeRow's k exponents and k i32 component indices (k + k/4 + 1 entries).
// estimate and accumulateResp use lp and then the rows from `dist` on, which fits in the same size.

@inline export function scratchDist(k: i32): i32 {
  return BLOCK * k;
}

@inline export function scratchRows(k: i32): i32 {
  return scratchDist(k) + BLOCK * k;
}

@inline export function scratchIndex(d: i32, k: i32): i32 {
  return scratchRows(k) + 2 * BLOCK * padded(d) + d + 8;
}

@inline export function scratchRowTmp(d: i32, k: i32): i32 {
  return scratchIndex(d, k) + (BLOCK >> 2);
}

/** Bytes of scratch memory the pass and estimate kernels need. */
export function scratchBytes(d: i32, k: i32): i32 {
  return (scratchRowTmp(d, k) + k + (k >> 2) + 1) << 4;
}

/** d rounded up to even: the 2x2 register tiles read one zero feature past an odd d. */
@inline export function padded(d: i32): i32 {
  return (d + 1) & ~1;
}

/** Entries of a packed triangle of a d x d matrix. */
@inline export function tri(d: i32): i32 {
  return (d * (d + 1)) >> 1;
}

/** Index of (i, j), i <= j, in a packed upper triangle of a d x d matrix (row-major). */
@inline export function upper(i: i32, j: i32, d: i32): i32 {
  return i * d - ((i * (i - 1)) >> 1) + j - i;
}
