/**
 * The Bayesian estimator (scikit-learn's `BayesianGaussianMixture`): variational inference on the same
 * engine pass as GaussianMixture. The E-step is the pass with the variational constants (E[log π_c],
 * E[log |Λ_c|], −d/(2β_c)) in place of the log-weights and log-determinants; the M-step turns the pass's
 * statistics into the posterior in TypeScript (O(k·d²)); the lower bound needs no n×k matrix either.
 */
import { sampleWeights } from "../data.js";
import { Workspace } from "../engine/workspace.js";
import { type IterationStep, iterate } from "../em/loop.js";
import { GaussMixError } from "../errors.js";
import { fitData, openFit } from "../em/fit-setup.js";
import { type Fill, initialResponsibilities, kmeansAuxBytes, needsKmeansMemory } from "../init/index.js";
import { resolveBayesianOptions, type ResolvedBayesianOptions, resolveFitOptions } from "../options.js";
import { Random } from "../rng.js";
import type { BayesianGaussianMixtureOptions, DataInput, FitOptions } from "../types.js";
import { familyOf, KernelFamily, STATS_LOGLIK, statsLayout, TEN_EPS } from "../wasm/abi.js";
import { FittedBayesianGaussianMixture } from "./model.js";
import { resolvePriors } from "./priors.js";
import { expectedWeights } from "./expectations.js";
import { allocatePosterior, copyPosterior, type Posterior, type Statistics } from "./posterior.js";
import { VariationalUpdates } from "./variational.js";

/** k-means runs compared by the lower bound of the posterior they start (see `initialize`). */
const KMEANS_CANDIDATES = 3;

export class BayesianGaussianMixture {
  /** The validated options, defaults filled in (the data-dependent priors are resolved at fit time). */
  readonly options: ResolvedBayesianOptions;
  private last?: FittedBayesianGaussianMixture;

  /** Validates the options at once; a bad option throws a GaussMixError of code INVALID_OPTION. */
  constructor(options: BayesianGaussianMixtureOptions = {}) {
    this.options = resolveBayesianOptions(options);
  }

  /** The model of the last fit (used by `warmStart`), if any. */
  get model(): FittedBayesianGaussianMixture | undefined {
    return this.last;
  }

  /**
   * Fits the variational posterior to X (n × d). Resolves to the fitted model; the estimator keeps it for
   * `warmStart`.
   */
  async fit(X: DataInput, options: FitOptions = {}): Promise<FittedBayesianGaussianMixture> {
    return (await this.run(X, options, false)).model;
  }

  /** Fits, then labels X with the final parameters (scikit-learn's `fit_predict`). */
  async fitPredict(
    X: DataInput,
    options: FitOptions = {},
  ): Promise<{ model: FittedBayesianGaussianMixture; labels: Int32Array }> {
    const { model, labels } = await this.run(X, options, true);
    return { model, labels: labels! };
  }

