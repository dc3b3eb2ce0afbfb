// ---------------------------------------------------------------------------------------------------------
// Loading the data: row-major values (copied into linear memory as they come) into the pair layout.

/**
 * Rows [0, n) of the row-major n×d values at src into the pair layout at dst (sample 2p + lane, feature j at
 * f64 (p·d + j)·2 + lane; an odd last sample is repeated in the empty lane). Returns the largest absolute value,
 * or −1 when some value is not finite (the caller then finds and names it), and writes it at `out` too (a
 * worker thread's answer) unless `out` is 0.
 */
export function pairsFromRows(src: usize, n: i32, d: i32, dst: usize, out: usize): f64 {
  let big: f64 = 0;
  let bad: f64 = 0; // v − v is 0 for every finite v and NaN otherwise: the sum stays 0 only if all are finite
  for (let i = 0; i < n; i += 2) {
    const a = src + (<usize>(i * d) << 3);
    const b = i + 1 < n ? a + (<usize>d << 3) : a;
    const out = dst + (<usize>(i * d) << 3);
    for (let j = 0; j < d; j++) {
      const u = load<f64>(a + (<usize>j << 3));
      const v = load<f64>(b + (<usize>j << 3));
      store<f64>(out + (<usize>j << 4), u);
      store<f64>(out + (<usize>j << 4), v, 8);
      bad += u - u + (v - v);
      big = max(big, max(abs(u), abs(v)));
    }
  }
  const r = bad == 0 ? big : -1;
  if (out != 0) store<f64>(out, r);
  return r;
}
