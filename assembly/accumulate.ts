
// ---------------------------------------------------------------------------------------------------------
// Accumulation of the sufficient statistics of one block from weighted responsibilities rv[p][c] = v_p r_pc.
// Block sums are added to the totals: the two-level sum keeps rounding error small for large n.

import { BLOCK, padded, statsNkAt, statsS1At, statsS2At, tri, upper } from "./layout";
import { ld, madd, splat, st } from "./simd";

export function accumulate(
  isTri: bool, X: usize, W: usize, b: i32, e: i32, d: i32, k: i32, shift: usize, rv: usize,
  S: usize, s2Stride: usize, scratch: usize,
): void {
  const nb = e - b;
  const dp = padded(d);
  const D = scratch;
  const RD = D + (<usize>(BLOCK * dp) << 4);
  const N = statsNkAt(S);
  const S1 = statsS1At(S, k);
  const S2 = statsS2At(S, d, k);
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
      // 2x4 tiles (rows i, i + 1; columns j .. j + 3): eight independent multiply-add chains, enough to keep
      // a fused multiply-add busy through its latency (a 2x2 tile's four chains leave it half idle). Columns
      // past d read the padding or the next row (scratch either way) and are not stored.
      for (let i = 0; i < d; i += 2) {
        for (let j = i; j < d; j += 4) {
          let a00 = zero;
          let a01 = zero;
          let a02 = zero;
          let a03 = zero;
          let a10 = zero;
          let a11 = zero;
          let a12 = zero;
          let a13 = zero;
          let rr = RD;
          let dr = D;
          for (let p = 0; p < m; p++) {
            const r0 = ld(rr, i);
            const r1 = ld(rr, i + 1);
            const x0 = ld(dr, j);
            a00 = madd(a00, r0, x0);
            a10 = madd(a10, r1, x0);
            const x1 = ld(dr, j + 1);
            a01 = madd(a01, r0, x1);
            a11 = madd(a11, r1, x1);
            const x2 = ld(dr, j + 2);
            a02 = madd(a02, r0, x2);
            a12 = madd(a12, r1, x2);
            const x3 = ld(dr, j + 3);
            a03 = madd(a03, r0, x3);
            a13 = madd(a13, r1, x3);
            rr += <usize>dp << 4;
            dr += <usize>dp << 4;
          }
          // The upper triangle only (row <= column < d): the diagonal tile skips (i + 1, i).
          addUpper(s2c, i, j, d, a00);
          addUpper(s2c, i, j + 1, d, a01);
          addUpper(s2c, i, j + 2, d, a02);
          addUpper(s2c, i, j + 3, d, a03);
          addUpper(s2c, i + 1, j, d, a10);
          addUpper(s2c, i + 1, j + 1, d, a11);
          addUpper(s2c, i + 1, j + 2, d, a12);
          addUpper(s2c, i + 1, j + 3, d, a13);
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

/**
 * Full covariance at d = 1, 2: the statistics of a block summed in registers, every pair included (at this size
 * a branch on r = 0 costs more than the arithmetic it saves).
 */
export function accumulateSmall(X: usize, b: i32, e: i32, d: i32, k: i32, shift: usize, rv: usize, S: usize): void {
  const nb = e - b;
  const N = statsNkAt(S);
  const S1 = statsS1At(S, k);
  const S2 = statsS2At(S, d, k);
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

/** S2[(row, col)] += a where (row, col) is in the packed upper triangle of a d x d matrix (row <= col < d). */
@inline function addUpper(s2c: usize, row: i32, col: i32, d: i32, a: v128): void {
  if (row <= col && col < d) {
    const idx = upper(row, col, d);
    st(s2c, idx, f64x2.add(ld(s2c, idx), a));
  }
}
