/**
 * Model selection: fit every (nComponents, covarianceType) cell and rank the cells by BIC, AIC or ICL.
 * scikit-learn leaves this loop to its users; mclust does it over covariance models. A failing cell is
 * recorded in the table, not fatal.
 */
import { checkFitSize, describe as describeData, sampleWeights } from "./data.js";
import { abortedError, checkAborted, yieldIfDue } from "./engine/cancel.js";
import { GaussMixError } from "./errors.js";
import { GaussianMixture } from "./gmm.js";
import { type Labels, type SearchContext, splitStarts, type Subsample } from "./init/auto.js";
import { isSpurious } from "./init/spurious.js";
import { type AnyFittedGaussianMixture, FittedGaussianMixture } from "./model.js";
import { estimate } from "./model-estimate.js";
import { resolveSelectOptions } from "./options.js";
import type { Params } from "./engine/types.js";
import { Random } from "./rng.js";
import type { CovarianceType, Criterion, DataInput, SelectionRowBase, SelectModelOptions } from "./types.js";

export type { Criterion, SelectionRowBase, SelectModelOptions } from "./types.js";

/** One cell of the selection table: its numbers and its fitted model. */
export interface SelectionRow extends SelectionRowBase {
  /**
   * The cell's fitted model (absent when its fit failed): any cell, not only the chosen one, can be used,
   * inspected or saved without fitting it again.
   */
  model?: AnyFittedGaussianMixture;
}

export interface Selection {
  /** One row per cell, in the order of the request (k by k); each row carries its cell's fitted model. */
  table: SelectionRow[];
  /** The best cell's model (`bestRow.model`); checking `best.covarianceType` narrows its shapes. */
  best: AnyFittedGaussianMixture;
  bestRow: SelectionRow;
  criterion: Criterion;
}

/** Clusters of the k − 1 partition split to start a k cell: the ones with the largest scatter. */
const SPLITS = 3;

/**
 * Criteria within this relative difference are a tie, won by the first cell in table order: equivalent models
 * (in 1-D, spherical, diag and full are the same model) reached by different searches differ by rounding only.
 */
const TIE = 1e-9;

/**
 * When a cell's fit on all the data ends spurious although its start was proper on the subsample, EM continues
 * from up to this many of the search's other proper candidates; the first proper fit is the cell's.
 */
const FALLBACKS = 2;

/**
 * Tolerance of the search's finishing runs on the subsample: they only rank the best starts; the fit on all the
 * data then converges to the selection's own tolerance.
 */
const FINISH_TOL = 1e-4;

/** Partitions that agree on at least this fraction of the subsample's rows (up to relabelling) are one start. */
const SAME_PARTITION = 0.95;

/** Errors that concern the whole selection, not one cell: they end it. */
const FATAL: ReadonlySet<string> = new Set(["INVALID_DATA", "INVALID_OPTION", "INVALID_SAMPLE_WEIGHT", "ABORTED"]);

/**
 * Fits a mixture for every number of components and covariance type and returns the whole table (each row with
 * its fitted model) plus the model that minimises the criterion (ties: the first in table order, i.e. fewer components first).
 * Deterministic for a given `randomState`. Throws only when options are invalid, the signal aborts, or every
 * cell fails.
 */
