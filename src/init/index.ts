/**
 * Initialisation (scikit-learn's `_initialize_parameters`): responsibilities from k-means labels, k-means++
 * seeds, random rows or random samples, turned into the first parameters by one M-step, then the explicit
 * weightsInit, meansInit and precisionsInit over them. Responsibilities are produced chunk by chunk into the
 * workspace, so no n×k matrix is ever held.
 */
import { COVARIANCE_MODELS } from "../covariance.js";
import { checkAborted, yieldIfDue } from "../engine/cancel.js";
import type { Workspace } from "../engine/workspace.js";
import { GaussMixError } from "../errors.js";
import type { ResolvedOptions } from "../options.js";
import { Random } from "../rng.js";
import type { CovarianceType } from "../types.js";
import { STATS_NK, STATS_WEIGHT, TEN_EPS } from "../wasm/abi.js";
import { kmeans, kmeansPlusPlus, kmeansRegions } from "./kmeans.js";

export { kmeansAuxBytes } from "./kmeans.js";

/** k-means runs compared by the likelihood of the mixture they start (see `initialize`). */
const KMEANS_CANDIDATES = 3;

/** Writes the responsibilities of the pairs [p0, p1) at rv[at + ((p − p0)·k + c)·2 + lane]. */
export type Fill = (p0: number, p1: number, rv: Float64Array, at: number) => void;

function oneHot(label: (i: number) => number, n: number, k: number): Fill {
  return (p0, p1, rv, at) => {
    rv.fill(0, at, at + (p1 - p0) * k * 2);
    for (let p = p0; p < p1; p++) {
      for (let lane = 0; lane < 2; lane++) {
        const i = 2 * p + lane;
        const c = i < n ? label(i) : -1;
        if (c >= 0) rv[at + ((p - p0) * k + c) * 2 + lane] = 1;
      }
    }
  };
}

/** The responsibilities an initialisation method gives, as a chunked fill (k-means honours `o.signal`). */
export async function initialResponsibilities(
  ws: Workspace,
  o: Pick<ResolvedOptions, "initParams" | "signal">,
  rng: Random,
): Promise<Fill> {
  const { n, k } = ws;
  switch (o.initParams) {
    case "auto": // the search (auto.ts) falls back to k-means on all data when none of its starts is usable
    case "hc":
    case "kmeans": {
      const { labels } = await kmeans(ws, rng, o.signal);
      return oneHot((i) => labels[i], n, k);
    }
    case "k-means++":
    case "random_from_data": {
      const seeds =
        o.initParams === "k-means++" ? await kmeansPlusPlus(ws, kmeansRegions(ws), rng, o.signal) : rng.choice(n, k);
      const at = new Map(seeds.map((i, c) => [i, c]));
      return oneHot((i) => at.get(i) ?? -1, n, k);
    }
    case "random": {
      // Uniform rows normalised to 1 (scikit-learn's "random"); the same rows on every call of the fill.
      const start = new Random(rng.nextUint32());
      let next = start.clone();
      let nextPair = 0;
      return (p0, p1, rv, at) => {
        if (p0 < nextPair) {
          next = start.clone();
          nextPair = 0;
        }
        for (let p = nextPair; p < p1; p++) {
          for (let lane = 0; lane < 2; lane++) {
            const i = 2 * p + lane;
            let s = 0;
            for (let c = 0; c < k; c++) {
              const u = i < n ? next.random() : 1;
              if (p >= p0) rv[at + ((p - p0) * k + c) * 2 + lane] = u;
              s += u;
            }
            if (p >= p0) for (let c = 0; c < k; c++) rv[at + ((p - p0) * k + c) * 2 + lane] /= s;
          }
        }
        nextPair = p1;
      };
    }
  }
}

export function needsKmeansMemory(o: Pick<ResolvedOptions, "initParams">): boolean {
  return o.initParams === "kmeans" || o.initParams === "k-means++";
}

/**
 * First parameters: responsibilities from the init method and one M-step, then the explicit inits over them.
 * The signal (`o.signal`) is honoured between the steps and inside k-means.
 */
export async function initialize(
  ws: Workspace,
  o: ResolvedOptions,
  rng: Random,
  meansInit: Float64Array | undefined,
  precisions: Float64Array[] | undefined,
): Promise<void> {
  checkAborted(o.signal);
  const _f = () => ws.engine.f64;
  if (!(o.weightsInit && meansInit && precisions)) {
    // k-means is run from several seedings and the labelling whose first mixture explains the data best (the
    // highest likelihood after one M-step) is kept: k-means often has a few local optima, and the mixture's
    // likelihood, not the k-means inertia, is what the fit is judged by.
    const candidates = o.initParams === "kmeans" ? KMEANS_CANDIDATES : 1;
    let best: { fill: Fill; lb: number } | undefined;
    let firstError: unknown;
    for (let r = 0; r < candidates; r++) {
      await yieldIfDue(o.signal);
      const fill = await initialResponsibilities(ws, o, rng);
      if (candidates === 1) {
        paramsFromResponsibilities(ws, fill, o.regCovar);
        break;
      }
      try {
        paramsFromResponsibilities(ws, fill, o.regCovar);
      } catch (e) {
        firstError ??= e;
        continue;
      }
      await yieldIfDue(o.signal);
      const lb = ws.pass();
      if (!best || lb > best.lb) best = { fill, lb };
    }
    if (candidates > 1) {
      if (!best) throw firstError;
      paramsFromResponsibilities(ws, best.fill, o.regCovar);
    }
  }
  writeExplicitInit(ws, o.weightsInit, meansInit, precisions);
}

