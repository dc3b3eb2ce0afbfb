/**
 * Model selection: fit every (nComponents, covarianceType) cell and rank the cells by BIC, AIC or ICL.
 * scikit-learn leaves this loop to its users; mclust does it over covariance models. A failing cell is
 * recorded in the table, not fatal.
 */
import { checkFitSize, describe as describeData, sampleWeights } from "./data.js";
import { checkAborted, yieldIfDue } from "./engine/cancel.js";
import { GaussMixError } from "./errors.js";
import { GaussianMixture } from "./gmm.js";
import { type Labels, type SearchContext, splitStarts, type Subsample } from "./init/auto.js";
import { isSpurious } from "./init/spurious.js";
import { type AnyFittedGaussianMixture, FittedGaussianMixture } from "./model.js";
import { resolveSelectOptions } from "./options.js";
import { Random } from "./rng.js";
import type { CovarianceType, Criterion, DataInput, SelectionRow, SelectModelOptions } from "./types.js";

export type { Criterion, SelectionRow, SelectModelOptions } from "./types.js";

export interface Selection {
  table: SelectionRow[];
  /** The best cell's model; checking `best.covarianceType` narrows its shapes. */
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

/** Errors that concern the whole selection, not one cell: they end it. */
const FATAL: ReadonlySet<string> = new Set(["INVALID_DATA", "INVALID_OPTION", "INVALID_SAMPLE_WEIGHT", "ABORTED"]);

/**
 * Fits a mixture for every number of components and covariance type and returns the whole table plus the
 * model that minimises the criterion (ties: the first in table order, i.e. fewer components first).
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
  const ctx: SearchContext = { withHierarchy: o.initParams === "auto" };
  const partitions = new Map<string, Labels>();
  const key = (k: number, t: CovarianceType) => `${k}:${t}`;
  const order = [...ks].sort((a, b) => a - b);
  const typeOrder = (["full", "tied", "diag", "spherical"] as const).filter((t) => types.includes(t));
  const rows = new Map<string, SelectionRow>();
  const models = new Map<string, FittedGaussianMixture>();
  let firstError: unknown;
  let done = 0;
  const rng = new Random(o.randomState);
  for (const k of order) {
    for (const covarianceType of typeOrder) {
      if (rows.has(key(k, covarianceType))) continue;
      if (signal?.aborted) throw aborted(signal);
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
        ctx.extra = extra;
        const full = models.get(key(k, "full"));
        // In 1-D, full, diag and spherical are one model (the same parameters, in the same storage): fitted once.
        const model =
          data.d === 1 && covarianceType !== "tied" && full
            ? retype(full, covarianceType)
            : await new GaussianMixture({
                nComponents: k,
                covarianceType,
                nInit: o.nInit,
                initParams: o.initParams,
                randomState: o.randomState,
                regCovar: o.regCovar,
                tol: o.tol,
                maxIter: o.maxIter,
                threads: o.threads,
                accelerate: o.accelerate,
                signal,
              }).fitWithContext(X, { sampleWeight: w }, ctx);
        row = scoreRow(model, X, w);
        const sub = ctx.subsample;
        if (sub) {
          partitions.set(key(k, covarianceType), subsampleLabels(model, sub));
          if (isSpurious(covarianceType, model.params, sub.d, k, sub.total, sub.res)) row.spurious = true;
        }
        models.set(key(k, covarianceType), model);
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
      }
      rows.set(key(k, covarianceType), row);
      o.onProgress?.(++done, total, row);
    }
  }
  const table: SelectionRow[] = [];
  let best: { model: FittedGaussianMixture; row: SelectionRow } | undefined;
  let fallback: typeof best;
  for (const k of ks) {
    for (const covarianceType of types) {
      const row = rows.get(key(k, covarianceType))!;
      table.push(row);
      const model = models.get(key(k, covarianceType));
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
  return { table, best: best.model as AnyFittedGaussianMixture, bestRow: best.row, criterion };
}

/** A 1-D model as another covariance type of the same model (full, diag and spherical store 1-D alike). */
function retype(m: FittedGaussianMixture, type: CovarianceType): FittedGaussianMixture {
  const { converged, nIter, lowerBound, lowerBounds, threads } = m;
  return new FittedGaussianMixture(type, m.nComponents, 1, m.params, {
    converged,
    nIter,
    lowerBound,
    lowerBounds,
    threads,
  });
}

/** The fitted model's labels of the subsample's rows. */
function subsampleLabels(model: FittedGaussianMixture, s: Subsample): Labels {
  return model.predict({ data: s.x, shape: [s.m, s.d] });
}

function aborted(signal: AbortSignal): GaussMixError {
  return new GaussMixError("ABORTED", "The model selection was aborted by its AbortSignal.", { cause: signal.reason });
}

function scoreRow(model: FittedGaussianMixture, X: DataInput, w: Float64Array | undefined): SelectionRow {
  const ll = model.scoreSamples(X);
  const proba = model.predictProba(X).data;
  const k = model.nComponents;
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
  return {
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
}
