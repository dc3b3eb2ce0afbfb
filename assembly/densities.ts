
// ---------------------------------------------------------------------------------------------------------
// Densities: lp[p][c] = logConst_c - ||F_c (x_p - mu_c)||^2 / 2 for the pairs [b, e) of a block.
// Full/tied use 4x2 register tiles (four pairs x two rows of F): each load feeds two multiply-adds and eight
// independent chains hide the adder's latency.

import { padded } from "./layout";
import { ld, madd, splat, st } from "./simd";

export function densities(
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
