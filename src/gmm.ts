import { fitWeights } from "./data.js";
import { GaussMixError } from "./errors.js";
import { initialize, kmeansAuxBytes, needsKmeansMemory, precisionsInitOf, writeExplicitInit } from "./init/index.js";
import { type AnyFittedGaussianMixture, FittedGaussianMixture } from "./model.js";
import { checkMeansInit, resolveFitOptions, resolveOptions, type ResolvedOptions } from "./options.js";
import { Random } from "./rng.js";
import type { CovarianceType, DataInput, FitOptions, GaussianMixtureOptions, Matrix } from "./types.js";
import { type IterationStep, iterate, nonFiniteBound } from "./em/loop.js";
import { fitData, openFit } from "./em/fit-setup.js";
import type { Params } from "./engine/types.js";
import { Workspace } from "./engine/workspace.js";
import { checkAborted, raceAbort, yieldIfDue } from "./engine/cancel.js";
import { squarem } from "./em/accelerate.js";
import { autoInitialize, type SearchContext } from "./init/auto.js";
import { relativeRegScale } from "./regularization.js";
export class GaussianMixture<T extends CovarianceType = "full"> {
  /** The validated options, defaults filled in. */
  readonly options: ResolvedOptions;
  private last?: FittedGaussianMixture;

  /** Validates the options at once; a bad option throws a GaussMixError of code INVALID_OPTION / INVALID_INIT. */
  constructor(options: GaussianMixtureOptions<T> = {}) {
    this.options = resolveOptions(options as GaussianMixtureOptions<any>); // T only narrows the types
  }

  /** The model of the last fit (used by `warmStart`), if any. */
  get model(): AnyFittedGaussianMixture<T> | undefined {
    return this.last as AnyFittedGaussianMixture<T> | undefined;
  }

  /**
   * Fits the mixture to X (n × d) by EM. Resolves to the fitted model; the estimator keeps it for `warmStart`.
   * @param X samples: `number[][]`, rows of typed arrays, 1-D `number[]`, or `{ data, shape: [n, d] }`.
   */
  async fit(X: DataInput, options: FitOptions = {}): Promise<AnyFittedGaussianMixture<T>> {
    return (await this.fitting(this.run(X, options, false))).model as AnyFittedGaussianMixture<T>;
  }

  /** Fits, then labels X with the final parameters (scikit-learn's `fit_predict`). */
  async fitPredict(
    X: DataInput,
    options: FitOptions = {},
  ): Promise<{ model: AnyFittedGaussianMixture<T>; labels: Int32Array }> {
    const { model, labels } = await this.fitting(this.run(X, options, true));
    return { model: model as AnyFittedGaussianMixture<T>, labels: labels! };
  }

  /**
   * @internal The fit with a search context shared by the cells of a model selection (the subsample, the
   * hierarchy and starts from other cells; see init/auto.ts).
   */
  async fitWithContext(X: DataInput, fitOptions: FitOptions, ctx: SearchContext): Promise<FittedGaussianMixture> {
    return (await this.run(X, fitOptions, false, ctx)).model;
  }

  private async run(X: DataInput, fitOptions: FitOptions, wantLabels: boolean, ctx?: SearchContext) {
    const o = this.options;
    const warm = o.warmStart ? this.last : undefined;
    const data = fitData(X, o.nComponents, o.signal, warm);
    const { n, d } = data;
    const k = o.nComponents;
    const weights = fitWeights(resolveFitOptions(fitOptions).sampleWeight, n);
    const explicit = o.weightsInit && o.meansInit && o.precisionsInit !== undefined;
    const precisions = precisionsInitOf(o.covarianceType, o.precisionsInit, d, k);
    const meansInit = o.meansInit ? checkMeansInit(o.meansInit, k, d) : undefined;
    if (o.regCovarAmounts && o.regCovarAmounts.length !== d) {
      throw new GaussMixError(
        "INVALID_OPTION",
        `regCovar has ${o.regCovarAmounts.length} amounts but X has ${d} features; give one per feature or one number`,
      );
    }

    const start = ctx?.start;
    const aux = !warm && !explicit && !start && needsKmeansMemory(o) ? kmeansAuxBytes(n, d, k) : 0;
    const { engine, ws, pool, release } = await openFit(o.covarianceType, data, weights, k, o, aux, wantLabels);
    let done = false;
    try {
      // The regularisation relative to each feature's variance (src/regularization.ts), for every M-step of the
      // fit and of its initialisation.
      if (o.regCovarRelative) {
        const { mean, variance } = await ws.featureMomentsAsync();
        ws.regScale = relativeRegScale(mean, variance);
      } else if (o.regCovarAmounts) ws.regScale = o.regCovarAmounts; // per feature, with the factor 1
      const rng = new Random(o.randomState);
      // The default search folds nInit into its number of starts (see init/auto.ts).
      const search = !warm && !explicit && !start && (o.initParams === "auto" || o.initParams === "hc");
      const nInit = warm || start || search ? 1 : o.nInit;
      const context = ctx ?? {};
      let best:
        | { params: Params; lowerBound: number; lowerBounds: number[]; converged: boolean; nIter: number }
        | undefined;
      for (let init = 0; init < nInit; init++) {
        if (warm) ws.writeParams(warm.params);
        else if (start) ws.writeParams(start);
        else if (search) {
          if (await autoInitialize(ws, o, rng, context)) writeExplicitInit(ws, o.weightsInit, meansInit, precisions);
          // No start of the search survived (e.g. fewer distinct points than components): k-means on all data,
          // which reports why the fit cannot be made.
          else await initialize(ws, { ...o, initParams: "kmeans" }, rng, meansInit, precisions);
        } else await initialize(ws, o, rng, meansInit, precisions);
        const run = await this.em(ws, init, warm ? warm.lowerBound : -Infinity);
        if (!best || run.lowerBound > best.lowerBound) best = { ...run, params: ws.readParams() };
      }
      const b = best!;
      let labels: Int32Array | undefined;
      if (wantLabels) {
        ws.writeParams(b.params);
        ws.labels(ws.ptr.aux);
        labels = engine.i32.slice(ws.ptr.aux >>> 2, (ws.ptr.aux >>> 2) + n);
      }
      const model = new FittedGaussianMixture(o.covarianceType, k, d, b.params, {
        ...b,
        threads: 1 + (pool?.workers ?? 0),
        regCovar: ws.regAmounts(o.regCovar),
      });
      this.last = model;
      done = true;
      return { model, labels };
    } finally {
      release(done);
    }
  }

