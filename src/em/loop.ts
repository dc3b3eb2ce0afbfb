/**
 * The iteration loop of one initialisation, written once for both estimators (scikit-learn's semantics: see
 * docs/design.md). The maximum-likelihood and the variational fits run the same engine pass; they differ only
 * in what follows it, the `IterationStep`: GaussianMixture's M-step kernel (the lower bound is the pass's mean
 * log-likelihood), or BayesianGaussianMixture's variational updates (the lower bound is its ELBO, computed
 * after the M-step).
 */
import { checkAborted, raceAbort, yieldIfDue } from "../engine/cancel.js";
import type { Workspace } from "../engine/workspace.js";
import { GaussMixError, MAX_SQUARABLE, tooLargeToSquare } from "../errors.js";
import type { IterationInfo } from "../types.js";

/** What an estimator does after each pass. */
export interface IterationStep {
  /**
   * The M-step from the statistics of the pass just made (the engine's parameters and per-component constants
   * are left ready for the next pass); returns the iteration's lower bound. `passBound`: the pass's weighted
   * mean log-likelihood.
   */
  mstep(passBound: number): number;
  /** The parameters after the M-step, for `onIteration` (copies, scikit-learn's shapes). */
  parameters(): Pick<IterationInfo, "weights" | "means" | "covariances">;
}

export interface LoopControl {
  readonly maxIter: number;
  readonly tol: number;
  /** 0-based index of the initialisation (for `onIteration`). */
  readonly init: number;
  /** The lower bound the run starts from: a warm start's, else −Infinity. */
  readonly start: number;
  readonly onIteration?: (info: IterationInfo) => boolean | void | Promise<boolean | void>;
  readonly signal?: AbortSignal;
}

export interface LoopRun {
  /** The lower bound of the last iteration. */
  lowerBound: number;
  lowerBounds: number[];
  converged: boolean;
  nIter: number;
}

/** Iterates pass → step until the lower bound changes by less than `tol` or `maxIter` passes were made. */
export async function iterate(ws: Workspace, step: IterationStep, c: LoopControl): Promise<LoopRun> {
  let lb = c.start;
  const lowerBounds: number[] = [];
  let converged = false;
  let nIter = 0;
  for (let iter = 1; iter <= c.maxIter; iter++) {
    // Time-based: a turn of the event loop every few tens of milliseconds, whatever onIteration does.
    await yieldIfDue(c.signal);
    const prev = lb;
    const passBound = await ws.passAsync();
    if (!Number.isFinite(passBound)) throw nonFiniteBound(passBound, iter, ws.maxAbs);
    lb = step.mstep(passBound);
    lowerBounds.push(lb);
    nIter = iter;
    const change = lb - prev;
    // Abort wins over a callback whose promise never settles.
    const r = c.onIteration
      ? await raceAbort(
          c.onIteration({ iteration: iter, init: c.init, lowerBound: lb, change, ...step.parameters() }),
          c.signal,
        )
      : undefined;
    checkAborted(c.signal);
    if (Math.abs(change) < c.tol) {
      converged = true;
      break;
    }
    if (r === false) break;
  }
  return { lowerBound: lb, lowerBounds, converged, nIter };
}

/**
 * The error for a pass whose log-likelihood is not finite: data too large to square (maxAbs, the largest
 * magnitude loaded), else samples of zero density under every component.
 */
export function nonFiniteBound(lb: number, iter: number, maxAbs = 0): GaussMixError {
  if (maxAbs > MAX_SQUARABLE) return tooLargeToSquare(maxAbs, "the data");
  return new GaussMixError(
    "ILL_DEFINED_COVARIANCE",
    `The log-likelihood became ${lb} at iteration ${iter}: some samples have zero density under every ` +
      "component in floating point. Scale the input data (e.g. standardise each feature) or increase regCovar.",
  );
}
