// Pass drivers: the block loop of one EM pass, statistics from given responsibilities, per-sample outputs.

import { accumulate } from "./accumulate";
import { accumulateShifted, densitiesSpherical, densitiesTied, shifted } from "./common-shift";
import { densities } from "./densities";
import {
  BLOCK, entry, FAMILY_TRIANGULAR, padded, PASS_SPHERICAL_SHIFTED, PASS_TIED_SHIFTED, PASS_TRIANGULAR, scratchDist,
  scratchIndex, scratchRows, scratchRowTmp, STATS_LOGLIK, STATS_WEIGHT,
} from "./layout";
import { ld, splat, st, stf } from "./simd";
import { expv, logv } from "./vmath";

/**
 * Log-sum-exp of one row of k log-probabilities (two lanes): turns the row into responsibilities times w
 * in place and returns log p(x) per lane. A row that is -Infinity everywhere (a point no component can
 * explain in floating point) gives NaN, which the caller reports.
 * cut: 0, or k per-component thresholds (logConstants): a component whose log-probability is below the row's
 * largest by more than its threshold in both lanes gets responsibility 0 without an exp. With cut = 0 the
 * threshold is -708, where exp flushes to 0 anyway.
 */
@inline export function normalizeRow(row: usize, k: i32, w: v128, cut: usize, tmp: usize): v128 {
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
  st(S, STATS_WEIGHT, f64x2.add(ld(S, STATS_WEIGHT), V));
}

/**
 * One EM pass (the map) over the pairs [p0, p1): adds L, V, N, S1, S2 into the statistics at S.
 * variant: PASS_TRIANGULAR (full/tied), PASS_DIAGONAL (diag/spherical), PASS_TIED_SHIFTED (around the common
 * shift: means = B_c = F (mu_c - s), k*d f64; S2 left to the caller), PASS_SPHERICAL_SHIFTED (around the common
 * shift: means = M_c = mu_c - s, k*d f64, then ||M_c||^2 for each c; S2_c[0] only).
 * factorStride and s2Stride are in bytes (0 for tied: one shared factor and one shared scatter). scratch:
 * scratchBytes(d, k) bytes. shift: s (d f64) for kinds 2 and 3.
 */
export function pass(
  variant: i32, X: usize, W: usize, p0: i32, p1: i32, d: i32, k: i32, means: usize, factors: usize,
  factorStride: usize, logConst: usize, S: usize, s2Stride: usize, scratch: usize, shift: usize,
): void {
  const isTri = variant == PASS_TRIANGULAR;
  const lp = scratch;
  const dist = entry(scratch, scratchDist(k));
  const rest = entry(scratch, scratchRows(k));
  const idx = entry(scratch, scratchIndex(d, k));
  let L = f64x2.splat(0);
  let V = f64x2.splat(0);
  for (let b = p0; b < p1; b += BLOCK) {
    const e = min(b + BLOCK, p1);
    if (variant == PASS_TIED_SHIFTED) {
      shifted(X, b, e, d, shift, rest);
      densitiesTied(b, e, d, k, means, factors, logConst, lp, rest, rest + (<usize>(BLOCK * padded(d)) << 4));
    } else if (variant == PASS_SPHERICAL_SHIFTED) {
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
      const ln = normalizeRow(row, k, w, logConst + (<usize>k << 3), entry(idx, scratchRowTmp(d, k) - scratchIndex(d, k)));
      // A zero weight (the padding lane) contributes nothing, even where its log-density is not finite.
      lb = f64x2.add(lb, v128.and(f64x2.mul(w, ln), f64x2.ne(w, f64x2.splat(0))));
      vb = f64x2.add(vb, w);
    }
    L = f64x2.add(L, lb);
    V = f64x2.add(V, vb);
    if (variant == PASS_TIED_SHIFTED) {
      accumulateShifted(b, e, d, k, shift, 0, lp, dist, rest, S, s2Stride, idx);
    } else if (variant == PASS_SPHERICAL_SHIFTED) {
      accumulateShifted(b, e, d, k, shift, means, lp, dist, rest, S, s2Stride, idx);
    } else {
      accumulate(isTri, X, W, b, e, d, k, means, lp, S, s2Stride, rest);
    }
  }
  st(S, STATS_LOGLIK, f64x2.add(ld(S, STATS_LOGLIK), L));
  st(S, STATS_WEIGHT, f64x2.add(ld(S, STATS_WEIGHT), V));
}

/**
 * Statistics from given responsibilities (initialisation): rv holds (p1 - p0) * k f64x2 entries r_pc for the
 * pairs [p0, p1), which are multiplied by the sample weights here. Adds N, S1, S2 (around `shift`) and V into S.
 */
export function accumulateResp(
  family: i32, X: usize, W: usize, p0: i32, p1: i32, d: i32, k: i32, shift: usize, rv: usize,
  S: usize, s2Stride: usize, scratch: usize,
): void {
  const isTri = family == FAMILY_TRIANGULAR;
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
  st(S, STATS_WEIGHT, f64x2.add(ld(S, STATS_WEIGHT), V));
}

/**
 * Per-sample outputs for the pairs [p0, p1) (predict & co). Each output pointer may be 0 to skip it:
 * logNorm (f64 per sample: log p(x)), resp (f64 n x k, row-major), labels (i32 per sample: argmax of the
 * weighted log-probabilities, first on ties). Sample index = 2p + lane.
 */
export function estimate(
  family: i32, X: usize, p0: i32, p1: i32, d: i32, k: i32, means: usize, factors: usize,
  factorStride: usize, logConst: usize, logNorm: usize, resp: usize, labels: usize, scratch: usize,
): void {
  const isTri = family == FAMILY_TRIANGULAR;
  const lp = scratch;
  const rest = entry(scratch, scratchDist(k));
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