  private async run(
    X: DataInput,
    fitOptions: FitOptions,
    wantLabels: boolean,
    respInit?: ArrayLike<ArrayLike<number>>,
  ) {
    const o = this.options;
    const warm = o.warmStart ? this.last : undefined;
    const data = fitData(X, o.nComponents, o.signal, warm);
    const { n, d } = data;
    const k = o.nComponents;
    // Raw weights: with priors, the weights' scale counts (integer weights are repeated rows).
    const weights = sampleWeights(resolveFitOptions(fitOptions).sampleWeight, n);
    const triangular = familyOf(o.covarianceType) === KernelFamily.triangular;
    const aux = !warm && !respInit && needsKmeansMemory(o) ? kmeansAuxBytes(n, d, k) : 0;
    const { engine, ws, pool, release } = await openFit(o.covarianceType, data, weights, k, o, aux, wantLabels);
    let done = false;
    try {
      const priors = resolvePriors(o, d, () => ws.dataScatter(triangular));
      const vu = new VariationalUpdates(o.covarianceType, d, k, priors, o.regCovar);
      const rng = new Random(o.randomState);
      const nInit = warm || respInit ? 1 : o.nInit;
      let best:
        | { post: Posterior; lowerBound: number; lowerBounds: number[]; converged: boolean; nIter: number }
        | undefined;
      for (let init = 0; init < nInit; init++) {
        let post: Posterior;
        if (warm) post = copyPosterior(warm.posterior);
        else {
          post = respInit ? initialPosterior(ws, vu, fillFrom(respInit, n, k)) : await initialize(ws, vu, o, rng);
        }
        const run = await this.variational(ws, vu, post, init, warm ? warm.lowerBound : -Infinity);
        if (!best || run.lowerBound > best.lowerBound) best = { ...run, post: copyPosterior(run.post) };
      }
      const b = best!;
      let labels: Int32Array | undefined;
      if (wantLabels) {
        writePosterior(ws, vu, b.post, new Float64Array(2 * k));
        ws.labels(ws.ptr.aux);
        labels = engine.i32.slice(ws.ptr.aux >>> 2, (ws.ptr.aux >>> 2) + n);
      }
      const model = new FittedBayesianGaussianMixture(o.covarianceType, k, d, b.post, priors, {
        ...b,
        threads: 1 + (pool?.workers ?? 0),
      });
      this.last = model;
      done = true;
      return { model, labels };
    } finally {
      release(done);
    }
  }

  /**
   * The variational loop of one initialisation: the shared loop (scikit-learn's semantics) with the variational
   * step after each pass: the entropy of the responsibilities from the pass's statistics, the M-step, then the
   * lower bound of the new posterior (scikit-learn computes it after the M-step).
   */
  private async variational(ws: Workspace, vu: VariationalUpdates, post: Posterior, init: number, start: number) {
    const { d, k } = ws;
    const st = vu.allocateStatistics();
    const logConst = new Float64Array(2 * k);
    writePosterior(ws, vu, post, logConst);
    const step: IterationStep = {
      mstep: () => {
        readStatistics(ws, st);
        const rLogR = vu.responsibilityEntropyTerm(st, ws.stat(STATS_LOGLIK), logConst, post);
        vu.mstep(st, post); // in place: the pass's parameters are no longer needed
        writePosterior(ws, vu, post, logConst); // for the next pass
        return vu.lowerBound(post, rLogR);
      },
      parameters: () => ({
        weights: Array.from(expectedWeights(vu.priors.weightConcentrationPriorType, post.weightConcentration, k)),
        means: Array.from({ length: k }, (_, c) => Array.from(post.means.subarray(c * d, (c + 1) * d))),
        covariances: ws.model.covariances(post.cov, d, k),
      }),
    };
    const run = await iterate(ws, step, { ...this.options, init, start });
    return { ...run, post };
  }
}

/**
 * @internal For the reference fixtures: a fit whose initial responsibilities are given (n rows of k), as
 * scikit-learn's `_initialize(X, resp)`.
 */
export function fitFromResponsibilities(
  estimator: BayesianGaussianMixture,
  X: DataInput,
  resp: ArrayLike<ArrayLike<number>>,
  options: FitOptions = {},
): Promise<FittedBayesianGaussianMixture> {
  // biome-ignore lint/complexity/useLiteralKeys: the one caller outside the class of its private run()
  return estimator["run"](X, options, false, resp).then((r) => r.model);
}

/** The engine's means, factors and per-component constants (into `logConst` too) from the posterior. */
function writePosterior(ws: Workspace, vu: VariationalUpdates, post: Posterior, logConst: Float64Array): void {
  const f = ws.engine.f64;
  vu.logConstants(post, logConst);
  f.set(post.means, ws.ptr.means >>> 3);
  f.set(post.factors, ws.ptr.factors >>> 3);
  f.set(logConst, ws.ptr.logConst >>> 3);
}