  // The EM loop of one initialisation: scikit-learn's semantics (the shared loop, em/loop.ts, with the M-step
  // kernel after each pass; the repository's design notes describe it), or accelerated (em/accelerate.ts).
  private em(ws: Workspace, init: number, start: number) {
    const o = this.options;
    const parameters = () => {
      const p = ws.readParams();
      return {
        weights: Array.from(p.weights),
        means: Array.from({ length: ws.k }, (_, c) => Array.from(p.means.subarray(c * ws.d, (c + 1) * ws.d))),
        covariances: ws.model.covariances(p.cov, ws.d, ws.k),
      };
    };
    if (!o.accelerate) {
      const step: IterationStep = {
        mstep: (passBound) => {
          ws.mstep(o.regCovar);
          return passBound; // GaussianMixture's lower bound: the mean log-likelihood of the pass
        },
        parameters,
      };
      return iterate(ws, step, { ...o, init, start });
    }
    let passes = 0;
    const pass = async () => {
      await yieldIfDue(o.signal);
      const lb = await ws.passAsync();
      passes++;
      if (!Number.isFinite(lb)) throw nonFiniteBound(lb, passes, ws.maxAbs);
      return lb;
    };
    const onIterate = o.onIteration
      ? async (iteration: number, lowerBound: number, change: number) => {
          // Abort wins over a callback whose promise never settles.
          const r = await raceAbort(o.onIteration!({ iteration, init, lowerBound, change, ...parameters() }), o.signal);
          checkAborted(o.signal);
          return r;
        }
      : undefined;
    return squarem(ws, pass, { maxIter: o.maxIter, tol: o.tol, regCovar: o.regCovar, start, onIterate });
  }

  // ---- scikit-learn's habit: the estimator answers with its last model ----------------------------------------
  // `const model = await est.fit(X); model.predict(X)` is the primary form; these delegate to `est.model` so that
  // `await est.fit(X); est.predict(X)` works too. Before a fit has resolved (or while one runs, e.g. a missing
  // `await`) they throw NOT_FITTED instead of answering from no model or a stale one.

  private running = 0;

  private async fitting<R>(run: Promise<R>): Promise<R> {
    this.running++;
    try {
      return await run;
    } finally {
      this.running--;
    }
  }

  private fitted(method: string): AnyFittedGaussianMixture<T> {
    if (this.running > 0 || !this.last) {
      const why = this.running > 0 ? "a fit is still running (was it awaited?)" : "it has not been fitted";
      throw new GaussMixError(
        "NOT_FITTED",
        `GaussianMixture.${method}: ${why}. Await the fit and use the model it resolves to: ` +
          `\`const model = await estimator.fit(X); model.${method}(…)\`.`,
      );
    }
    return this.last as AnyFittedGaussianMixture<T>;
  }

  /** `model.predict(X)` of the last fit's model (see `FittedGaussianMixture.predict`). */
  predict(X: DataInput): Int32Array {
    return this.fitted("predict").predict(X);
  }

  /** `model.predictProba(X)` of the last fit's model (n × k responsibilities). */
  predictProba(X: DataInput): Matrix {
    return this.fitted("predictProba").predictProba(X);
  }

  /** `model.scoreSamples(X)` of the last fit's model: log p(x) per sample. */
  scoreSamples(X: DataInput): Float64Array {
    return this.fitted("scoreSamples").scoreSamples(X);
  }

  /** `model.score(X, options)` of the last fit's model: the mean log-likelihood. */
  score(...args: Parameters<FittedGaussianMixture["score"]>): number {
    return this.fitted("score").score(...args);
  }

  /** `model.bic(X)` of the last fit's model. */
  bic(X: DataInput): number {
    return this.fitted("bic").bic(X);
  }

  /** `model.aic(X)` of the last fit's model. */
  aic(X: DataInput): number {
    return this.fitted("aic").aic(X);
  }

  /** `model.sample(n, options)` of the last fit's model. */
  sample(...args: Parameters<FittedGaussianMixture["sample"]>): ReturnType<FittedGaussianMixture["sample"]> {
    return this.fitted("sample").sample(...args);
  }
}
