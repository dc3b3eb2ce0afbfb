// Small f64x2 helpers over linear memory: loads, stores, splats, multiply-add, lane sums.

@inline export function sumLanes(v: v128): f64 {
  return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
}

@inline export function ld(p: usize, i: i32): v128 {
  return v128.load(p + (<usize>i << 4));
}

@inline export function st(p: usize, i: i32, v: v128): void {
  v128.store(p + (<usize>i << 4), v);
}

@inline export function ldf(p: usize, i: i32): f64 {
  return load<f64>(p + (<usize>i << 3));
}

@inline export function stf(p: usize, i: i32, v: f64): void {
  store<f64>(p + (<usize>i << 3), v);
}

@inline export function splat(p: usize, i: i32): v128 {
  return v128.load64_splat(p + (<usize>i << 3));
}

/**
 * acc + a * b. The relaxed-SIMD build (`--enable relaxed-simd`) fuses it into one instruction where the CPU has
 * FMA (one rounding instead of two, half the instructions on the hot tiles); the baseline build, which every
 * SIMD runtime validates, multiplies then adds. Every multiply-add of the kernels goes through here.
 */
@inline export function madd(acc: v128, a: v128, b: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f64x2.relaxed_madd(a, b, acc);
  return f64x2.add(acc, f64x2.mul(a, b));
}

/** ||x - m||^2 for one pair (x: d f64x2, m: d f64 splatted), summed in two chains (even and odd features). */
@inline export function sqDist(x: usize, m: usize, d: i32): v128 {
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
