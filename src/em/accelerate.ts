/**
 * EM accelerated by SQUAREM (Varadhan & Roland 2008, scheme S3) with a monotone fallback (scikit-learn's plain
 * loop is em/loop.ts). EM converges linearly, and slowly where the likelihood is flat along some direction (two
 * overlapping components trading weight, a tied covariance turning): there every step gains less than `tol`
 * and plain EM stops far from the optimum. SQUAREM takes two EM steps θ₁ = M(θ₀), θ₂ = M(θ₁), extrapolates
 * along them, θ' = θ₀ − 2α·r + α²·v with r = θ₁ − θ₀, v = θ₂ − 2θ₁ + θ₀, α = −‖r‖/‖v‖, and takes one EM step
 * from θ'. The extrapolation is kept only when θ' is a valid mixture (weights > 0, covariances positive
 * definite) whose log-likelihood is at least that of θ₁; otherwise the fit continues from θ₂. So the
 * log-likelihoods of the accepted iterates never decrease, and convergence is judged on a whole cycle's gain,
 * which on a plateau is the extrapolated one, not one EM step's.
 */
import type { Params } from "../engine/types.js";
import type { Workspace } from "../engine/workspace.js";

export interface EmControl {
  readonly maxIter: number;
  readonly tol: number;
  readonly regCovar: number;
  /** Log-likelihood the run starts from (a warm start's), else −Infinity. */
  readonly start?: number;
  /**
   * Called after each accepted iterate with its pass's lower bound and the change from the previous accepted
   * one (the new parameters are in the workspace); `false` stops the run. May be async.
   */
  readonly onIterate?: (
    iteration: number,
    lowerBound: number,
    change: number,
  ) => boolean | void | Promise<boolean | void>;
}

export interface EmRun {
  /** The lower bound of the last accepted pass (the parameters in the workspace are one M-step newer). */
  lowerBound: number;
  /** One per accepted iterate: a non-decreasing curve (up to rounding) when accelerated. */
  lowerBounds: number[];
  converged: boolean;
  /** Passes over the data made (each bounded by `maxIter`). */
  nIter: number;
}

/** The pass (threaded when the workspace has a pool) or throw the not-finite log-likelihood error. */
export type PassFn = () => number | Promise<number>;

/** Largest step: beyond it the extrapolation is cut back (SQUAREM's step-length safeguard). */
const MAX_STEP = 64;

/**
 * EM from the parameters in `ws` with SQUAREM acceleration. `pass` evaluates the current parameters (E-step and
 * statistics, returning the mean log-likelihood); the M-step is `ws.mstep`.
 */
export async function squarem(ws: Workspace, pass: PassFn, c: EmControl): Promise<EmRun> {
  const lowerBounds: number[] = [];
  let prev = c.start ?? -Infinity;
  let passes = 0;
  let converged = false;
  let lb = prev;
  let stepMax = 4; // grows by 4× while the steps are accepted at the cap
  /** Consecutive plain EM iterates before the one now in the workspace, with the lower bound of each's pass. */
  let chain: { params: Params; lb: number }[] = [];
  // Parameter copies are recycled: at most θ₀, θ₁, θ₂ and the next iterate are held at once, so the loop
  // allocates a few copies in its first iterations and none after.
  const spare: Params[] = [];
  const read = () => {
    const p = spare.pop();
    return p ? ws.readParamsInto(p) : ws.readParams();
  };
  /** Records an accepted iterate; returns true when the run must stop (callback said so, or converged). */
  const accept = async (value: number): Promise<boolean> => {
    const change = value - prev;
    lowerBounds.push(value);
    lb = value;
    prev = value;
    const n = lowerBounds.length;
    const before = n >= 3 ? lowerBounds[n - 3] : n === 2 ? (c.start ?? -Infinity) : NaN;
    const stop = c.onIterate ? (await c.onIterate(n, value, change)) === false : false;
    if (n >= 2 && remainingGain(before, lowerBounds[n - 2], value) < c.tol) converged = true;
    return stop || converged;
  };
  while (passes < c.maxIter) {
    const theta = read();
    const l = await pass();
    passes++;
    ws.mstep(c.regCovar);
    if (await accept(l)) break;
    chain.push({ params: theta, lb: l });
    if (chain.length < 2) continue;
    // θ₀, θ₁ (chain) and θ₂ (workspace): extrapolate only where EM is slow (a step gains at least a fifth of
    // the one before); fast convergence needs no help and would pay an extra pass.
    const [a, b] = chain;
    const n = lowerBounds.length;
    const step = n >= 2 ? lowerBounds[n - 1] - lowerBounds[n - 2] : 0;
    const before = n >= 3 ? lowerBounds[n - 2] - lowerBounds[n - 3] : 0;
    // Only while EM climbs: with a large regCovar the EM map is not the likelihood's ascent (its steps may go
    // down), and a likelihood-guarded extrapolation would pull away from its fixed point.
    // And only while a step gains more than rounding does (1e-9 of the value): at convergence the comparisons
    // below would be decided by the order of summation (threads, chunking), not by the data.
    const climbing = step > 1e-9 * Math.abs(lowerBounds[n - 1]) && before > 0;
    const rate = climbing ? step / before : 0;
    if (!(rate >= 0.2) || passes >= c.maxIter) {
      spare.push(a.params);
      chain = [b];
      continue;
    }
    chain = [];
    const theta2 = read();
    spare.push(a.params, b.params, theta2); // free again once this iteration ends (nothing below keeps them)
    let alpha = stepLength(a.params, b.params, theta2);
    if (!(alpha < -1)) continue;
    alpha = Math.max(alpha, -stepMax);
    // Cut the step back towards θ₂ until θ' is a valid mixture.
    let ok = false;
    for (let t = 0; t < 6 && alpha < -1; t++) {
      if (writeExtrapolated(ws, a.params, b.params, theta2, alpha)) {
        ok = true;
        break;
      }
      alpha = (alpha - 1) / 2;
    }
    if (!ok) {
      ws.writeParams(theta2);
      continue;
    }
    let lx: number;
    try {
      lx = await pass();
    } catch {
      lx = -Infinity; // a non-finite extrapolation: rejected below
    }
    passes++;
    let stepped = false;
    if (lx >= b.lb && Number.isFinite(lx)) {
      try {
        ws.mstep(c.regCovar);
        stepped = true;
      } catch {
        stepped = false;
      }
    }
    if (stepped) {
      if (alpha <= -stepMax) stepMax = Math.min(stepMax * 4, MAX_STEP);
      if (await accept(lx)) break;
    } else {
      // Rejected: back to θ₂ (EM's own step, which never decreases the likelihood), and a shorter step next time.
      ws.writeParams(theta2);
      stepMax = Math.max(2, stepMax / 4);
    }
  }
  return { lowerBound: lb, lowerBounds, converged, nIter: passes };
}

