// Vector exp and log on f64x2 (table-driven exp, fdlibm-style log).

import { ld, madd, st } from "./simd";

/** 2^(j/32), j = 0..31, for the table-driven exp below. */
export const EXP2_TABLE: StaticArray<f64> = [
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
@inline export function expv(x: v128): v128 {
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
@inline export function logv(x: v128): v128 {
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