export async function selectModel(X: DataInput, options?: SelectModelOptions): Promise<Selection> {
  const o = resolveSelectOptions(options);
  checkAborted(o.signal, "The model selection");
  const data = describeData(X, "X", checkFitSize);
  const n = data.n;
  const { criterion, covarianceTypes: types, signal } = o;
  const ks = o.nComponents ?? Array.from({ length: Math.min(10, n) }, (_, i) => i + 1);
  const w = o.sampleWeight === undefined ? undefined : sampleWeights(o.sampleWeight, n);
  const total = ks.length * types.length;
  // One piece of work: the cells share one whitened subsample and one hierarchy, and each cell also starts from
  // its neighbours' partitions (the same k's other types, k − 1 with a cluster split); the best is kept per
  // cell. Cells are computed k by k, full first; the table keeps the order of the request.
  const ctx: SearchContext = { withHierarchy: o.initParams === "auto", finishTol: FINISH_TOL };
  const partitions = new Map<string, Labels>();
  const key = (k: number, t: CovarianceType) => `${k}:${t}`;
  const order = [...ks].sort((a, b) => a - b);
  const typeOrder = (["full", "tied", "diag", "spherical"] as const).filter((t) => types.includes(t));
  const rows = new Map<string, SelectionRow>();
  let firstError: unknown;
  let done = 0;
  const rng = new Random(o.randomState);
  const fitOptions = (k: number, covarianceType: CovarianceType) => ({
    nComponents: k,
    covarianceType,
    regCovar: o.regCovar,
    tol: o.tol,
    maxIter: o.maxIter,
    threads: o.threads,
    accelerate: o.accelerate,
    signal,
  });
  const spurious = (m: FittedGaussianMixture) => {
    const sub = ctx.subsample;
    return sub !== undefined && isSpurious(m.covarianceType, m.params, sub.d, m.nComponents, sub.total, sub.res);
  };
  /** The cell's fit from the search with these extra starts (only them with `onlyExtra`). */
  const fitCell = async (k: number, covarianceType: CovarianceType, extra: (Labels | Params)[], onlyExtra: boolean) => {
    ctx.extra = extra;
    ctx.onlyExtra = onlyExtra;
    ctx.candidates = undefined;
    const options = fitOptions(k, covarianceType);
    let model = await new GaussianMixture({
      ...options,
      nInit: o.nInit,
      initParams: o.initParams,
      randomState: o.randomState,
    }).fitWithContext(X, { sampleWeight: w }, ctx);
    const candidates = (ctx as SearchContext).candidates ?? [];
    if (spurious(model)) {
      for (const start of candidates.slice(0, FALLBACKS)) {
        // initParams decides the default regularisation (relative to the features' variances, as the cell's).
        const next = await new GaussianMixture({ ...options, initParams: o.initParams })
          .fitWithContext(X, { sampleWeight: w }, { start })
          .catch((e: unknown) => {
            if (e instanceof GaussMixError && FATAL.has(e.code)) throw e;
            return undefined;
          });
        if (next && !spurious(next)) {
          model = next;
          break;
        }
      }
    }
    return model;
  };
  /** Scores the cell's model and keeps it, with its partition of the subsample. */
  const keepCell = (
    k: number,
    covarianceType: CovarianceType,
    model: FittedGaussianMixture,
    scored = scoreRow(model, X, w, ctx.subsample?.all === true),
  ) => {
    const sub = ctx.subsample;
    const row = scored.row;
    row.model = model as AnyFittedGaussianMixture;
    if (sub) partitions.set(key(k, covarianceType), scored.labels ?? subsampleLabels(model, sub));
    if (spurious(model)) row.spurious = true;
    rows.set(key(k, covarianceType), row);
    return row;
  };
  for (const k of order) {
    for (const covarianceType of typeOrder) {
      if (rows.has(key(k, covarianceType))) continue;
      if (signal?.aborted) throw abortedError(signal, "The model selection");
      let row: SelectionRow;
      await yieldIfDue(signal, "The model selection");
      try {
        const s = ctx.subsample;
        const extra: Labels[] = [];
        if (s && k > 1) {
          for (const t of typeOrder) {
            const p = partitions.get(key(k, t));
            if (p && t !== covarianceType) extra.push(p);
          }
          const prev = partitions.get(key(k - 1, covarianceType));
          if (prev) extra.push(...splitStarts(s, prev, k - 1, rng, Math.min(k - 1, SPLITS)));
        }
        const full = rows.get(key(k, "full"))?.model;
        // In 1-D, full, diag and spherical are one model (the same parameters, in the same storage): fitted once.
        const model =
          data.d === 1 && covarianceType !== "tied" && full
            ? retype(full, covarianceType)
            : await fitCell(k, covarianceType, extra, false);
        row = keepCell(k, covarianceType, model);
      } catch (e) {
        if (e instanceof GaussMixError && FATAL.has(e.code)) throw e;
        firstError ??= e;
        row = {
          nComponents: k,
          covarianceType,
          logLikelihood: NaN,
          nParameters: NaN,
          bic: NaN,
          aic: NaN,
          icl: NaN,
          converged: false,
          nIter: 0,
          error: {
            code: e instanceof GaussMixError ? e.code : "UNKNOWN",
            message: e instanceof Error ? e.message : String(e),
          },
        };
        rows.set(key(k, covarianceType), row);
      }
      o.onProgress?.(++done, total, row);
    }
  }
  // A spherical model is a diagonal one, fitted after it: on data larger than the search's subsample (where the
  // subsample's ranking of starts is the noisier one), each diag cell also starts from the spherical partition of
  // its k (where it differs from its own), beside its own parameters, and keeps the better fit (never a spurious
  // one for a proper one).
  if (ctx.subsample && !ctx.subsample.all && data.d > 1) {
    for (const k of order) {
      const own = partitions.get(key(k, "diag"));
      const simpler = partitions.get(key(k, "spherical"));
      const row = rows.get(key(k, "diag"));
      const model = row?.model;
      if (k === 1 || !own || !simpler || !model || !row || agreement(simpler, own, k) >= SAME_PARTITION) continue;
      if (signal?.aborted) throw abortedError(signal, "The model selection");
      await yieldIfDue(signal, "The model selection");
      try {
        const next = await fitCell(k, "diag", [simpler, model.params], true);
        const proper = !spurious(next);
        const scored = scoreRow(next, X, w, ctx.subsample.all);
        if ((proper && row.spurious) || (proper === !row.spurious && scored.row.logLikelihood > row.logLikelihood)) {
          keepCell(k, "diag", next, scored);
        }
      } catch (e) {
        if (e instanceof GaussMixError && FATAL.has(e.code)) throw e;
        // the cell keeps its first fit
      }
    }
  }
  const table: SelectionRow[] = [];
  let best: { model: AnyFittedGaussianMixture; row: SelectionRow } | undefined;
  let fallback: typeof best;
  for (const k of ks) {
    for (const covarianceType of types) {
      const row = rows.get(key(k, covarianceType))!;
      table.push(row);
      const model = row.model;
      if (!model) continue;
      if (row.spurious) {
        if (!fallback || row[criterion] < fallback.row[criterion]) fallback = { model, row };
      } else if (!best || row[criterion] < best.row[criterion] - TIE * Math.abs(best.row[criterion])) {
        best = { model, row };
      }
    }
  }
  // A spurious cell is returned only when every cell is spurious (the table says so).
  best ??= fallback;
  if (!best) throw firstError;
  return { table, best: best.model, bestRow: best.row, criterion };
}

