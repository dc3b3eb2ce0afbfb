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
  return (2 * BLOCK * k + 2 * BLOCK * padded(d) + d + 8 + (BLOCK >> 2) + k + (k >> 2) + 1) << 4;
}

/** d rounded up to even: the 2x2 register tiles read one zero feature past an odd d. */
@inline function padded(d: i32): i32 {
  return (d + 1) & ~1;
}

@inline function tri(d: i32): i32 {
  return (d * (d + 1)) >> 1;
}

/** Index of (i, j), i <= j, in a packed upper triangle of a d x d matrix (row-major). */
@inline function upper(i: i32, j: i32, d: i32): i32 {
  return i * d - ((i * (i - 1)) >> 1) + j - i;
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

@inline function splat(p: usize, i: i32): v128 {
  return v128.load64_splat(p + (<usize>i << 3));
}

@inline function madd(acc: v128, a: v128, b: v128): v128 {
  return f64x2.add(acc, f64x2.mul(a, b));
}

/** ||x - m||^2 for one pair (x: d f64x2, m: d f64 splatted), summed in two chains (even and odd features). */
@inline function sqDist(x: usize, m: usize, d: i32): v128 {
  let a = f64x2.splat(0);
  let b = f64x2.splat(0);
  let j = 0;
  for (; j + 1 < d; j += 2) {
    const t = f64x2.sub(ld(x, j), splat(m, j));
    const u = f64x2.sub(ld(x, j + 1), splat(m, j + 1));
    a = madd(a, t, t);
    b = madd(b, u, u);
  }
  if (j < d) {
    const t = f64x2.sub(ld(x, j), splat(m, j));
    a = madd(a, t, t);
  }
  return f64x2.add(a, b);
}

/** 2^(j/32), j = 0..31, for the table-driven exp below. */
const EXP2_TABLE: StaticArray<f64> = [
  1.0, 1.0218971486541166, 1.0442737824274138, 1.0671404006768237,
  1.0905077326652577, 1.1143867425958924, 1.1387886347566916, 1.1637248587775775,
  1.189207115002721, 1.215247359980469, 1.241857812073484, 1.2690509571917332,
  1.2968395546510096, 1.3252366431597413, 1.3542555469368927, 1.383909881963832,
  1.4142135623730951, 1.4451808069770467, 1.4768261459394993, 1.5091644275934228,
  1.5422108254079407, 1.5759808451078865, 1.6104903319492543, 1.645755478153965,
  1.681792830507429, 1.718619298122478, 1.7562521603732995, 1.7947090750031072,
  1.8340080864093424, 1.8741676341103, 1.9152065613971474, 1.9571441241754002,
];

/**
 * exp of two lanes, x <= 0 (the arguments of log-sum-exp), after Tang's table method: x = (32m + j) ln2/32 + r
 * with |r| <= ln2/64, exp(x) = 2^m * 2^(j/32) * p(r), p the Taylor polynomial of degree 6 (truncation error
 * < 4e-18). exp(0) is exactly 1; results below 2^-1022 (x < -708) are flushed to 0, -Infinity gives 0 and
 * NaN stays NaN.
 */
@inline function expv(x: v128): v128 {
  // pmax is one instruction (max's NaN and signed-zero rules cost several); NaN passes through it.
  const xc = f64x2.pmax(x, f64x2.splat(-708.0));
  // Round x·32/ln2 to an integer by adding 1.5·2^52: the sum's low bits are the integer n (two's complement).
  const kd = f64x2.add(f64x2.mul(xc, f64x2.splat(46.16624130844683)), f64x2.splat(6755399441055744.0));
  const n = f64x2.sub(kd, f64x2.splat(6755399441055744.0));
  const ni = i64x2.sub(kd, i64x2.splat(0x4338000000000000));
  const r = f64x2.sub(
    f64x2.sub(xc, f64x2.mul(n, f64x2.splat(0.02166084938653512))), // ln2/32, high part (32 bits: n·hi is exact)
    f64x2.mul(n, f64x2.splat(5.9631716539705866e-12)), // ln2/32 - hi
  );
  let p = f64x2.splat(1.3888888888888889e-3); // 1/6!
  p = madd(f64x2.splat(8.333333333333333e-3), p, r); // 1/5!
  p = madd(f64x2.splat(4.1666666666666664e-2), p, r); // 1/4!
  p = madd(f64x2.splat(1.6666666666666666e-1), p, r); // 1/3!
  p = madd(f64x2.splat(0.5), p, r);
  p = madd(f64x2.splat(1.0), p, r);
  p = madd(f64x2.splat(1.0), p, r);
  // n = 32m + j: 2^(j/32) from the table (loaded straight into the lanes), and 2^m, m >= -1022, added to the
  // exponent field of p·t (in [0.98, 2.1]) as (n - j) << 47 = m << 52: the result is normal.
  const j = v128.and(ni, i64x2.splat(31));
  const tbl = changetype<usize>(EXP2_TABLE);
  const t = v128.load64_lane(
    tbl + (<usize>i64x2.extract_lane(j, 1) << 3),
    v128.load64_zero(tbl + (<usize>i64x2.extract_lane(j, 0) << 3)),
    1,
  );
  const y = i64x2.add(f64x2.mul(p, t), i64x2.shl(i64x2.sub(ni, j), 47));
  // Below the threshold 0; NaN lanes (all bits set) stay NaN.
  return v128.or(v128.andnot(y, f64x2.lt(x, f64x2.splat(-708.0))), f64x2.ne(x, x));
}

/**
 * log of two lanes, for the sums of log-sum-exp (x >= 1, or NaN which stays NaN): fdlibm's method. x = 2^e·m with
 * m in [sqrt(1/2), sqrt(2)), f = m - 1, s = f / (2 + f), log(1 + f) = f - f²/2 + s·(f²/2 + R(s²)), R the
 * fdlibm polynomial (error < 1 ulp); e·ln2 is added in two parts.
 */
@inline function logv(x: v128): v128 {
  const u = i64x2.sub(x, i64x2.splat(0x3fe6a09e667f3bcd));
  const e = f64x2.convert_low_i32x4_s(i32x4.shuffle(i64x2.shr_s(u, 52), i64x2.splat(0), 0, 2, 4, 4));
  const m = i64x2.add(v128.and(u, i64x2.splat(0x000fffffffffffff)), i64x2.splat(0x3fe6a09e667f3bcd));
  const f = f64x2.sub(m, f64x2.splat(1.0));
  const s = f64x2.div(f, f64x2.add(f64x2.splat(2.0), f));
  const z = f64x2.mul(s, s);
  const w = f64x2.mul(z, z);
  const t1 = f64x2.mul(w, madd(f64x2.splat(3.999999999940941908e-1), w,
    madd(f64x2.splat(2.222219843214978396e-1), w, f64x2.splat(1.531383769920937332e-1))));
  const t2 = f64x2.mul(z, madd(f64x2.splat(6.666666666666735130e-1), w,
    madd(f64x2.splat(2.857142874366239149e-1), w,
      madd(f64x2.splat(1.818357216161805012e-1), w, f64x2.splat(1.479819860511658591e-1)))));
  const hfsq = f64x2.mul(f64x2.splat(0.5), f64x2.mul(f, f));
  const lo = madd(f64x2.mul(s, f64x2.add(hfsq, f64x2.add(t2, t1))), e, f64x2.splat(1.90821492927058770002e-10));
  const y = f64x2.sub(f64x2.mul(e, f64x2.splat(6.93147180369123816490e-1)), f64x2.sub(f64x2.sub(hfsq, lo), f));
  return v128.or(y, f64x2.ne(x, x));
}

/** The vector exp (op 0) or log (op 1) applied in place to n f64 at ptr (n even): for the accuracy tests. */
export function vectorMath(op: i32, ptr: usize, n: i32): void {
  for (let i = 0; i < n >> 1; i++) st(ptr, i, op == 0 ? expv(ld(ptr, i)) : logv(ld(ptr, i)));
}

// ---------------------------------------------------------------------------------------------------------
// Densities: lp[p][c] = logConst_c - ||F_c (x_p - mu_c)||^2 / 2 for the pairs [b, e) of a block.
// Full/tied use 4x2 register tiles (four pairs x two rows of F): each load feeds two multiply-adds and eight
// independent chains hide the adder's latency.

function densities(
  isTri: bool, X: usize, b: i32, e: i32, d: i32, k: i32,
  means: usize, factors: usize, factorStride: usize, logConst: usize, lp: usize, D: usize,
): void {
  const half = f64x2.splat(0.5);
  const nb = e - b;
  const dp = padded(d);
  for (let c = 0; c < k; c++) {
    const mu = means + (<usize>(c * d) << 3);
    const f = factors + <usize>c * factorStride;
    const lc = splat(logConst, c);
    if (isTri && d <= 2) {
      // d = 1, 2: y = F (x - mu) in registers (F packed: f00, then f10 f11).
      const m0 = splat(mu, 0);
      const f00 = splat(f, 0);
      if (d == 1) {
        for (let p = 0; p < nb; p++) {
          const y0 = f64x2.mul(f64x2.sub(ld(X, b + p), m0), f00);
          st(lp, p * k + c, f64x2.sub(lc, f64x2.mul(half, f64x2.mul(y0, y0))));
        }
      } else {
        const m1 = splat(mu, 1);
        const f10 = splat(f, 1);
        const f11 = splat(f, 2);
        for (let p = 0; p < nb; p++) {
          const xb = X + (<usize>((b + p) * 2) << 4);
          const t0 = f64x2.sub(ld(xb, 0), m0);
          const t1 = f64x2.sub(ld(xb, 1), m1);
          const y0 = f64x2.mul(t0, f00);
          const y1 = madd(f64x2.mul(t0, f10), t1, f11);
          st(lp, p * k + c, f64x2.sub(lc, f64x2.mul(half, madd(f64x2.mul(y0, y0), y1, y1))));
        }
      }
    } else if (isTri) {
      for (let p = 0; p < nb; p++) {
        const xb = X + (<usize>((b + p) * d) << 4);
        const dr = D + (<usize>(p * dp) << 4);
        for (let i = 0; i < d; i++) st(dr, i, f64x2.sub(ld(xb, i), splat(mu, i)));
      }
      for (let q = 0; q < nb; q += 4) {
        // Pairs q .. q + 3 (those past the block are computed from stale scratch, never stored): 4x2 tiles,
        // eight independent multiply-add chains.
        const d0 = D + (<usize>(q * dp) << 4);
        const d1 = d0 + (<usize>dp << 4);
        const d2 = d1 + (<usize>dp << 4);
        const d3 = d2 + (<usize>dp << 4);
        let sq0 = f64x2.splat(0);
        let sq1 = f64x2.splat(0);
        let sq2 = f64x2.splat(0);
        let sq3 = f64x2.splat(0);
        let row = f;
        let j = 0;
        for (; j + 1 < d; j += 2) {
          const row1 = row + (<usize>(j + 1) << 3);
          let a00 = f64x2.splat(0);
          let a01 = f64x2.splat(0);
          let a10 = f64x2.splat(0);
          let a11 = f64x2.splat(0);
          let a20 = f64x2.splat(0);
          let a21 = f64x2.splat(0);
          let a30 = f64x2.splat(0);
          let a31 = f64x2.splat(0);
          for (let i = 0; i <= j; i++) {
            const fa = splat(row, i);
            const fb = splat(row1, i);
            const x0 = ld(d0, i);
            a00 = madd(a00, x0, fa);
            a01 = madd(a01, x0, fb);
            const x1 = ld(d1, i);
            a10 = madd(a10, x1, fa);
            a11 = madd(a11, x1, fb);
            const x2 = ld(d2, i);
            a20 = madd(a20, x2, fa);
            a21 = madd(a21, x2, fb);
            const x3 = ld(d3, i);
            a30 = madd(a30, x3, fa);
            a31 = madd(a31, x3, fb);
          }
          const fl = splat(row1, j + 1);
          a01 = madd(a01, ld(d0, j + 1), fl);
          a11 = madd(a11, ld(d1, j + 1), fl);
          a21 = madd(a21, ld(d2, j + 1), fl);
          a31 = madd(a31, ld(d3, j + 1), fl);
          sq0 = madd(madd(sq0, a00, a00), a01, a01);
          sq1 = madd(madd(sq1, a10, a10), a11, a11);
          sq2 = madd(madd(sq2, a20, a20), a21, a21);
          sq3 = madd(madd(sq3, a30, a30), a31, a31);
          row = row1 + (<usize>(j + 2) << 3);
        }
        if (j < d) {
          let a0 = f64x2.splat(0);
          let a1 = f64x2.splat(0);
          let a2 = f64x2.splat(0);
          let a3 = f64x2.splat(0);
          for (let i = 0; i <= j; i++) {
            const fa = splat(row, i);
            a0 = madd(a0, ld(d0, i), fa);
            a1 = madd(a1, ld(d1, i), fa);
            a2 = madd(a2, ld(d2, i), fa);
            a3 = madd(a3, ld(d3, i), fa);
          }
          sq0 = madd(sq0, a0, a0);
          sq1 = madd(sq1, a1, a1);
          sq2 = madd(sq2, a2, a2);
          sq3 = madd(sq3, a3, a3);
        }
        st(lp, q * k + c, f64x2.sub(lc, f64x2.mul(half, sq0)));
        if (q + 1 < nb) st(lp, (q + 1) * k + c, f64x2.sub(lc, f64x2.mul(half, sq1)));
        if (q + 2 < nb) st(lp, (q + 2) * k + c, f64x2.sub(lc, f64x2.mul(half, sq2)));
        if (q + 3 < nb) st(lp, (q + 3) * k + c, f64x2.sub(lc, f64x2.mul(half, sq3)));
      }
    } else {
      // Two pairs at a time share the loads of the mean and the factor.
      let p = 0;
      for (; p + 1 < nb; p += 2) {
        const x0 = X + (<usize>((b + p) * d) << 4);
        const x1 = x0 + (<usize>d << 4);
        let sq0 = f64x2.splat(0);
        let sq1 = f64x2.splat(0);
        for (let j = 0; j < d; j++) {
          const m = splat(mu, j);
          const g = splat(f, j);
          const y0 = f64x2.mul(f64x2.sub(ld(x0, j), m), g);
          const y1 = f64x2.mul(f64x2.sub(ld(x1, j), m), g);
          sq0 = madd(sq0, y0, y0);
          sq1 = madd(sq1, y1, y1);
        }
        st(lp, p * k + c, f64x2.sub(lc, f64x2.mul(half, sq0)));
        st(lp, (p + 1) * k + c, f64x2.sub(lc, f64x2.mul(half, sq1)));
      }
      if (p < nb) {
        const xb = X + (<usize>((b + p) * d) << 4);
        let sq = f64x2.splat(0);
        for (let j = 0; j < d; j++) {
          const y = f64x2.mul(f64x2.sub(ld(xb, j), splat(mu, j)), splat(f, j));
          sq = madd(sq, y, y);
        }
        st(lp, p * k + c, f64x2.sub(lc, f64x2.mul(half, sq)));
      }
    }
  }
}

/**
 * Log-sum-exp of one row of k log-probabilities (two lanes): turns the row into responsibilities times w
 * in place and returns log p(x) per lane. A row that is -Infinity everywhere (a point no component can
 * explain in floating point) gives NaN, which the caller reports.
 * cut: 0, or k per-component thresholds (logConstants): a component whose log-probability is below the row's
 * largest by more than its threshold in both lanes gets responsibility 0 without an exp. With cut = 0 the
 * threshold is -708, where exp flushes to 0 anyway.
 */
@inline function normalizeRow(row: usize, k: i32, w: v128, cut: usize, tmp: usize): v128 {
  let mx = ld(row, 0);
  for (let c = 1; c < k; c++) mx = f64x2.pmax(mx, ld(row, c)); // log-densities are never NaN
  // The components that need an exp are listed first (t and c at tmp), without branches: which components
  // are near a sample changes from sample to sample, and a branch per component would be mispredicted often.
  // NaN compares false, so it is listed and stays NaN.
  const cs = tmp + (<usize>k << 4);
  let m = 0;
  for (let c = 0; c < k; c++) {
    const t = f64x2.sub(ld(row, c), mx);
    st(tmp, m, t);
    store<i32>(cs + (<usize>m << 2), c);
    m += <i32>!i64x2.all_true(f64x2.lt(t, cut ? splat(cut, c) : f64x2.splat(-708.0)));
    st(row, c, f64x2.splat(0));
  }
  let s = f64x2.splat(0);
  for (let i = 0; i < m; i++) {
    const e = expv(ld(tmp, i));
    s = f64x2.add(s, e);
    st(row, load<i32>(cs + (<usize>i << 2)), e);
  }
  const scale = f64x2.div(w, s);
  for (let i = 0; i < m; i++) {
    const c = load<i32>(cs + (<usize>i << 2));
    st(row, c, f64x2.mul(ld(row, c), scale));
  }
  return f64x2.add(mx, logv(s));
}

// ---------------------------------------------------------------------------------------------------------
// Accumulation of the sufficient statistics of one block from weighted responsibilities rv[p][c] = v_p r_pc.
// Block sums are added to the totals: the two-level sum keeps rounding error small for large n.

function accumulate(
  isTri: bool, X: usize, W: usize, b: i32, e: i32, d: i32, k: i32, shift: usize, rv: usize,
  S: usize, s2Stride: usize, scratch: usize,
): void {
  const nb = e - b;
  const dp = padded(d);
  const D = scratch;
  const RD = D + (<usize>(BLOCK * dp) << 4);
  const N = S + 32;
  const S1 = N + (<usize>k << 4);
  const S2 = S1 + (<usize>(k * d) << 4);
  const zero = f64x2.splat(0);
  if (isTri && d <= 2 && s2Stride != 0) {
    accumulateSmall(X, b, e, d, k, shift, rv, S);
    return;
  }
  for (let c = 0; c < k; c++) {
    const s = shift + (<usize>(c * d) << 3);
    const s1c = S1 + (<usize>(c * d) << 4);
    const s2c = S2 + <usize>c * s2Stride;
    let an = zero;
    for (let p = 0; p < nb; p++) an = f64x2.add(an, ld(rv, p * k + c));
    st(N, c, f64x2.add(ld(N, c), an));
    if (isTri) {
      // D = x - s and RD = r (x - s) per pair; S1 += sum RD; S2 += RD^T D by 2x2 tiles of the upper triangle.
      // S1 over every pair; the scatter only over pairs that can contribute to it. That is r > 0 for a
      // component's own scatter (full). A tied scatter is summed over all components, where a pair whose
      // responsibility is below 1e-20 of its weight adds less than rounding to a total of order sum(v), so
      // such pairs are left out too (a component far from a point leaves r ~ e^-46 or less).
      const tiny = f64x2.splat(s2Stride == 0 ? 1e-20 : 0.0);
      const A1 = RD + (<usize>(BLOCK * dp) << 4);
      for (let i = 0; i < d; i++) st(A1, i, zero);
      let m = 0;
      for (let p = 0; p < nb; p++) {
        const r = ld(rv, p * k + c);
        if (f64x2.extract_lane(r, 0) == 0 && f64x2.extract_lane(r, 1) == 0) continue;
        const xb = X + (<usize>((b + p) * d) << 4);
        const keep = v128.any_true(f64x2.gt(r, f64x2.mul(tiny, ld(W, b + p))));
        const dr = D + (<usize>(m * dp) << 4);
        const rr = RD + (<usize>(m * dp) << 4);
        for (let i = 0; i < d; i++) {
          const df = f64x2.sub(ld(xb, i), splat(s, i));
          const rd = f64x2.mul(r, df);
          st(A1, i, f64x2.add(ld(A1, i), rd));
          st(dr, i, df);
          st(rr, i, rd);
        }
        if (!keep) continue;
        if (dp != d) {
          st(dr, d, zero);
          st(rr, d, zero);
        }
        m++;
      }
      for (let i = 0; i < d; i++) st(s1c, i, f64x2.add(ld(s1c, i), ld(A1, i)));
      if (m == 0) continue;
      for (let i = 0; i < d; i += 2) {
        for (let j = i; j < d; j += 2) {
          let a00 = zero;
          let a01 = zero;
          let a10 = zero;
          let a11 = zero;
          let rr = RD;
          let dr = D;
          for (let p = 0; p < m; p++) {
            const r0 = ld(rr, i);
            const r1 = ld(rr, i + 1);
            const x0 = ld(dr, j);
            const x1 = ld(dr, j + 1);
            a00 = madd(a00, r0, x0);
            a01 = madd(a01, r0, x1);
            a10 = madd(a10, r1, x0);
            a11 = madd(a11, r1, x1);
            rr += <usize>dp << 4;
            dr += <usize>dp << 4;
          }
          // (i, j) and its neighbours; tiles on the diagonal skip (i + 1, i), the padding feature is skipped.
          let idx = upper(i, j, d);
          st(s2c, idx, f64x2.add(ld(s2c, idx), a00));
          if (j + 1 < d) {
            st(s2c, idx + 1, f64x2.add(ld(s2c, idx + 1), a01));
            idx = upper(i + 1, j + 1, d);
            st(s2c, idx, f64x2.add(ld(s2c, idx), a11));
          }
          if (j > i && i + 1 < d) {
            idx = upper(i + 1, j, d);
            st(s2c, idx, f64x2.add(ld(s2c, idx), a10));
          }
        }
      }
    } else {
      // The pairs with a responsibility are listed first, without branches (far components leave many
      // exactly 0: see normalizeRow); then four features at a time, summed over them in registers.
      const idx = RD;
      let m = 0;
      for (let p = 0; p < nb; p++) {
        store<i32>(idx + (<usize>m << 2), p);
        m += <i32>v128.any_true(f64x2.ne(ld(rv, p * k + c), zero));
      }
      let j = 0;
      for (; j + 4 <= d; j += 4) {
        const s0 = splat(s, j);
        const s1 = splat(s, j + 1);
        const s2 = splat(s, j + 2);
        const s3 = splat(s, j + 3);
        let a10 = zero, a11 = zero, a12 = zero, a13 = zero;
        let a20 = zero, a21 = zero, a22 = zero, a23 = zero;
        for (let q = 0; q < m; q++) {
          const p = load<i32>(idx + (<usize>q << 2));
          const r = ld(rv, p * k + c);
          const xb = X + (<usize>((b + p) * d + j) << 4);
          const d0 = f64x2.sub(ld(xb, 0), s0);
          const d1 = f64x2.sub(ld(xb, 1), s1);
          const d2 = f64x2.sub(ld(xb, 2), s2);
          const d3 = f64x2.sub(ld(xb, 3), s3);
          const r0 = f64x2.mul(r, d0);
          const r1 = f64x2.mul(r, d1);
          const r2 = f64x2.mul(r, d2);
          const r3 = f64x2.mul(r, d3);
          a10 = f64x2.add(a10, r0);
          a11 = f64x2.add(a11, r1);
          a12 = f64x2.add(a12, r2);
          a13 = f64x2.add(a13, r3);
          a20 = madd(a20, r0, d0);
          a21 = madd(a21, r1, d1);
          a22 = madd(a22, r2, d2);
          a23 = madd(a23, r3, d3);
        }
        st(s1c, j, f64x2.add(ld(s1c, j), a10));
        st(s1c, j + 1, f64x2.add(ld(s1c, j + 1), a11));
        st(s1c, j + 2, f64x2.add(ld(s1c, j + 2), a12));
        st(s1c, j + 3, f64x2.add(ld(s1c, j + 3), a13));
        st(s2c, j, f64x2.add(ld(s2c, j), a20));
        st(s2c, j + 1, f64x2.add(ld(s2c, j + 1), a21));
        st(s2c, j + 2, f64x2.add(ld(s2c, j + 2), a22));
        st(s2c, j + 3, f64x2.add(ld(s2c, j + 3), a23));
      }
      for (; j < d; j++) {
        const sj = splat(s, j);
        let a1 = zero;
        let a2 = zero;
        for (let q = 0; q < m; q++) {
          const p = load<i32>(idx + (<usize>q << 2));
          const r = ld(rv, p * k + c);
          const df = f64x2.sub(ld(X + (<usize>((b + p) * d) << 4), j), sj);
          const rd = f64x2.mul(r, df);
          a1 = f64x2.add(a1, rd);
          a2 = madd(a2, rd, df);
        }
        st(s1c, j, f64x2.add(ld(s1c, j), a1));
        st(s2c, j, f64x2.add(ld(s2c, j), a2));
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Passes around one common shift s (the weighted data mean): tied and spherical.
// Tied: one factor F for all components, so z = F (x - s) is computed once per pair and the distance to
// component c is ||z - B_c||^2 with B_c = F (mu_c - s): d(d+1)/2 + 2d multiply-adds per pair and component
// instead of d(d+1)/2 per component. The scatter the tied M-step needs, sum_c sum_i r (x - s)(x - s)^T, is
// then sum_i v (x - s)(x - s)^T, which does not depend on the responsibilities: the caller computes it once
// per fit (dataMoments) and adds it to the statistics, so the pass accumulates only N and S1.
// Spherical: the scatter is one number per component, sum_i r ||x - mu_c||^2, and ||x - mu_c||^2 is the
// distance the density already computed; S1 is summed from x - s (one multiply-add per feature and
// component) and moved to the shift mu_c per block, S1_c(mu_c) = S1_c(s) - N_c (mu_c - s).

/** D[p] = x_p - s for the pairs of a block (the padding feature zeroed). */
function shifted(X: usize, b: i32, e: i32, d: i32, shift: usize, D: usize): void {
  const dp = padded(d);
  for (let p = 0; p < e - b; p++) {
    const xb = X + (<usize>((b + p) * d) << 4);
    const dr = D + (<usize>(p * dp) << 4);
    for (let i = 0; i < d; i++) st(dr, i, f64x2.sub(ld(xb, i), splat(shift, i)));
    if (dp != d) st(dr, d, f64x2.splat(0));
  }
}

function densitiesTied(
  b: i32, e: i32, d: i32, k: i32, B: usize, f: usize, logConst: usize, lp: usize, D: usize, Z: usize,
): void {
  const half = f64x2.splat(0.5);
  const nb = e - b;
  const dp = padded(d);
  // z = F D by 2x2 tiles (two pairs x two rows of F); pair q + 1 may be past the block (never stored).
  for (let q = 0; q < nb; q += 2) {
    const d0 = D + (<usize>(q * dp) << 4);
    const d1 = d0 + (<usize>dp << 4);
    const z0 = Z + (<usize>(q * dp) << 4);
    const z1 = z0 + (<usize>dp << 4);
    const both = q + 1 < nb;
    let row = f;
    let j = 0;
    for (; j + 1 < d; j += 2) {
      const row1 = row + (<usize>(j + 1) << 3);
      let a00 = f64x2.splat(0);
      let a01 = f64x2.splat(0);
      let a10 = f64x2.splat(0);
      let a11 = f64x2.splat(0);
      for (let i = 0; i <= j; i++) {
        const fa = splat(row, i);
        const fb = splat(row1, i);
        const x0 = ld(d0, i);
        const x1 = ld(d1, i);
        a00 = madd(a00, x0, fa);
        a01 = madd(a01, x0, fb);
        a10 = madd(a10, x1, fa);
        a11 = madd(a11, x1, fb);
      }
      const fl = splat(row1, j + 1);
      st(z0, j, a00);
      st(z0, j + 1, madd(a01, ld(d0, j + 1), fl));
      if (both) {
        st(z1, j, a10);
        st(z1, j + 1, madd(a11, ld(d1, j + 1), fl));
      }
      row = row1 + (<usize>(j + 2) << 3);
    }
    if (j < d) {
      let a0 = f64x2.splat(0);
      let a1 = f64x2.splat(0);
      for (let i = 0; i <= j; i++) {
        const fa = splat(row, i);
        a0 = madd(a0, ld(d0, i), fa);
        a1 = madd(a1, ld(d1, i), fa);
      }
      st(z0, j, a0);
      if (both) st(z1, j, a1);
    }
  }
  for (let c = 0; c < k; c++) {
    const bc = B + (<usize>(c * d) << 3);
    const lc = splat(logConst, c);
    for (let p = 0; p < nb; p++) {
      st(lp, p * k + c, f64x2.sub(lc, f64x2.mul(half, sqDist(Z + (<usize>(p * dp) << 4), bc, d))));
    }
  }
}

/**
 * Spherical densities from D = x - s (written here for the accumulation): ||x - mu_c||^2 = ||D||^2 - 2 D.M_c + ||M_c||^2 with M_c = mu_c - s
 * (mus: k*d f64, then ||M_c||^2 for each c), one multiply-add per feature; 4x2 tiles (four pairs, two
 * components). The caller keeps ||M_c||^2 g_c^2 small (passKind), which bounds the cancellation. dist[p][c]
 * is kept for the scatter. xx: BLOCK entries of scratch.
 */
function densitiesSpherical(
  X: usize, b: i32, e: i32, d: i32, k: i32, shift: usize, mus: usize, factors: usize, factorStride: usize,
  logConst: usize, lp: usize, dist: usize, D: usize, xx: usize,
): void {
  const nb = e - b;
  const dp = padded(d);
  const zero = f64x2.splat(0);
  // D = x - s and ||D||^2 per pair (the padding feature zeroed).
  for (let p = 0; p < nb; p++) {
    const xb = X + (<usize>((b + p) * d) << 4);
    const dr = D + (<usize>(p * dp) << 4);
    let q0 = zero;
    let q1 = zero;
    let j = 0;
    for (; j + 1 < d; j += 2) {
      const y0 = f64x2.sub(ld(xb, j), splat(shift, j));
      const y1 = f64x2.sub(ld(xb, j + 1), splat(shift, j + 1));
      st(dr, j, y0);
      st(dr, j + 1, y1);
      q0 = madd(q0, y0, y0);
      q1 = madd(q1, y1, y1);
    }
    if (j < d) {
      const y0 = f64x2.sub(ld(xb, j), splat(shift, j));
      st(dr, j, y0);
      st(dr, j + 1, zero);
      q0 = madd(q0, y0, y0);
    }
    st(xx, p, f64x2.add(q0, q1));
  }
  const mm = mus + (<usize>(k * d) << 3);
  const two = f64x2.splat(2.0);
  for (let c = 0; c < k; c += 2) {
    // Components c and c + 1 (c + 1 may be past k: c's values again, never stored).
    const c1 = c + 1 < k ? c + 1 : c;
    const m0 = mus + (<usize>(c * d) << 3);
    const m1 = mus + (<usize>(c1 * d) << 3);
    const g0 = ldf(factors + <usize>c * factorStride, 0);
    const g1 = ldf(factors + <usize>c1 * factorStride, 0);
    const h0 = f64x2.splat(0.5 * g0 * g0);
    const h1 = f64x2.splat(0.5 * g1 * g1);
    const n0 = splat(mm, c);
    const n1 = splat(mm, c1);
    const l0 = splat(logConst, c);
    const l1 = splat(logConst, c1);
    for (let q = 0; q < nb; q += 4) {
      // Pairs q .. q + 3 (past the block: stale scratch, never stored).
      const x0 = D + (<usize>(q * dp) << 4);
      const x1 = x0 + (<usize>dp << 4);
      const x2 = x1 + (<usize>dp << 4);
      const x3 = x2 + (<usize>dp << 4);
      let a00 = zero, a10 = zero, a20 = zero, a30 = zero;
      let a01 = zero, a11 = zero, a21 = zero, a31 = zero;
      for (let j = 0; j < d; j++) {
        const u0 = splat(m0, j);
        const u1 = splat(m1, j);
        const y0 = ld(x0, j);
        a00 = madd(a00, y0, u0);
        a01 = madd(a01, y0, u1);
        const y1 = ld(x1, j);
        a10 = madd(a10, y1, u0);
        a11 = madd(a11, y1, u1);
        const y2 = ld(x2, j);
        a20 = madd(a20, y2, u0);
        a21 = madd(a21, y2, u1);
        const y3 = ld(x3, j);
        a30 = madd(a30, y3, u0);
        a31 = madd(a31, y3, u1);
      }
      for (let t = 0; t < 4 && q + t < nb; t++) {
        const p = q + t;
        const a = t == 0 ? a00 : t == 1 ? a10 : t == 2 ? a20 : a30;
        const a1 = t == 0 ? a01 : t == 1 ? a11 : t == 2 ? a21 : a31;
        const base = ld(xx, p);
        const q0 = f64x2.sub(f64x2.add(base, n0), f64x2.mul(two, a));
        st(dist, p * k + c, q0);
        st(lp, p * k + c, f64x2.sub(l0, f64x2.mul(h0, q0)));
        if (c + 1 < k) {
          const q1 = f64x2.sub(f64x2.add(base, n1), f64x2.mul(two, a1));
          st(dist, p * k + c + 1, q1);
          st(lp, p * k + c + 1, f64x2.sub(l1, f64x2.mul(h1, q1)));
        }
      }
    }
  }
}

/**
 * N and S1 (from D = x - s) of a block, for the passes around a common shift. means != 0 (spherical: M_c =
 * mu_c - s): S1 is moved to the shifts mu_c and S2_c[0] += sum r dist. The pair past an odd block end is
 * never read.
 */
function accumulateShifted(
  b: i32, e: i32, d: i32, k: i32, shift: usize, means: usize, rv: usize, dist: usize, D: usize,
  S: usize, s2Stride: usize, idx: usize,
): void {
  const nb = e - b;
  const dp = padded(d);
  const N = S + 32;
  const S1 = N + (<usize>k << 4);
  const S2 = S1 + (<usize>(k * d) << 4);
  const zero = f64x2.splat(0);
  for (let c = 0; c < k; c++) {
    const s1c = S1 + (<usize>(c * d) << 4);
    let an = zero;
    let aq = zero;
    for (let p = 0; p < nb; p++) an = f64x2.add(an, ld(rv, p * k + c));
    if (means) {
      for (let p = 0; p < nb; p++) aq = madd(aq, ld(rv, p * k + c), ld(dist, p * k + c));
      const s2c = S2 + <usize>c * s2Stride;
      st(s2c, 0, f64x2.add(ld(s2c, 0), aq));
    }
    st(N, c, f64x2.add(ld(N, c), an));
    const mu = means + (<usize>(c * d) << 3);
    // The pairs with a responsibility, listed without branches (as in accumulate).
    let m = 0;
    for (let p = 0; p < nb; p++) {
      store<i32>(idx + (<usize>m << 2), p);
      m += <i32>v128.any_true(f64x2.ne(ld(rv, p * k + c), zero));
    }
    let j = 0;
    for (; j < d; j += 4) {
      // Four features (the padding feature is zero, a fourth past d is never stored).
      let a0 = zero, a1 = zero, a2 = zero, a3 = zero;
      for (let q = 0; q < m; q++) {
        const p = load<i32>(idx + (<usize>q << 2));
        const r = ld(rv, p * k + c);
        const dr = D + (<usize>(p * dp + j) << 4);
        a0 = madd(a0, r, ld(dr, 0));
        a1 = madd(a1, r, ld(dr, 1));
        a2 = madd(a2, r, ld(dr, 2));
        a3 = madd(a3, r, ld(dr, 3));
      }
      if (means) {
        a0 = f64x2.sub(a0, f64x2.mul(an, splat(mu, j)));
        if (j + 1 < d) a1 = f64x2.sub(a1, f64x2.mul(an, splat(mu, j + 1)));
        if (j + 2 < d) a2 = f64x2.sub(a2, f64x2.mul(an, splat(mu, j + 2)));
        if (j + 3 < d) a3 = f64x2.sub(a3, f64x2.mul(an, splat(mu, j + 3)));
      }
      st(s1c, j, f64x2.add(ld(s1c, j), a0));
      if (j + 1 < d) st(s1c, j + 1, f64x2.add(ld(s1c, j + 1), a1));
      if (j + 2 < d) st(s1c, j + 2, f64x2.add(ld(s1c, j + 2), a2));
      if (j + 3 < d) st(s1c, j + 3, f64x2.add(ld(s1c, j + 3), a3));
    }
  }
}

/**
 * Weighted moments of the data over the pairs [p0, p1) around `shift` (d f64), added into S in the layout of
 * the statistics with k = 1: V, N = sum v, S1 = sum v (x - s), S2 = sum v (x - s)(x - s)^T (packed upper
 * triangle; tri = 0: its diagonal only). The tied pass's scatter and the common shift come from here.
 */
export function dataMoments(tri: i32, X: usize, W: usize, p0: i32, p1: i32, d: i32, shift: usize, S: usize, scratch: usize): void {
  let V = f64x2.splat(0);
  for (let p = p0; p < p1; p++) V = f64x2.add(V, ld(W, p));
  const t = tri ? (d * (d + 1)) >> 1 : d;
  for (let b = p0; b < p1; b += BLOCK) {
    accumulate(tri != 0, X, W, b, min(b + BLOCK, p1), d, 1, shift, W + (<usize>b << 4), S, <usize>t << 4, scratch);
  }
  st(S, 1, f64x2.add(ld(S, 1), V));
}

/**
 * Full covariance at d = 1, 2: the statistics of a block summed in registers, every pair included (at this size
 * a branch on r = 0 costs more than the arithmetic it saves).
 */
function accumulateSmall(X: usize, b: i32, e: i32, d: i32, k: i32, shift: usize, rv: usize, S: usize): void {
  const nb = e - b;
  const N = S + 32;
  const S1 = N + (<usize>k << 4);
  const S2 = S1 + (<usize>(k * d) << 4);
  const zero = f64x2.splat(0);
  for (let c = 0; c < k; c++) {
    const s0 = splat(shift, c * d);
    const s1c = S1 + (<usize>(c * d) << 4);
    const s2c = S2 + (<usize>(c * tri(d)) << 4);
    let an = zero;
    let a0 = zero;
    let q00 = zero;
    if (d == 1) {
      for (let p = 0; p < nb; p++) {
        const r = ld(rv, p * k + c);
        const t0 = f64x2.sub(ld(X, b + p), s0);
        const u0 = f64x2.mul(r, t0);
        an = f64x2.add(an, r);
        a0 = f64x2.add(a0, u0);
        q00 = madd(q00, u0, t0);
      }
    } else {
      const s1 = splat(shift, c * d + 1);
      let a1 = zero;
      let q01 = zero;
      let q11 = zero;
      for (let p = 0; p < nb; p++) {
        const r = ld(rv, p * k + c);
        const xb = X + (<usize>((b + p) * 2) << 4);
        const t0 = f64x2.sub(ld(xb, 0), s0);
        const t1 = f64x2.sub(ld(xb, 1), s1);
        const u0 = f64x2.mul(r, t0);
        const u1 = f64x2.mul(r, t1);
        an = f64x2.add(an, r);
        a0 = f64x2.add(a0, u0);
        a1 = f64x2.add(a1, u1);
        q00 = madd(q00, u0, t0);
        q01 = madd(q01, u0, t1);
        q11 = madd(q11, u1, t1);
      }
      st(s1c, 1, f64x2.add(ld(s1c, 1), a1));
      st(s2c, 1, f64x2.add(ld(s2c, 1), q01));
      st(s2c, 2, f64x2.add(ld(s2c, 2), q11));
    }
    st(N, c, f64x2.add(ld(N, c), an));
    st(s1c, 0, f64x2.add(ld(s1c, 0), a0));
    st(s2c, 0, f64x2.add(ld(s2c, 0), q00));
  }
}

/**
 * One EM pass (the map) over the pairs [p0, p1): adds L, V, N, S1, S2 into the statistics at S.
 * kind: 0 = full/tied (triangular factors), 1 = diag/spherical, 2 = tied around the common shift (means =
 * B_c = F (mu_c - s), k*d f64; S2 left to the caller), 3 = spherical around the common shift (means = M_c =
 * mu_c - s, k*d f64, then ||M_c||^2 for each c; S2_c[0] only).
 * factorStride and s2Stride are in bytes (0 for tied: one shared factor and one shared scatter). scratch:
 * scratchBytes(d, k) bytes. shift: s (d f64) for kinds 2 and 3.
 */
export function pass(
  kind: i32, X: usize, W: usize, p0: i32, p1: i32, d: i32, k: i32, means: usize, factors: usize,
  factorStride: usize, logConst: usize, S: usize, s2Stride: usize, scratch: usize, shift: usize,
): void {
  const isTri = kind == 0;
  const lp = scratch;
  const dist = lp + (<usize>(BLOCK * k) << 4);
  const rest = dist + (<usize>(BLOCK * k) << 4);
  const idx = rest + (<usize>(2 * BLOCK * padded(d) + d + 8) << 4); // after D, Z (tied) / RD, A1 (accumulate)
  let L = f64x2.splat(0);
  let V = f64x2.splat(0);
  for (let b = p0; b < p1; b += BLOCK) {
    const e = min(b + BLOCK, p1);
    if (kind == 2) {
      shifted(X, b, e, d, shift, rest);
      densitiesTied(b, e, d, k, means, factors, logConst, lp, rest, rest + (<usize>(BLOCK * padded(d)) << 4));
    } else if (kind == 3) {
      densitiesSpherical(X, b, e, d, k, shift, means, factors, factorStride, logConst, lp, dist, rest,
        rest + (<usize>(BLOCK * padded(d)) << 4));
    } else {
      densities(isTri, X, b, e, d, k, means, factors, factorStride, logConst, lp, rest);
    }
    let lb = f64x2.splat(0);
    let vb = f64x2.splat(0);
    for (let p = b; p < e; p++) {
      const row = lp + (<usize>((p - b) * k) << 4);
      const w = ld(W, p);
      const ln = normalizeRow(row, k, w, logConst + (<usize>k << 3), idx + (<usize>(BLOCK >> 2) << 4));
      // A zero weight (the padding lane) contributes nothing, even where its log-density is not finite.
      lb = f64x2.add(lb, v128.and(f64x2.mul(w, ln), f64x2.ne(w, f64x2.splat(0))));
      vb = f64x2.add(vb, w);
    }
    L = f64x2.add(L, lb);
    V = f64x2.add(V, vb);
    if (kind == 2) {
      accumulateShifted(b, e, d, k, shift, 0, lp, dist, rest, S, s2Stride, idx);
    } else if (kind == 3) {
      accumulateShifted(b, e, d, k, shift, means, lp, dist, rest, S, s2Stride, idx);
    } else {
      accumulate(isTri, X, W, b, e, d, k, means, lp, S, s2Stride, rest);
    }
  }
  st(S, 0, f64x2.add(ld(S, 0), L));
  st(S, 1, f64x2.add(ld(S, 1), V));
}

/**
 * Statistics from given responsibilities (initialisation): rv holds (p1 - p0) * k f64x2 entries r_pc for the
 * pairs [p0, p1), which are multiplied by the sample weights here. Adds N, S1, S2 (around `shift`) and V into S.
 */
export function accumulateResp(
  kind: i32, X: usize, W: usize, p0: i32, p1: i32, d: i32, k: i32, shift: usize, rv: usize,
  S: usize, s2Stride: usize, scratch: usize,
): void {
  const isTri = kind == 0;
  let V = f64x2.splat(0);
  for (let p = p0; p < p1; p++) {
    const w = ld(W, p);
    V = f64x2.add(V, w);
    const row = rv + (<usize>((p - p0) * k) << 4);
    for (let c = 0; c < k; c++) st(row, c, f64x2.mul(ld(row, c), w));
  }
  for (let b = p0; b < p1; b += BLOCK) {
    const e = min(b + BLOCK, p1);
    accumulate(isTri, X, W, b, e, d, k, shift, rv + (<usize>((b - p0) * k) << 4), S, s2Stride, scratch);
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
      const ln = normalizeRow(row, k, f64x2.splat(1.0), 0, rest);
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

/**
 * log w_c - d/2 log(2 pi) + sum_j log U_c[j][j] for every component (kind as in `pass`) at logConst[c], and the
 * pass's flush thresholds at logConst[k + c]: max(log w_c - 50, -708). A responsibility below w_c e^-50
 * (relative to the sample's most likely component) is taken as 0: summed over all samples such terms add less
 * than e^-50 N_c ~ 2e-22 N_c to a component's statistics (N_c as of the previous M-step), far below rounding.
 */
export function logConstants(
  kind: i32, d: i32, k: i32, weights: usize, factors: usize, factorStride: usize, logConst: usize,
): void {
  for (let c = 0; c < k; c++) {
    const f = factors + <usize>c * factorStride;
    let logDet: f64 = 0;
    for (let j = 0; j < d; j++) logDet += Math.log(kind == 0 ? ldf(f, tri(j) + j) : ldf(f, j));
    const lw = Math.log(ldf(weights, c));
    stf(logConst, c, lw - 0.5 * <f64>d * LOG_2PI + logDet);
    stf(logConst, k + c, lw - 50.0 > -708.0 ? lw - 50.0 : -708.0);
  }
}

/** Upper triangle of the d x d row-major C from a packed scatter block (lanes summed). */
function unpackScatter(C: usize, d: i32, s2: usize): void {
  let idx = 0;
  for (let i = 0; i < d; i++) {
    for (let j = i; j < d; j++) stf(C, i * d + j, sumLanes(ld(s2, idx++)));
  }
}

/**
 * Re-centres a scatter taken around s onto the new mean s + delta (upper triangle):
 * C -= S1 delta^T + delta S1^T - N delta delta^T.
 */
function recentre(C: usize, d: i32, s1: usize, delta: usize, n: f64): void {
  for (let i = 0; i < d; i++) {
    const a = sumLanes(ld(s1, i));
    const di = ldf(delta, i);
    for (let j = i; j < d; j++) {
      const dj = ldf(delta, j);
      stf(C, i * d + j, ldf(C, i * d + j) - a * dj - di * sumLanes(ld(s1, j)) + n * di * dj);
    }
  }
}

/** C / n + reg on the diagonal, mirrored into the lower triangle. */
function finishCovariance(C: usize, d: i32, n: f64, reg: f64): void {
  for (let i = 0; i < d; i++) {
    for (let j = i; j < d; j++) {
      let v = ldf(C, i * d + j) / n;
      if (i == j) v += reg;
      stf(C, i * d + j, v);
      stf(C, j * d + i, v);
    }
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
  const fwork = work + (<usize>d << 3); // d*d for the Cholesky factor
  // Tied: one scatter summed over components, re-centred per component below.
  if (type == 1) unpackScatter(cov, d, S2);
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
      const cc = cov + (<usize>(c * d * d) << 3);
      unpackScatter(cc, d, S2 + (<usize>(c * t) << 4));
      recentre(cc, d, s1c, delta, nc);
      finishCovariance(cc, d, np, regCovar);
      if (!factorFromCovariance(cc, d, factors + (<usize>(c * t) << 3), fwork)) return c;
    } else if (type == 1) {
      recentre(cov, d, s1c, delta, nc);
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
    finishCovariance(cov, d, total, regCovar);
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
 * cluster into sums/counts, writes the weighted inertia at counts[k], and returns how many labels changed.
 */
export function kmeansAssign(
  X: usize, W: usize, nPairs: i32, d: i32, k: i32, centers: usize, labels: usize, sums: usize, counts: usize,
): i32 {
  let inertia: f64 = 0;
  let changed = 0;
  for (let p = 0; p < nPairs; p += 2) {
    // Two pairs (the second clamped to the first at an odd end) against two centers at a time (the second
    // clamped to the last): four independent chains. The running minimum and its center are kept in lanes;
    // strict < keeps the first center on ties.
    const q = p + 1 < nPairs ? p + 1 : p;
    const x0 = X + (<usize>(p * d) << 4);
    const x1 = X + (<usize>(q * d) << 4);
    let best0 = f64x2.splat(Infinity);
    let best1 = f64x2.splat(Infinity);
    let arg0 = f64x2.splat(0);
    let arg1 = f64x2.splat(0);
    for (let c = 0; c < k; c += 2) {
      const c1 = c + 1 < k ? c + 1 : c;
      const ca = centers + (<usize>(c * d) << 3);
      const cb = centers + (<usize>(c1 * d) << 3);
      let s0a = f64x2.splat(0);
      let s0b = f64x2.splat(0);
      let s1a = f64x2.splat(0);
      let s1b = f64x2.splat(0);
      for (let j = 0; j < d; j++) {
        const ma = splat(ca, j);
        const mb = splat(cb, j);
        const y0 = ld(x0, j);
        const y1 = ld(x1, j);
        const t0a = f64x2.sub(y0, ma);
        const t0b = f64x2.sub(y0, mb);
        const t1a = f64x2.sub(y1, ma);
        const t1b = f64x2.sub(y1, mb);
        s0a = madd(s0a, t0a, t0a);
        s0b = madd(s0b, t0b, t0b);
        s1a = madd(s1a, t1a, t1a);
        s1b = madd(s1b, t1b, t1b);
      }
      const ia = f64x2.splat(<f64>c);
      const ib = f64x2.splat(<f64>c1);
      let m = f64x2.lt(s0a, best0);
      best0 = v128.bitselect(s0a, best0, m);
      arg0 = v128.bitselect(ia, arg0, m);
      m = f64x2.lt(s0b, best0);
      best0 = v128.bitselect(s0b, best0, m);
      arg0 = v128.bitselect(ib, arg0, m);
      m = f64x2.lt(s1a, best1);
      best1 = v128.bitselect(s1a, best1, m);
      arg1 = v128.bitselect(ia, arg1, m);
      m = f64x2.lt(s1b, best1);
      best1 = v128.bitselect(s1b, best1, m);
      arg1 = v128.bitselect(ib, arg1, m);
    }
    changed += assignPair(X, W, p, d, labels, sums, counts, best0, arg0);
    inertia += sumLanes(f64x2.mul(best0, ld(W, p)));
    if (q != p) {
      changed += assignPair(X, W, q, d, labels, sums, counts, best1, arg1);
      inertia += sumLanes(f64x2.mul(best1, ld(W, q)));
    }
  }
  stf(counts, k, inertia);
  return changed;
}

/** Stores the labels of pair p, adds its samples to their clusters' sums and weights; returns changed labels. */
@inline function assignPair(
  X: usize, W: usize, p: i32, d: i32, labels: usize, sums: usize, counts: usize, best: v128, arg: v128,
): i32 {
  const c0 = <i32>f64x2.extract_lane(arg, 0);
  const c1 = <i32>f64x2.extract_lane(arg, 1);
  const w = ld(W, p);
  const w0 = f64x2.extract_lane(w, 0);
  const w1 = f64x2.extract_lane(w, 1);
  const l0 = labels + (<usize>(p << 1) << 2);
  let changed = 0;
  if (load<i32>(l0) != c0) changed++;
  if (load<i32>(l0, 4) != c1) changed++;
  store<i32>(l0, c0);
  store<i32>(l0, c1, 4);
  stf(counts, c0, ldf(counts, c0) + w0);
  stf(counts, c1, ldf(counts, c1) + w1);
  const xb = X + (<usize>(p * d) << 4);
  const s0 = sums + (<usize>(c0 * d) << 3);
  const s1 = sums + (<usize>(c1 * d) << 3);
  for (let j = 0; j < d; j++) {
    const x = ld(xb, j);
    stf(s0, j, ldf(s0, j) + w0 * f64x2.extract_lane(x, 0));
    stf(s1, j, ldf(s1, j) + w1 * f64x2.extract_lane(x, 1));
  }
  return changed;
}

/**
 * k-means++ helper: for the center c (d f64), computes min(dist[i], ||x_i - c||^2) per sample (dist: f64
 * per sample). With update = 1 it writes the minimum into dist; it returns the weighted sum of the minima
 * (the potential), which is what the seeding compares between candidates.
 */
export function kmeansClosest(X: usize, W: usize, nPairs: i32, d: i32, center: usize, dist: usize, update: i32): f64 {
  return sumLanes(closestRange(X, W, 0, nPairs, d, center, dist, update));
}

/**
 * k-means++ trials: the potential of each of the t candidate centers (t*d f64 at cands), as kmeansClosest
 * with update = 0, written to pots (t f64). The data are read once, block by block, for all candidates.
 */
export function kmeansTrials(X: usize, W: usize, nPairs: i32, d: i32, cands: usize, t: i32, dist: usize, pots: usize): void {
  for (let i = 0; i < t; i++) stf(pots, i, 0);
  for (let b = 0; b < nPairs; b += BLOCK) {
    const e = min(b + BLOCK, nPairs);
    for (let i = 0; i < t; i++) {
      stf(pots, i, ldf(pots, i) + sumLanes(closestRange(X, W, b, e, d, cands + (<usize>(i * d) << 3), dist, 0)));
    }
  }
}

/** min(dist, ||x - center||^2) over the pairs [p0, p1) (written to dist when update), weighted sum per lane. */
@inline function closestRange(X: usize, W: usize, p0: i32, p1: i32, d: i32, center: usize, dist: usize, update: i32): v128 {
  let pot0 = f64x2.splat(0);
  let pot1 = f64x2.splat(0);
  let p = p0;
  for (; p + 1 < p1; p += 2) {
    // Two pairs: two independent sums (each in two chains) in flight.
    const x0 = X + (<usize>(p * d) << 4);
    const q0 = f64x2.min(sqDist(x0, center, d), ld(dist, p));
    const q1 = f64x2.min(sqDist(x0 + (<usize>d << 4), center, d), ld(dist, p + 1));
    if (update) {
      st(dist, p, q0);
      st(dist, p + 1, q1);
    }
    pot0 = madd(pot0, q0, ld(W, p));
    pot1 = madd(pot1, q1, ld(W, p + 1));
  }
  if (p < p1) {
    const m = f64x2.min(sqDist(X + (<usize>(p * d) << 4), center, d), ld(dist, p));
    if (update) st(dist, p, m);
    pot0 = madd(pot0, m, ld(W, p));
  }
  return f64x2.add(pot0, pot1);
}
