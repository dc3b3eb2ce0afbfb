// ---------------------------------------------------------------------------------------------------------
// Loading the data: row-major values (copied into linear memory as they come) into the pair layout.

/**
 * Rows [0, n) of the row-major n×d values at src into the pair layout at dst (sample 2p + lane, feature j at
 * f64 (p·d + j)·2 + lane; an odd last sample is repeated in the empty lane). Returns the largest absolute value,
 * or −1 when some value is not finite (the caller then finds and names it), and writes it at `out` too (a
 * worker thread's answer) unless `out` is 0.
 */
export function pairsFromRows(src: usize, n: i32, d: i32, dst: usize, out: usize): f64 {
  // Two features of both rows per step: (u_j, u_j+1) and (v_j, v_j+1) become (u_j, v_j) and (u_j+1, v_j+1).
  // Finiteness: v − v is 0 for every finite v and NaN otherwise, so the sums stay 0 only if all are finite.
  // Magnitude: pmax is one instruction (it passes NaN over, which the sums catch). Separate accumulators for
  // the two rows keep the dependency chains short.
  let badU = f64x2.splat(0);
  let badV = f64x2.splat(0);
  let bigU = f64x2.splat(0);
  let bigV = f64x2.splat(0);
  const d2 = d & ~1;
  for (let i = 0; i < n; i += 2) {
    const a = src + (<usize>(i * d) << 3);
    const b = i + 1 < n ? a + (<usize>d << 3) : a;
    const o = dst + (<usize>(i * d) << 3);
    let j = 0;
    for (; j < d2; j += 2) {
      const x = v128.load(a + (<usize>j << 3));
      const y = v128.load(b + (<usize>j << 3));
      v128.store(o + (<usize>j << 4), v128.shuffle<f64>(x, y, 0, 2));
      v128.store(o + (<usize>j << 4), v128.shuffle<f64>(x, y, 1, 3), 16);
      badU = f64x2.add(badU, f64x2.sub(x, x));
      badV = f64x2.add(badV, f64x2.sub(y, y));
      bigU = f64x2.pmax(bigU, f64x2.abs(x));
      bigV = f64x2.pmax(bigV, f64x2.abs(y));
    }
    if (j < d) {
      const x = f64x2.replace_lane(f64x2.splat(load<f64>(a + (<usize>j << 3))), 1, load<f64>(b + (<usize>j << 3)));
      v128.store(o + (<usize>j << 4), x);
      badU = f64x2.add(badU, f64x2.sub(x, x));
      bigU = f64x2.pmax(bigU, f64x2.abs(x));
    }
  }
  const bad = f64x2.add(badU, badV);
  const big = f64x2.pmax(bigU, bigV);
  const r =
    f64x2.extract_lane(bad, 0) + f64x2.extract_lane(bad, 1) == 0
      ? max(f64x2.extract_lane(big, 0), f64x2.extract_lane(big, 1))
      : -1;
  if (out != 0) store<f64>(out, r);
  return r;
}