/** A 1-D model as another covariance type of the same model (full, diag and spherical store 1-D alike). */
function retype(m: FittedGaussianMixture, type: CovarianceType): FittedGaussianMixture {
  const { converged, nIter, lowerBound, lowerBounds, threads, regCovar } = m;
  return new FittedGaussianMixture(type, m.nComponents, 1, m.params, {
    converged,
    nIter,
    lowerBound,
    lowerBounds,
    threads,
    regCovar,
  });
}

/**
 * The fraction of rows on which two partitions into k clusters agree, each cluster of `a` matched to the cluster
 * of `b` it shares most rows with.
 */
function agreement(a: Labels, b: Labels, k: number): number {
  const counts = new Int32Array(k * k);
  for (let i = 0; i < a.length; i++) counts[a[i] * k + b[i]]++;
  let same = 0;
  for (let c = 0; c < k; c++) {
    let most = 0;
    for (let e = 0; e < k; e++) most = Math.max(most, counts[c * k + e]);
    same += most;
  }
  return same / a.length;
}

/** The fitted model's labels of the subsample's rows. */
function subsampleLabels(model: FittedGaussianMixture, s: Subsample): Labels {
  return model.predict({ data: s.x, shape: [s.m, s.d] });
}

/**
 * The cell's row: log-likelihood, criteria (ICL's entropy from the responsibilities) and, when asked, the labels
 * of X, all from one pass of the estimate kernel.
 */
function scoreRow(model: FittedGaussianMixture, X: DataInput, w: Float64Array | undefined, wantLabels: boolean) {
  const k = model.nComponents;
  const { covarianceType, nFeatures, params } = model;
  const est = estimate({ covarianceType, nComponents: k, nFeatures, params }, X, { resp: true, labels: wantLabels });
  const ll = est.logNorm;
  const proba = est.resp!;
  let logLikelihood = 0;
  let entropy = 0;
  let size = 0;
  for (let i = 0; i < ll.length; i++) {
    const v = w ? w[i] : 1;
    if (v === 0) continue;
    size += v;
    logLikelihood += v * ll[i];
    for (let c = 0; c < k; c++) {
      const r = proba[i * k + c];
      if (r > 0) entropy -= v * r * Math.log(r);
    }
  }
  const p = model.nParameters();
  const bic = -2 * logLikelihood + p * Math.log(size);
  const row: SelectionRow = {
    nComponents: k,
    covarianceType: model.covarianceType,
    logLikelihood,
    nParameters: p,
    bic,
    aic: -2 * logLikelihood + 2 * p,
    icl: bic + 2 * entropy,
    converged: model.converged,
    nIter: model.nIter,
  };
  return { row, labels: est.labels };
}
