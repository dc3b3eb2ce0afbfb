/**
 * Model selection: fit every (nComponents, covarianceType) cell and rank the cells by BIC, AIC or ICL.
 * scikit-learn leaves this loop to its users; mclust does it over covariance models. A failing cell is
 * recorded in the table, not fatal.
 */
import { isArrayLike } from "./covariance.js";
import { describe as describeData, sampleWeights } from "./data.js";
import { GaussMixError, type GaussMixErrorCode } from "./errors.js";
import { GaussianMixture } from "./gmm.js";
import { type Labels, type SearchContext, splitStarts, type Subsample } from "./init/auto.js";
import { isSpurious } from "./init/spurious.js";
import type { FittedGaussianMixture } from "./model.js";
import { Random } from "./rng.js";
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
  /** EM acceleration (see GaussianMixture's `accelerate`). Default true. */
  accelerate?: boolean;
  /** Threads for each EM pass (see GaussianMixture's `threads`). Default 1. */
  threads?: number;
  /** Aborts the selection (and the fit under way) with a `GaussMixError` of code "ABORTED". */
  signal?: AbortSignal;
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
  /**
   * The fit is a spurious maximum (a component on fewer than about d + 1 samples, or thinner than the data's
   * resolution: see docs/initialisation.md); such a cell is never chosen.
   */
  spurious?: boolean;
  error?: { code: GaussMixErrorCode | "UNKNOWN"; message: string };
}

export interface Selection {
  table: SelectionRow[];
  best: FittedGaussianMixture;
  bestRow: SelectionRow;
  criterion: Criterion;
}

/** Clusters of the k − 1 partition split to start a k cell: the ones with the largest scatter. */
const SPLITS = 3;

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
  const signal = options.signal;
  const total = ks.length * types.length;
  // One piece of work: the cells share one whitened subsample and one hierarchy, and each cell also starts from
  // its neighbours' partitions (the same k's full fit for the constrained types, k − 1 with a cluster split).
  // Cells are computed k by k, full first; the table keeps the order of the request.
  const ctx: SearchContext = { withHierarchy: options.initParams === undefined || options.initParams === "auto" };
  const partitions = new Map<string, Labels>();
  const key = (k: number, t: CovarianceType) => `${k}:${t}`;
  const order = [...ks].sort((a, b) => a - b);
  const typeOrder = [...ALL_TYPES].reverse().filter((t) => types.includes(t)); // full, tied, diag, spherical
  const rows = new Map<string, SelectionRow>();
  const models = new Map<string, FittedGaussianMixture>();
  let firstError: unknown;
  let done = 0;
  const rng = new Random(options.randomState ?? 0);
  for (const k of order) {
    for (const covarianceType of typeOrder) {
      if (rows.has(key(k, covarianceType))) continue;
      if (signal?.aborted) throw aborted(signal);
      let row: SelectionRow;
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
        const model = await new GaussianMixture({
          nComponents: k, covarianceType, nInit: options.nInit, initParams: options.initParams,
          randomState: options.randomState, regCovar: options.regCovar, tol: options.tol, maxIter: options.maxIter,
          accelerate: options.accelerate, threads: options.threads, signal,
        }).fitWithContext(X, { sampleWeight: w }, ctx);
        row = scoreRow(model, X, w);
        const sub = ctx.subsample;
        if (sub) {
          partitions.set(key(k, covarianceType), subsampleLabels(model, sub));
          if (isSpurious(covarianceType, model.params, sub.d, k, sub.total, sub.res)) row.spurious = true;
        }
        models.set(key(k, covarianceType), model);
      } catch (e) {
        if (e instanceof GaussMixError && ["INVALID_DATA", "INVALID_OPTION", "INVALID_SAMPLE_WEIGHT", "ABORTED"].includes(e.code)) throw e;
        firstError ??= e;
        row = {
          nComponents: k, covarianceType, logLikelihood: NaN, nParameters: NaN, bic: NaN, aic: NaN, icl: NaN,
          converged: false, nIter: 0,
          error: { code: e instanceof GaussMixError ? e.code : "UNKNOWN", message: e instanceof Error ? e.message : String(e) },
        };
      }
      rows.set(key(k, covarianceType), row);
      options.onProgress?.(++done, total, row);
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
      } else if (!best || row[criterion] < best.row[criterion]) best = { model, row };
    }
  }
  // Only when every cell is spurious is one of them returned (the table says so).
  best ??= fallback;
  if (!best) throw firstError;
  return { table, best: best.model, bestRow: best.row, criterion };
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
    nComponents: k, covarianceType: model.covarianceType, logLikelihood, nParameters: p, bic,
    aic: -2 * logLikelihood + 2 * p, icl: bic + 2 * entropy, converged: model.converged, nIter: model.nIter,
  };
}
