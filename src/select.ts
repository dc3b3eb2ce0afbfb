/**
 * Model selection: fit every (nComponents, covarianceType) cell and rank the cells by BIC, AIC or ICL.
 * scikit-learn leaves this loop to its users; mclust does it over covariance models. A failing cell is
 * recorded in the table, not fatal.
 */
import { isArrayLike } from "./covariance.js";
import { describe as describeData, sampleWeights } from "./data.js";
import { GaussMixError, type GaussMixErrorCode } from "./errors.js";
import { GaussianMixture } from "./gmm.js";
import type { FittedGaussianMixture } from "./model.js";
import type { CovarianceType, DataInput, InitParams } from "./types.js";

export type Criterion = "bic" | "aic" | "icl";

export interface SelectModelOptions {
  /** Candidate numbers of components. Default 1…10 (those ≤ nSamples). */
  nComponents?: readonly number[];
  /** Candidate covariance types. Default all four. */
  covarianceTypes?: readonly CovarianceType[];
  /** What picks the best cell (lower is better for all three). Default "bic". */
  criterion?: Criterion;
  nInit?: number;
  initParams?: InitParams;
  randomState?: number;
  regCovar?: number;
  tol?: number;
  maxIter?: number;
  sampleWeight?: ArrayLike<number>;
  /** Called after each cell with how many are done of how many, and the cell's row. */
  onProgress?: (done: number, total: number, row: SelectionRow) => void;
}

/** One cell of the selection table. Criteria are NaN for a cell whose fit failed (see `error`). */
export interface SelectionRow {
  nComponents: number;
  covarianceType: CovarianceType;
  /** Total log-likelihood of X: Σ vᵢ log p(xᵢ). */
  logLikelihood: number;
  nParameters: number;
  /** −2·logLikelihood + p·ln(n) (n = Σ vᵢ with sample weights). */
  bic: number;
  /** −2·logLikelihood + 2p. */
  aic: number;
  /** BIC + 2·entropy of the responsibilities (integrated completed likelihood). */
  icl: number;
  converged: boolean;
  nIter: number;
  error?: { code: GaussMixErrorCode | "UNKNOWN"; message: string };
}

export interface Selection {
  table: SelectionRow[];
  best: FittedGaussianMixture;
  bestRow: SelectionRow;
  criterion: Criterion;
}

const ALL_TYPES: readonly CovarianceType[] = ["spherical", "diag", "tied", "full"];

/**
 * Fits a mixture for every number of components and covariance type and returns the whole table plus the
 * model that minimises the criterion (ties: the first in table order, i.e. fewer components first).
 * Deterministic for a given `randomState`. Throws only when options are invalid or every cell fails.
 */
export async function selectModel(X: DataInput, options: SelectModelOptions = {}): Promise<Selection> {
  const data = describeData(X);
  const n = data.n;
  const criterion = options.criterion ?? "bic";
  if (!["bic", "aic", "icl"].includes(criterion)) {
    throw new GaussMixError("INVALID_OPTION", `criterion must be one of "bic", "aic", "icl", got ${JSON.stringify(criterion)}`);
  }
  const ks = options.nComponents ?? Array.from({ length: Math.min(10, n) }, (_, i) => i + 1);
  if (!isArrayLike(ks) || ks.length === 0 || !Array.from(ks).every((k) => Number.isInteger(k) && k >= 1)) {
    throw new GaussMixError("INVALID_OPTION", `nComponents must be a non-empty array of positive integers, got ${JSON.stringify(ks)}`);
  }
  const types = options.covarianceTypes ?? ALL_TYPES;
  if (!isArrayLike(types) || types.length === 0 || !Array.from(types).every((t) => ALL_TYPES.includes(t))) {
    throw new GaussMixError("INVALID_OPTION", `covarianceTypes must be a non-empty array of "spherical", "diag", "tied", "full", got ${JSON.stringify(types)}`);
  }
  const w = options.sampleWeight === undefined ? undefined : sampleWeights(options.sampleWeight, n);
  const total = ks.length * types.length;
  const table: SelectionRow[] = [];
  let best: { model: FittedGaussianMixture; row: SelectionRow } | undefined;
  let firstError: unknown;
  for (const k of ks) {
    for (const covarianceType of types) {
      let row: SelectionRow;
      try {
        const model = await new GaussianMixture({
          nComponents: k, covarianceType, nInit: options.nInit, initParams: options.initParams,
          randomState: options.randomState, regCovar: options.regCovar, tol: options.tol, maxIter: options.maxIter,
        }).fit(X, { sampleWeight: w });
        row = scoreRow(model, X, w);
        if (!best || row[criterion] < best.row[criterion]) best = { model, row };
      } catch (e) {
        if (e instanceof GaussMixError && ["INVALID_DATA", "INVALID_OPTION", "INVALID_SAMPLE_WEIGHT"].includes(e.code)) throw e;
        firstError ??= e;
        row = {
          nComponents: k, covarianceType, logLikelihood: NaN, nParameters: NaN, bic: NaN, aic: NaN, icl: NaN,
          converged: false, nIter: 0,
          error: { code: e instanceof GaussMixError ? e.code : "UNKNOWN", message: e instanceof Error ? e.message : String(e) },
        };
      }
      table.push(row);
      options.onProgress?.(table.length, total, row);
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
    nComponents: k, covarianceType: model.covarianceType, logLikelihood, nParameters: p, bic,
    aic: -2 * logLikelihood + 2 * p, icl: bic + 2 * entropy, converged: model.converged, nIter: model.nIter,
  };
}
