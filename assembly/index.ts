// gaussmix EM kernels: pointer-and-size functions over linear memory, f64x2 SIMD.
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

const LOG_2PI: f64 = 1.8378770664093453;
const TEN_EPS: f64 = 10.0 * 2.220446049250313e-16;
/** Pairs per block: a block's log-probabilities stay in cache between the density and accumulation steps. */
const BLOCK: i32 = 64;

export function heapBase(): usize {
  return __heap_base;
}

/** Bytes of scratch memory the pass and estimate kernels need. */
export function scratchBytes(d: i32, k: i32): i32 {
  const t = (d * (d + 1)) >> 1;
  return (BLOCK * k + 3 * d + t + 2) << 4;
}

@inline function tri(d: i32): i32 {
  return (d * (d + 1)) >> 1;
}

@inline function sumLanes(v: v128): f64 {
  return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
}

@inline function ld(p: usize, i: i32): v128 {
  return v128.load(p + (<usize>i << 4));
}

@inline function st(p: usize, i: i32, v: v128): void {
  v128.store(p + (<usize>i << 4), v);
}

@inline function ldf(p: usize, i: i32): f64 {
  return load<f64>(p + (<usize>i << 3));
}

@inline function stf(p: usize, i: i32, v: f64): void {
  store<f64>(p + (<usize>i << 3), v);
}

// ---------------------------------------------------------------------------------------------------------
// Densities: lp[p][c] = logConst_c - ||F_c (x_p - mu_c)||^2 / 2 for the pairs [b, e) of a block.

function densities(
  isTri: bool, X: usize, b: i32, e: i32, d: i32, k: i32,
  means: usize, factors: usize, factorStride: usize, logConst: usize, lp: usize, diff: usize,
): void {
  const half = f64x2.splat(0.5);
  for (let c = 0; c < k; c++) {
    const mu = means + (<usize>(c * d) << 3);
    const f = factors + <usize>c * factorStride;
    const lc = v128.load64_splat(logConst + (<usize>c << 3));
    for (let p = b; p < e; p++) {
      const xb = X + (<usize>(p * d) << 4);
      let sq = f64x2.splat(0);
      if (isTri) {
        for (let i = 0; i < d; i++) {
          st(diff, i, f64x2.sub(ld(xb, i), v128.load64_splat(mu + (<usize>i << 3))));
        }
        let row = f;
        for (let j = 0; j < d; j++) {
          let acc = f64x2.splat(0);
          for (let i = 0; i <= j; i++) {
            acc = f64x2.add(acc, f64x2.mul(ld(diff, i), v128.load64_splat(row + (<usize>i << 3))));
          }
          sq = f64x2.add(sq, f64x2.mul(acc, acc));
          row += <usize>(j + 1) << 3;
        }
      } else {
        for (let j = 0; j < d; j++) {
          const y = f64x2.mul(
            f64x2.sub(ld(xb, j), v128.load64_splat(mu + (<usize>j << 3))),
            v128.load64_splat(f + (<usize>j << 3)),
          );
          sq = f64x2.add(sq, f64x2.mul(y, y));
        }
      }
      st(lp, (p - b) * k + c, f64x2.sub(lc, f64x2.mul(half, sq)));
    }
  }
}

/**
 * Log-sum-exp of one row of k log-probabilities (two lanes): turns the row into responsibilities in place
 * and returns log p(x) per lane. A row that is -Infinity everywhere (a point no component can explain
 * in floating point) gives -Infinity and responsibilities of NaN, which the caller reports.
 */
@inline function normalizeRow(row: usize, k: i32): v128 {
  let mx = ld(row, 0);
  for (let c = 1; c < k; c++) mx = f64x2.max(mx, ld(row, c));
  const m0 = f64x2.extract_lane(mx, 0);
  const m1 = f64x2.extract_lane(mx, 1);
  let s0: f64 = 0;
  let s1: f64 = 0;
  for (let c = 0; c < k; c++) {
    const v = ld(row, c);
    const e0 = Math.exp(f64x2.extract_lane(v, 0) - m0);
    const e1 = Math.exp(f64x2.extract_lane(v, 1) - m1);
    s0 += e0;
    s1 += e1;
    st(row, c, f64x2(e0, e1));
  }
  const inv = f64x2(1.0 / s0, 1.0 / s1);
  for (let c = 0; c < k; c++) st(row, c, f64x2.mul(ld(row, c), inv));
  return f64x2(m0 + Math.log(s0), m1 + Math.log(s1));
}