/** The statistics of block 0 with their lanes summed, and the shifts they were taken around, into `st`. */
function readStatistics(ws: Workspace, st: Statistics): Statistics {
  const { d, k } = ws;
  const f = ws.engine.f64;
  const base = ws.ptr.stats >>> 3;
  const lanes = (i: number) => f[base + 2 * i] + f[base + 2 * i + 1];
  const at = statsLayout(ws.type, d, k);
  for (let c = 0; c < k; c++) st.N[c] = lanes(at.nk + c);
  for (let i = 0; i < k * d; i++) st.S1[i] = lanes(at.s1 + i);
  for (let i = 0; i < st.S2.length; i++) st.S2[i] = lanes(at.s2 + i);
  const shift = ws.statsShift >>> 3;
  st.shift.set(f.subarray(shift, shift + k * d));
  return st;
}

/**
 * The first posterior from responsibilities (scikit-learn's `_initialize`): statistics around the data mean
 * give the component means, statistics around those (no precision lost to far clusters) the M-step.
 */
function initialPosterior(ws: Workspace, vu: VariationalUpdates, fill: Fill): Posterior {
  const { d, k, ptr } = ws;
  const mean = ws.dataMean();
  const f = () => ws.engine.f64;
  for (let c = 0; c < k; c++) f().set(mean, (ptr.means >>> 3) + c * d);
  ws.statsFromResp(fill);
  const xk = new Float64Array(k * d);
  const at = statsLayout(ws.type, d, k);
  for (let c = 0; c < k; c++) {
    const nk = ws.stat(at.nk + c) + TEN_EPS;
    for (let j = 0; j < d; j++) xk[c * d + j] = mean[j] + ws.stat(at.s1 + c * d + j) / nk;
  }
  f().set(xk, ptr.means >>> 3);
  ws.statsFromResp(fill);
  const post = allocatePosterior(ws.type, d, k, vu.priors.weightConcentrationPriorType);
  vu.mstep(readStatistics(ws, vu.allocateStatistics()), post);
  return post;
}

/**
 * The first posterior of a restart. k-means is run from several seedings and the labelling whose posterior
 * has the highest lower bound after one variational iteration is kept (as GaussianMixture judges its k-means
 * starts by the mixture's likelihood): k-means often has a few local optima, and the bound, not the k-means
 * inertia, is what the fit is judged by.
 */
async function initialize(
  ws: Workspace,
  vu: VariationalUpdates,
  o: ResolvedBayesianOptions,
  rng: Random,
): Promise<Posterior> {
  const candidates = o.initParams === "kmeans" ? KMEANS_CANDIDATES : 1;
  if (candidates === 1) return initialPosterior(ws, vu, await initialResponsibilities(ws, o, rng));
  const st = vu.allocateStatistics();
  const logConst = new Float64Array(2 * ws.k);
  const next = allocatePosterior(ws.type, ws.d, ws.k, vu.priors.weightConcentrationPriorType);
  let best: { post: Posterior; lb: number } | undefined;
  let firstError: unknown;
  for (let r = 0; r < candidates; r++) {
    let lb: number;
    let post: Posterior;
    try {
      post = initialPosterior(ws, vu, await initialResponsibilities(ws, o, rng));
      writePosterior(ws, vu, post, logConst);
      ws.pass();
      readStatistics(ws, st);
      const rLogR = vu.responsibilityEntropyTerm(st, ws.stat(STATS_LOGLIK), logConst, post);
      vu.mstep(st, next);
      lb = vu.lowerBound(next, rLogR);
    } catch (e) {
      firstError ??= e;
      continue;
    }
    if (!best || lb > best.lb) best = { post, lb };
  }
  if (!best) throw firstError;
  return best.post;
}

/** Responsibilities given as n rows of k, as the chunked fill the workspace takes. */
function fillFrom(resp: ArrayLike<ArrayLike<number>>, n: number, k: number): Fill {
  if (resp.length !== n)
    throw new GaussMixError("INVALID_INIT", `responsibilities must have ${n} rows, got ${resp.length}`);
  return (p0, p1, rv, at) => {
    for (let p = p0; p < p1; p++) {
      for (let lane = 0; lane < 2; lane++) {
        const i = 2 * p + lane;
        for (let c = 0; c < k; c++) rv[at + ((p - p0) * k + c) * 2 + lane] = i < n ? Number(resp[i][c]) : 0;
      }
    }
  };
}
