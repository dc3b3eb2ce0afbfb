
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

import { padded, statsNkAt, statsS1At, statsS2At } from "./layout";
import { ld, ldf, madd, splat, sqDist, st } from "./simd";

/** D[p] = x_p - s for the pairs of a block (the padding feature zeroed). */
export function shifted(X: usize, b: i32, e: i32, d: i32, shift: usize, D: usize): void {
  const dp = padded(d);
  for (let p = 0; p < e - b; p++) {
    const xb = X + (<usize>((b + p) * d) << 4);
    const dr = D + (<usize>(p * dp) << 4);
    for (let i = 0; i < d; i++) st(dr, i, f64x2.sub(ld(xb, i), splat(shift, i)));
    if (dp != d) st(dr, d, f64x2.splat(0));
  }
}

export function densitiesTied(
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
 * components). The caller keeps ||M_c||^2 g_c^2 small (CommonShift.preparePass, src/engine/common-shift.ts),
 * which bounds the cancellation. dist[p][c] is kept for the scatter. xx: BLOCK entries of scratch.
 */
export function densitiesSpherical(
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
export function accumulateShifted(
  b: i32, e: i32, d: i32, k: i32, shift: usize, means: usize, rv: usize, dist: usize, D: usize,
  S: usize, s2Stride: usize, idx: usize,
): void {
  const nb = e - b;
  const dp = padded(d);
  const N = statsNkAt(S);
  const S1 = statsS1At(S, k);
  const S2 = statsS2At(S, d, k);
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