// ---------------------------------------------------------------------------------------------------------
// Accumulation of the sufficient statistics of one block from weighted responsibilities rv[p][c] = v_p r_pc.

function accumulate(
  isTri: bool, X: usize, b: i32, e: i32, d: i32, k: i32, shift: usize, rv: usize,
  S: usize, s2Stride: usize, scratch: usize,
): void {
  const t = isTri ? tri(d) : d;
  const diff = scratch;
  const a1 = diff + (<usize>d << 4);
  const a2 = a1 + (<usize>d << 4);
  const N = S + 32;
  const S1 = N + (<usize>k << 4);
  const S2 = S1 + (<usize>(k * d) << 4);
  const zero = f64x2.splat(0);
  for (let c = 0; c < k; c++) {
    const s = shift + (<usize>(c * d) << 3);
    for (let i = 0; i < d; i++) st(a1, i, zero);
    for (let i = 0; i < t; i++) st(a2, i, zero);
    let an = zero;
    for (let p = b; p < e; p++) {
      const r = ld(rv, (p - b) * k + c);
      if (f64x2.extract_lane(r, 0) == 0 && f64x2.extract_lane(r, 1) == 0) continue;
      an = f64x2.add(an, r);
      const xb = X + (<usize>(p * d) << 4);
      if (isTri) {
        for (let i = 0; i < d; i++) {
          const df = f64x2.sub(ld(xb, i), v128.load64_splat(s + (<usize>i << 3)));
          st(diff, i, df);
          st(a1, i, f64x2.add(ld(a1, i), f64x2.mul(r, df)));
        }
        let idx = 0;
        for (let i = 0; i < d; i++) {
          const rd = f64x2.mul(r, ld(diff, i));
          for (let j = i; j < d; j++) {
            st(a2, idx, f64x2.add(ld(a2, idx), f64x2.mul(rd, ld(diff, j))));
            idx++;
          }
        }
      } else {
        for (let i = 0; i < d; i++) {
          const df = f64x2.sub(ld(xb, i), v128.load64_splat(s + (<usize>i << 3)));
          const rd = f64x2.mul(r, df);
          st(a1, i, f64x2.add(ld(a1, i), rd));
          st(a2, i, f64x2.add(ld(a2, i), f64x2.mul(rd, df)));
        }
      }
    }
    // Block sums are added to the totals: a two-level sum keeps rounding error small for large n.
    st(N, c, f64x2.add(ld(N, c), an));
    const s1c = S1 + (<usize>(c * d) << 4);
    for (let i = 0; i < d; i++) st(s1c, i, f64x2.add(ld(s1c, i), ld(a1, i)));
    const s2c = S2 + <usize>c * s2Stride;
    for (let i = 0; i < t; i++) st(s2c, i, f64x2.add(ld(s2c, i), ld(a2, i)));
  }
}

/**
 * One EM pass (the map) over the pairs [p0, p1): adds L, V, N, S1, S2 into the statistics at S.
 * kind: 0 = full/tied (triangular factors), 1 = diag/spherical. factorStride and s2Stride are in bytes
 * (0 for tied: one shared factor and one shared scatter). scratch: scratchBytes(d, k) bytes.
 */