/**
 * The explicit initial parameters that are given (weights, means, precisions split per component) written
 * over those in `ws`, then the per-component constants.
 */
export function writeExplicitInit(
  ws: Workspace,
  weightsInit: ArrayLike<number> | undefined,
  meansInit: Float64Array | undefined,
  precisions: Float64Array[] | undefined,
): void {
  const f = ws.engine.f64; // setPrecisions may grow nothing: the view stays valid
  if (weightsInit) f.set(weightsInit, ws.ptr.weights >>> 3);
  if (meansInit) f.set(meansInit, ws.ptr.means >>> 3);
  if (precisions) ws.setPrecisions(precisions);
  ws.updateLogConstants();
}

/**
 * precisionsInit split per component (or shared, tied) and checked (see checkPrecisions); undefined when not
 * given.
 */
export function precisionsInitOf(
  type: CovarianceType,
  precisionsInit: unknown,
  d: number,
  k: number,
): Float64Array[] | undefined {
  if (precisionsInit === undefined) return undefined;
  const precisions = COVARIANCE_MODELS[type].splitPrecisions(precisionsInit as never, d, k);
  if (typeof precisions === "string") {
    throw new GaussMixError("INVALID_INIT", `precisionsInit must be ${precisions} for covarianceType "${type}"`);
  }
  checkPrecisions(precisions, type, d);
  return precisions;
}

/**
 * The M-step from responsibilities (`fill` writes them chunk by chunk). Statistics are taken around a shift:
 * first the weighted data mean, then the means this gives, so that clusters far from the overall mean lose no
 * precision. The parameters' per-component constants are left to the caller.
 */
export function mstepFromResponsibilities(ws: Workspace, fill: Fill, regCovar: number): void {
  const { d, k } = ws;
  const mean = ws.dataMean();
  for (let c = 0; c < k; c++) ws.engine.f64.set(mean, (ws.ptr.means >>> 3) + c * d);
  for (let round = 0; round < 2; round++) {
    ws.statsFromResp(fill);
    ws.mstep(regCovar);
  }
}

/** Weights, means, covariances and factors from responsibilities by one M-step (scikit-learn's `_initialize`). */
function paramsFromResponsibilities(ws: Workspace, fill: Fill, regCovar: number): void {
  const k = ws.k;
  mstepFromResponsibilities(ws, fill, regCovar);
  const f = ws.engine.f64;
  // scikit-learn's initial weights are nk / nSamples (not renormalised after adding 10·eps).
  const V = ws.stat(STATS_WEIGHT);
  for (let c = 0; c < k; c++) f[(ws.ptr.weights >>> 3) + c] = (ws.stat(STATS_NK + c) + TEN_EPS) / V;
  ws.updateLogConstants();
}

/**
 * Checks precisionsInit once split per component (or shared): matrices (full, tied) symmetric as scikit-learn's
 * `allclose(P, Pᵀ)`, vectors (diag, spherical) finite and positive. Positive definiteness is found when the
 * factors are computed (Workspace.setPrecisions).
 */
export function checkPrecisions(
  precisions: Float64Array[],
  type: CovarianceType,
  d: number,
  name = "precisionsInit",
): void {
  precisions.forEach((p, c) => {
    if (type === "full" || type === "tied") {
      if (!isSymmetric(p, d)) {
        throw new GaussMixError("INVALID_INIT", `${name}${type === "tied" ? "" : `[${c}]`} is not symmetric`);
      }
    } else {
      for (let j = 0; j < d; j++) {
        const v = p[j];
        if (!(Number.isFinite(v) && v > 0)) {
          throw new GaussMixError(
            "INVALID_INIT",
            `${name}${`[${c}]`}${d > 1 && type === "diag" ? `[${j}]` : ""} is ${v}; precisions must be finite and > 0`,
          );
        }
      }
    }
  });
}

/** scikit-learn's `allclose(P, Pᵀ)`. */
function isSymmetric(p: Float64Array, d: number): boolean {
  for (let i = 0; i < d; i++) {
    for (let j = i + 1; j < d; j++) {
      const a = p[i * d + j];
      const b = p[j * d + i];
      if (!Number.isFinite(a) || !(Math.abs(a - b) <= 1e-8 + 1e-5 * Math.abs(b))) return false;
    }
  }
  for (let i = 0; i < d; i++) if (!Number.isFinite(p[i * d + i])) return false;
  return true;
}
