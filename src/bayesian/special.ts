/**
 * The special functions of the variational bounds: log Γ, ψ (digamma) and log B. Each shifts its argument
 * up by the recurrence until the asymptotic (Stirling / de Moivre) series converges to double precision, so
 * the absolute error is a few ulps of the result's scale for every positive argument (the lower bound sums
 * hundreds of them, and only absolute error matters there).
 */

const HALF_LOG_2PI = 0.9189385332046727; // ½·ln 2π
/** Below this the series are not yet accurate to double precision: shift up first. */
const SHIFT_TO = 10;

/** ln Γ(x) for x > 0 (NaN otherwise). */
export function gammaln(x: number): number {
  if (!(x > 0)) return x === 0 ? Infinity : NaN;
  let shift = 0;
  if (x < SHIFT_TO) {
    // ln Γ(x) = ln Γ(x + m) − ln(x (x+1) … (x+m−1)); the product stays far from overflow for m ≤ 10.
    let p = 1;
    while (x < SHIFT_TO) {
      p *= x;
      x += 1;
    }
    shift = Math.log(p);
  }
  const r = 1 / x;
  const r2 = r * r;
  // Stirling's series Σ B₂ⱼ / (2j(2j−1) x²ʲ⁻¹), j = 1…8 (the next term is below 1e-18 at x ≥ 10).
  const series =
    r *
    (1 / 12 -
      r2 *
        (1 / 360 -
          r2 *
            (1 / 1260 -
              r2 * (1 / 1680 - r2 * (1 / 1188 - r2 * (691 / 360360 - r2 * (1 / 156 - r2 * (3617 / 122400))))))));
  return (x - 0.5) * Math.log(x) - x + HALF_LOG_2PI + series - shift;
}

/** ψ(x) = d/dx ln Γ(x) for x > 0 (NaN otherwise). */
export function digamma(x: number): number {
  if (!(x > 0)) return x === 0 ? -Infinity : NaN;
  let shift = 0;
  while (x < SHIFT_TO) {
    shift += 1 / x; // ψ(x) = ψ(x + 1) − 1/x
    x += 1;
  }
  const r = 1 / x;
  const r2 = r * r;
  // ln x − 1/(2x) − Σ B₂ⱼ / (2j x²ʲ), j = 1…8 (the next term is below 1e-18 at x ≥ 10).
  const series =
    r2 *
    (1 / 12 -
      r2 *
        (1 / 120 -
          r2 * (1 / 252 - r2 * (1 / 240 - r2 * (1 / 132 - r2 * (691 / 32760 - r2 * (1 / 12 - r2 * (3617 / 8160))))))));
  return Math.log(x) - 0.5 * r - series - shift;
}

/** ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b). */
export function betaln(a: number, b: number): number {
  return gammaln(a) + gammaln(b) - gammaln(a + b);
}