export function pass(
  kind: i32, X: usize, W: usize, p0: i32, p1: i32, d: i32, k: i32, means: usize, factors: usize,
  factorStride: usize, logConst: usize, S: usize, s2Stride: usize, scratch: usize,
): void {
  const isTri = kind == 0;
  const lp = scratch;
  const rest = lp + (<usize>(BLOCK * k) << 4);
  let L = f64x2.splat(0);
  let V = f64x2.splat(0);
  for (let b = p0; b < p1; b += BLOCK) {
    const e = min(b + BLOCK, p1);
    densities(isTri, X, b, e, d, k, means, factors, factorStride, logConst, lp, rest);
    let lb = f64x2.splat(0);
    let vb = f64x2.splat(0);
    for (let p = b; p < e; p++) {
      const row = lp + (<usize>((p - b) * k) << 4);
      const w = ld(W, p);
      const ln = normalizeRow(row, k);
      lb = f64x2.add(lb, f64x2.mul(w, ln));
      vb = f64x2.add(vb, w);
      for (let c = 0; c < k; c++) st(row, c, f64x2.mul(ld(row, c), w));
    }
    L = f64x2.add(L, lb);
    V = f64x2.add(V, vb);
    accumulate(isTri, X, b, e, d, k, means, lp, S, s2Stride, rest);
  }
  st(S, 0, f64x2.add(ld(S, 0), L));
  st(S, 1, f64x2.add(ld(S, 1), V));
}

/**
 * Statistics from given weighted responsibilities (initialisation): rv holds (p1 - p0) * k f64x2 entries,
 * rv[p][c] = v_p r_pc for the pairs [p0, p1). Adds N, S1, S2 (around `shift`) and V into S.
 */
export function accumulateResp(
  kind: i32, X: usize, W: usize, p0: i32, p1: i32, d: i32, k: i32, shift: usize, rv: usize,
  S: usize, s2Stride: usize, scratch: usize,
): void {
  const isTri = kind == 0;
  let V = f64x2.splat(0);
  for (let p = p0; p < p1; p++) V = f64x2.add(V, ld(W, p));
  for (let b = p0; b < p1; b += BLOCK) {
    const e = min(b + BLOCK, p1);
    accumulate(isTri, X, b, e, d, k, shift, rv + (<usize>((b - p0) * k) << 4), S, s2Stride, scratch);
  }
  st(S, 1, f64x2.add(ld(S, 1), V));
}

/**
 * Per-sample outputs for the pairs [p0, p1) (predict & co). Each output pointer may be 0 to skip it:
 * logNorm (f64 per sample: log p(x)), resp (f64 n x k, row-major), labels (i32 per sample: argmax of the
 * weighted log-probabilities, first on ties). Sample index = 2p + lane.
 */