/**
 * Aitken's estimate of the gain still to come after three consecutive EM log-likelihoods a, b, c: with the
 * rate λ = (c − b)/(b − a), a linearly converging sequence gains (c − b)·λ/(1 − λ) more; returned with the last
 * step's own gain, (c − b)/(1 − λ). A first step (a = −∞) gives c − b, scikit-learn's test; a rate ≥ 1 (not yet
 * converging linearly) gives Infinity.
 */
export function remainingGain(a: number, b: number, c: number): number {
  const step = c - b;
  const before = b - a;
  if (!Number.isFinite(before)) return Math.abs(step);
  const rate = before !== 0 ? step / before : 0;
  if (rate >= 1) return Infinity;
  if (rate <= 0) return Math.abs(step);
  return Math.abs(step) / (1 - rate);
}

/** SQUAREM's S3 step length −‖r‖/‖v‖ over weights, means and covariances. */
function stepLength(p0: Params, p1: Params, p2: Params): number {
  let rr = 0;
  let vv = 0;
  const add = (a: Float64Array, b: Float64Array, c: Float64Array) => {
    for (let i = 0; i < a.length; i++) {
      const r = b[i] - a[i];
      const v = c[i] - 2 * b[i] + a[i];
      rr += r * r;
      vv += v * v;
    }
  };
  add(p0.weights, p1.weights, p2.weights);
  add(p0.means, p1.means, p2.means);
  add(p0.cov, p1.cov, p2.cov);
  if (!(vv > 0)) return -1;
  return -Math.sqrt(rr / vv);
}

/**
 * Writes θ' = θ₀ − 2α·r + α²·v into the workspace with its precision factors; false (nothing usable written)
 * when a weight is not positive or a covariance is not positive definite.
 */
function writeExtrapolated(ws: Workspace, p0: Params, p1: Params, p2: Params, alpha: number): boolean {
  const ext = (a: Float64Array, b: Float64Array, c: Float64Array) => {
    const out = new Float64Array(a.length);
    for (let i = 0; i < a.length; i++) {
      const r = b[i] - a[i];
      const v = c[i] - 2 * b[i] + a[i];
      out[i] = a[i] - 2 * alpha * r + alpha * alpha * v;
    }
    return out;
  };
  const weights = ext(p0.weights, p1.weights, p2.weights);
  let sum = 0;
  for (const w of weights) {
    if (!(w > 0)) return false;
    sum += w;
  }
  for (let c = 0; c < weights.length; c++) weights[c] /= sum;
  const means = ext(p0.means, p1.means, p2.means);
  const cov = ext(p0.cov, p1.cov, p2.cov);
  const factors = ws.factorsFromCovariances(cov);
  if (!factors) return false;
  ws.writeParams({ weights, means, cov, factors });
  return true;
}
