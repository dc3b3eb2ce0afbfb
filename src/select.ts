/**
 * Model selection: fit every (nComponents, covarianceType) cell and rank the cells by BIC, AIC or ICL.
 * scikit-learn leaves this loop to its users; mclust does it over covariance models. A failing cell is
 * recorded in the table, not fatal.
 */
import { checkFitSize, describe as describeData, sampleWeights } from "./data.js";
import { checkAborted, yieldIfDue } from "./engine/cancel.js";
import { GaussMixError } from "./errors.js";
import { GaussianMixture } from "./gmm.js";
import type { FittedGaussianMixture } from "./model.js";
import { resolveSelectOptions } from "./options.js";
import type { Criterion, DataInput, SelectionRow, SelectModelOptions } from "./types.js";

export type { Criterion, SelectionRow, SelectModelOptions } from "./types.js";

export interface Selection {
  table: SelectionRow[];
  best: FittedGaussianMixture;
  bestRow: SelectionRow;
  criterion: Criterion;
}

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
  const table: SelectionRow[] = [];
  let best: { model: FittedGaussianMixture; row: SelectionRow } | undefined;
  let firstError: unknown;
  for (const k of ks) {
    for (const covarianceType of types) {
      let row: SelectionRow;
      await yieldIfDue(signal, "The model selection");
      try {
        const model = await new GaussianMixture({
          nComponents: k,
          covarianceType,
          nInit: o.nInit,
          initParams: o.initParams,
          randomState: o.randomState,
          regCovar: o.regCovar,
          tol: o.tol,
          maxIter: o.maxIter,
          threads: o.threads,
          signal,
        }).fit(X, { sampleWeight: w });
        row = scoreRow(model, X, w);
        if (!best || row[criterion] < best.row[criterion]) best = { model, row };
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
      table.push(row);
      o.onProgress?.(table.length, total, row);
    }
  }
  if (!best) throw firstError;
  return { table, best: best.model, bestRow: best.row, criterion };
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