export function estimate(
  kind: i32, X: usize, p0: i32, p1: i32, d: i32, k: i32, means: usize, factors: usize,
  factorStride: usize, logConst: usize, logNorm: usize, resp: usize, labels: usize, scratch: usize,
): void {
  const isTri = kind == 0;
  const lp = scratch;
  const rest = lp + (<usize>(BLOCK * k) << 4);
  for (let b = p0; b < p1; b += BLOCK) {
    const e = min(b + BLOCK, p1);
    densities(isTri, X, b, e, d, k, means, factors, factorStride, logConst, lp, rest);
    for (let p = b; p < e; p++) {
      const row = lp + (<usize>((p - b) * k) << 4);
      const i0 = p << 1;
      if (labels) {
        let b0: f64 = f64x2.extract_lane(ld(row, 0), 0);
        let b1: f64 = f64x2.extract_lane(ld(row, 0), 1);
        let c0 = 0;
        let c1 = 0;
        for (let c = 1; c < k; c++) {
          const v = ld(row, c);
          if (f64x2.extract_lane(v, 0) > b0) { b0 = f64x2.extract_lane(v, 0); c0 = c; }
          if (f64x2.extract_lane(v, 1) > b1) { b1 = f64x2.extract_lane(v, 1); c1 = c; }
        }
        store<i32>(labels + (<usize>i0 << 2), c0);
        store<i32>(labels + (<usize>(i0 + 1) << 2), c1);
      }
      const ln = normalizeRow(row, k);
      if (logNorm) {
        stf(logNorm, i0, f64x2.extract_lane(ln, 0));
        stf(logNorm, i0 + 1, f64x2.extract_lane(ln, 1));
      }
      if (resp) {
        const r0 = resp + (<usize>(i0 * k) << 3);
        const r1 = r0 + (<usize>k << 3);
        for (let c = 0; c < k; c++) {
          const v = ld(row, c);
          stf(r0, c, f64x2.extract_lane(v, 0));
          stf(r1, c, f64x2.extract_lane(v, 1));
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Small dense linear algebra for the M-step (O(k d^3), outside the hot loop).

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

/** log w_c - d/2 log(2 pi) + sum_j log U_c[j][j] for every component (kind as in `pass`). */
export function logConstants(
  kind: i32, d: i32, k: i32, weights: usize, factors: usize, factorStride: usize, logConst: usize,
): void {
  for (let c = 0; c < k; c++) {
    const f = factors + <usize>c * factorStride;
    let logDet: f64 = 0;
    for (let j = 0; j < d; j++) logDet += Math.log(kind == 0 ? ldf(f, tri(j) + j) : ldf(f, j));
    stf(logConst, c, Math.log(ldf(weights, c)) - 0.5 * <f64>d * LOG_2PI + logDet);
  }
}

/**
 * The M-step: statistics around `shift` -> weights, means (written over `shift`, which may be `means`),
 * covariances, precision factors and log-constants. cov: full k*d*d, tied d*d (row-major symmetric),
 * diag/spherical k*d (spherical: the one variance repeated d times). type: 0 full, 1 tied, 2 diag,
 * 3 spherical. work: 3*d*d f64. Returns -1 on success, else the index of the component whose covariance
 * is not positive definite (k for the tied covariance).
 */
export function mstep(
  type: i32, d: i32, k: i32, S: usize, regCovar: f64, shift: usize, means: usize, weights: usize,
  cov: usize, factors: usize, logConst: usize, work: usize,
): i32 {
  const t = type <= 1 ? tri(d) : d;
  const N = S + 32;
  const S1 = N + (<usize>k << 4);
  const S2 = S1 + (<usize>(k * d) << 4);
  let total: f64 = 0;
  for (let c = 0; c < k; c++) total += sumLanes(ld(N, c)) + TEN_EPS;
  const delta = work; // d
  const C = work + (<usize>d << 3); // d*d: scatter around the new mean
  const fwork = C + (<usize>(d * d) << 3); // d*d
  if (type == 1) {
    // Tied: one scatter summed over components, corrected per component below.
    const s2 = S2;
    for (let i = 0; i < d; i++) {
      for (let j = i; j < d; j++) {
        const v = sumLanes(ld(s2, tri(d) - tri(d - i) + (j - i)));
        stf(cov, i * d + j, v);
      }
    }
  }
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
    if (type == 0) {
      const s2c = S2 + (<usize>(c * t) << 4);
      const cc = cov + (<usize>(c * d * d) << 3);
      let idx = 0;
      for (let i = 0; i < d; i++) {
        const a1 = sumLanes(ld(s1c, i));
        const di = ldf(delta, i);
        for (let j = i; j < d; j++) {
          const dj = ldf(delta, j);
          const a1j = sumLanes(ld(s1c, j));
          let v = (sumLanes(ld(s2c, idx)) - a1 * dj - di * a1j + nc * di * dj) / np;
          if (i == j) v += regCovar;
          stf(cc, i * d + j, v);
          stf(cc, j * d + i, v);
          idx++;
        }
      }
      if (!factorFromCovariance(cc, d, factors + (<usize>(c * t) << 3), fwork)) return c;
    } else if (type == 1) {
      for (let i = 0; i < d; i++) {
        const a1 = sumLanes(ld(s1c, i));
        const di = ldf(delta, i);
        for (let j = i; j < d; j++) {
          const dj = ldf(delta, j);
          const a1j = sumLanes(ld(s1c, j));
          stf(cov, i * d + j, ldf(cov, i * d + j) - a1 * dj - di * a1j + nc * di * dj);
        }
      }
    } else {
      const s2c = S2 + (<usize>(c * d) << 4);
      const cc = cov + (<usize>(c * d) << 3);
      let mean: f64 = 0;
      for (let i = 0; i < d; i++) {
        const di = ldf(delta, i);
        const v = (sumLanes(ld(s2c, i)) - 2 * sumLanes(ld(s1c, i)) * di + nc * di * di) / np + regCovar;
        stf(cc, i, v);
        mean += v;
      }
      if (type == 3) {
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
  if (type == 1) {
    for (let i = 0; i < d; i++) {
      for (let j = i; j < d; j++) {
        let v = ldf(cov, i * d + j) / total;
        if (i == j) v += regCovar;
        stf(cov, i * d + j, v);
        stf(cov, j * d + i, v);
      }
    }
    if (!factorFromCovariance(cov, d, factors, fwork)) return k;
  }
  logConstants(type <= 1 ? 0 : 1, d, k, weights, factors, type == 1 ? 0 : <usize>(t << 3), logConst);
  return -1;
}

// ---------------------------------------------------------------------------------------------------------
// k-means (initialisation): Lloyd steps and k-means++ seeding over the same pair layout.

/**
 * Assigns each sample of the pairs [0, nPairs) to its nearest center (squared Euclidean distance, first on
 * ties), writes labels (i32 per sample), adds the weighted sums (k*d f64) and weights (k f64) of each
 * cluster into sums/counts, and returns the weighted inertia.
 */
export function kmeansAssign(
  X: usize, W: usize, nPairs: i32, d: i32, k: i32, centers: usize, labels: usize, sums: usize, counts: usize,
): f64 {
  let inertia: f64 = 0;
  for (let p = 0; p < nPairs; p++) {
    const xb = X + (<usize>(p * d) << 4);
    let b0: f64 = Infinity;
    let b1: f64 = Infinity;
    let c0 = 0;
    let c1 = 0;
    for (let c = 0; c < k; c++) {
      const cb = centers + (<usize>(c * d) << 3);
      let sq = f64x2.splat(0);
      for (let j = 0; j < d; j++) {
        const df = f64x2.sub(ld(xb, j), v128.load64_splat(cb + (<usize>j << 3)));
        sq = f64x2.add(sq, f64x2.mul(df, df));
      }
      const q0 = f64x2.extract_lane(sq, 0);
      const q1 = f64x2.extract_lane(sq, 1);
      if (q0 < b0) { b0 = q0; c0 = c; }
      if (q1 < b1) { b1 = q1; c1 = c; }
    }
    const w = ld(W, p);
    const w0 = f64x2.extract_lane(w, 0);
    const w1 = f64x2.extract_lane(w, 1);
    store<i32>(labels + (<usize>(p << 1) << 2), c0);
    store<i32>(labels + (<usize>((p << 1) + 1) << 2), c1);
    inertia += w0 * b0 + w1 * b1;
    stf(counts, c0, ldf(counts, c0) + w0);
    stf(counts, c1, ldf(counts, c1) + w1);
    const s0 = sums + (<usize>(c0 * d) << 3);
    const s1 = sums + (<usize>(c1 * d) << 3);
    for (let j = 0; j < d; j++) {
      const x = ld(xb, j);
      stf(s0, j, ldf(s0, j) + w0 * f64x2.extract_lane(x, 0));
      stf(s1, j, ldf(s1, j) + w1 * f64x2.extract_lane(x, 1));
    }
  }
  return inertia;
}

/**
 * k-means++ helper: for the center c (d f64), computes min(dist[i], ||x_i - c||^2) per sample (dist: f64
 * per sample). With update = 1 it writes the minimum into dist; it returns the weighted sum of the minima
 * (the potential), which is what the seeding compares between candidates.
 */
export function kmeansClosest(X: usize, W: usize, nPairs: i32, d: i32, center: usize, dist: usize, update: i32): f64 {
  let pot = f64x2.splat(0);
  for (let p = 0; p < nPairs; p++) {
    const xb = X + (<usize>(p * d) << 4);
    let sq = f64x2.splat(0);
    for (let j = 0; j < d; j++) {
      const df = f64x2.sub(ld(xb, j), v128.load64_splat(center + (<usize>j << 3)));
      sq = f64x2.add(sq, f64x2.mul(df, df));
    }
    const m = f64x2.min(sq, ld(dist, p));
    if (update) st(dist, p, m);
    pot = f64x2.add(pot, f64x2.mul(m, ld(W, p)));
  }
  return sumLanes(pot);
}
