/** Public types of gaussmix. Shapes follow scikit-learn: k = nComponents, d = nFeatures, n = nSamples. */
import type { GaussMixErrorCode } from "./errors.js";

/** The four covariance models of scikit-learn's `GaussianMixture`. */
export type CovarianceType = "full" | "tied" | "diag" | "spherical";

/**
 * How the first parameters are made. "auto" (the default) searches on a whitened subsample: k-means++ and Lloyd
 * starts (plus Ward's hierarchy on small data), short EM from each, the best continued (see the README).
 * "hc": Ward's hierarchy on the whitened subsample cut at k (deterministic, mclust's default). The others are
 * scikit-learn's `init_params` with its meaning.
 */
export type InitParams = "auto" | "hc" | "kmeans" | "k-means++" | "random" | "random_from_data";

/** A flat row-major matrix: `data[i * shape[1] + j]` is feature j of sample i. */
export interface FlatMatrix {
  readonly data: Float64Array | Float32Array | ArrayLike<number>;
  readonly shape: readonly [number, number];
}

/**
 * Data accepted by `fit` and the per-sample methods:
 * - `number[][]` or an array of `Float64Array`/`Float32Array` rows (n × d),
 * - `number[]` or a `Float64Array`/`Float32Array` without shape: n samples of 1-D data,
 * - `{ data, shape: [n, d] }`: a flat row-major matrix (copied straight into WASM memory).
 */
export type DataInput = ArrayLike<number> | ArrayLike<ArrayLike<number>> | FlatMatrix;

/**
 * A dense row-major matrix result, e.g. `predictProba` (n × k) or `sample` (n × d): `data[i * shape[1] + j]` is
 * entry (i, j). `row(i)`, `rows()` (or `for … of`) and `toArray()` read it without index arithmetic.
 */
export interface Matrix extends Iterable<Float64Array> {
  readonly data: Float64Array;
  readonly shape: readonly [number, number];
  /** Row i (0 ≤ i < shape[0]) as a view on `data` (no copy: writing to it writes to `data`). */
  row(i: number): Float64Array;
  /** The rows in order, as views on `data` (also what `for (const r of matrix)` iterates). */
  rows(): IterableIterator<Float64Array>;
  /** A copy as nested arrays (shape[0] × shape[1]). */
  toArray(): number[][];
}

/** What `onIteration` receives after each M-step; `covariances` has the shape of the covariance type T. */
export interface IterationInfo<T extends CovarianceType = CovarianceType> {
  /** 1-based EM iteration within the current initialisation. */
  readonly iteration: number;
  /** 0-based index of the initialisation (restart) among `nInit`. */
  readonly init: number;
  /** Mean per-sample log-likelihood of the pass just made (scikit-learn's `lower_bound_`). */
  readonly lowerBound: number;
  /** `lowerBound` minus the previous one (`Infinity` on the first iteration). */
  readonly change: number;
  /** Parameters after this iteration's M-step (copies, scikit-learn's shapes). */
  readonly weights: number[];
  readonly means: number[][];
  readonly covariances: CovarianceShape<T>;
}

/**
 * Covariances / precisions of each covariance type, in scikit-learn's shapes (k = nComponents, d = nFeatures):
 * full k×d×d, tied d×d, diag k×d, spherical k.
 */
export interface CovarianceShapes {
  full: number[][][];
  tied: number[][];
  diag: number[][];
  spherical: number[];
}

/** The shape of covariances / precisions for covariance type T (all four shapes for the union). */
export type CovarianceShape<T extends CovarianceType = CovarianceType> = CovarianceShapes[T];

/** The same shapes, read-only: what a fitted model's (frozen) `covariances`, `precisions` and factors are. */
export interface ReadonlyCovarianceShapes {
  full: readonly (readonly (readonly number[])[])[];
  tied: readonly (readonly number[])[];
  diag: readonly (readonly number[])[];
  spherical: readonly number[];
}

/** The read-only shape of a fitted model's covariances / precisions for covariance type T. */
export type ReadonlyCovarianceShape<T extends CovarianceType = CovarianceType> = ReadonlyCovarianceShapes[T];

/** Covariances / precisions of any covariance type: full k×d×d, tied d×d, diag k×d, spherical k. */
export type Covariances = CovarianceShape;

/**
 * Options of `new GaussianMixture(options)`; each is checked when the estimator is made. T is the covariance type
 * (inferred from a literal `covarianceType`); it types `precisionsInit` and what `onIteration` receives.
 */
export interface GaussianMixtureOptions<T extends CovarianceType = CovarianceType> {
  /** Number of mixture components, k. Default 1. */
  nComponents?: number;
  /** The covariance model. Default "full". */
  covarianceType?: T;
  /** Convergence threshold on the change of the mean per-sample log-likelihood. Default 1e-3. */
  tol?: number;
  /**
   * Added to every variance (the diagonal of every covariance). A given value is that amount in the data's
   * units, as scikit-learn's `reg_covar`. Not given: 1e-6 × min(1, the (weighted) variance of each feature over
   * the data) when initParams is "auto" or "hc" and no initial parameters are given, so that features in small
   * units are not drowned by it and none gets more than scikit-learn's 1e-6 (spherical: the mean of those amounts;
   * a constant feature gets the amount of the largest feature variance, all-constant data 1e-6); else 1e-6 in the
   * data's units (scikit-learn's default).
   * The fitted model's `regCovar` holds the amounts used. An array gives one amount per feature (e.g. a fitted
   * model's `regCovar`, to continue or reproduce its fit with explicit initial parameters).
   */
  regCovar?: number | ArrayLike<number>;
  /** Maximum number of EM iterations per initialisation. Default 100. */
  maxIter?: number;
  /** Number of initialisations; the one with the highest final lower bound is kept. Default 1. */
  nInit?: number;
  /** How the first parameters are made. Default "auto" (see InitParams); "kmeans" is scikit-learn's default. */
  initParams?: InitParams;
  /** Initial weights (k), summing to 1. */
  weightsInit?: ArrayLike<number>;
  /** Initial means (k × d). */
  meansInit?: ArrayLike<ArrayLike<number>>;
  /** Initial precisions (inverse covariances), in scikit-learn's shapes (a fitted model's `precisions` fit). */
  precisionsInit?: ReadonlyCovarianceShape<T>;
  /** Seed of the one random generator used for initialisation. Default 0 (fits are deterministic). */
  randomState?: number;
  /** Start the next `fit` from the previous fit's parameters (nInit is then ignored). Default false. */
  warmStart?: boolean;
  /** Called after each M-step; return `false` to stop. May return a promise, which is awaited. */
  onIteration?: (info: IterationInfo<T>) => boolean | void | Promise<boolean | void>;
  /**
   * EM accelerated by SQUAREM (extrapolation along two EM steps, kept only when it does not lower the
   * likelihood) and a stopping rule that extrapolates the remaining gain (Aitken). Default true. Unless set,
   * it is off with explicit initial parameters (weightsInit, meansInit, precisionsInit) or warmStart, where the
   * fit is then scikit-learn's EM step for step; `false` gives scikit-learn's loop with any initParams.
   */
  accelerate?: boolean;
  /** Aborts the fit with a `GaussMixError` of code "ABORTED". */
  signal?: AbortSignal;
  /**
   * Threads for each EM pass (the samples are split, the statistics summed). Default 1. Uses Node's
   * worker_threads, or Web Workers on cross-origin-isolated pages; elsewhere (Cloudflare Workers, pages without
   * isolation) and for small problems (below about 4·10⁶ samples × components × d² per pass; d for diag and
   * spherical) the fit runs on one thread; `model.threads` tells which. Results equal the one-thread fit up to
   * the order of summation (~1e-12). The README (section "Threads") says more.
   */
  threads?: number;
}

/** The prior on the weights of `BayesianGaussianMixture` (scikit-learn's `weight_concentration_prior_type`). */
export type WeightConcentrationPriorType = "dirichlet_process" | "dirichlet_distribution";

/** Options of `new BayesianGaussianMixture(options)`: scikit-learn's, in camelCase, with its defaults. */
export interface BayesianGaussianMixtureOptions {
  /** Upper bound on the number of components; surplus components get weights near 0. Default 1. */
  nComponents?: number;
  /** The covariance model. Default "full". */
  covarianceType?: CovarianceType;
  /** Convergence threshold on the change of the lower bound (not divided by n). Default 1e-3. */
  tol?: number;
  /** Added to the diagonal of every covariance. Default 1e-6. */
  regCovar?: number;
  /** Maximum number of iterations per initialisation. Default 100. */
  maxIter?: number;
  /** Number of initialisations; the one with the highest final lower bound is kept. Default 1. */
  nInit?: number;
  /** How the first parameters are made. Default "kmeans". */
  initParams?: InitParams;
  /**
   * The prior on the weights: "dirichlet_process" (stick-breaking, an infinite mixture truncated at nComponents:
   * components are switched off in order) or "dirichlet_distribution" (a finite mixture). Default
   * "dirichlet_process".
   */
  weightConcentrationPriorType?: WeightConcentrationPriorType;
  /**
   * γ (Dirichlet process) or α₀ (Dirichlet distribution), > 0: smaller values put the weight on fewer
   * components. Defaults to 1 / nComponents.
   */
  weightConcentrationPrior?: number;
  /** β₀ > 0: how strongly the means are pulled towards `meanPrior`. Default 1. */
  meanPrecisionPrior?: number;
  /** m₀, the prior mean (nFeatures values). Defaults to the (weighted) mean of X. */
  meanPrior?: ArrayLike<number>;
  /** ν₀ > nFeatures − 1, the Wishart prior's degrees of freedom. Defaults to nFeatures. */
  degreesOfFreedomPrior?: number;
  /**
   * The Wishart prior's scale: full and tied a symmetric positive definite nFeatures × nFeatures matrix, diag
   * nFeatures values > 0, spherical one number > 0. Defaults to the covariance of X (ddof 1; its diagonal for
   * diag, the mean of that for spherical).
   */
  covariancePrior?: number | ArrayLike<number> | ArrayLike<ArrayLike<number>>;
  /** Seed of the one random generator used for initialisation. Default 0 (fits are deterministic). */
  randomState?: number;
  /** Start the next `fit` from the previous fit's parameters (its posterior) and lower bound. Default false. */
  warmStart?: boolean;
  /** Called after each M-step; return `false` to stop. May return a promise, which is awaited. */
  onIteration?: (info: IterationInfo) => boolean | void | Promise<boolean | void>;
  /** Aborts the fit with a `GaussMixError` of code "ABORTED". */
  signal?: AbortSignal;
  /** Threads for each EM pass (as GaussianMixture's: the samples are split, the statistics summed). Default 1. */
  threads?: number;
}

/** How `fitStream` reads CSV text (see `gaussmix/csv`): delimiter, header, the columns to read or leave out. */
export interface StreamCsvOptions {
  delimiter?: "," | ";" | "\t";
  header?: boolean;
  columns?: readonly (string | number)[];
  exclude?: readonly (string | number)[];
}

/** Options of `fitStream(source, options)`: the estimator's (but warmStart), and how the stream is read. */
export interface StreamFitOptions extends Omit<GaussianMixtureOptions, "warmStart"> {
  /** Samples kept by the reservoir sample of the first pass, on which the first parameters are fitted. Default 20000. */
  sampleSize?: number;
  /** Samples the engine holds at a time; larger chunks are split. Default 65536. */
  chunkSize?: number;
  /** How CSV text sources are read. Default: everything detected, every numeric column. */
  csv?: StreamCsvOptions;
}

/** Options of `new OnlineGaussianMixture(options)` (online EM, `partialFit`). */
export interface OnlineOptions {
  /** Number of mixture components, k. Default 1. */
  nComponents?: number;
  /** The covariance model. Default "full". */
  covarianceType?: CovarianceType;
  /**
   * Added to every variance (the diagonal of every covariance). A given value is that amount in the data's
   * units, as scikit-learn's `reg_covar`. Not given: 1e-6 × min(1, the (weighted) variance of each feature over
   * the data) when initParams is "auto" or "hc" and no initial parameters are given, so that features in small
   * units are not drowned by it and none gets more than scikit-learn's 1e-6 (spherical: the mean of those amounts;
   * a constant feature gets the amount of the largest feature variance, all-constant data 1e-6); else 1e-6 in the
   * data's units (scikit-learn's default).
   * The fitted model's `regCovar` holds the amounts used. An array gives one amount per feature (e.g. a fitted
   * model's `regCovar`, to continue or reproduce its fit with explicit initial parameters).
   */
  regCovar?: number | ArrayLike<number>;
  /** How the first parameters are made (a fit on the first batch). Default "auto". */
  initParams?: InitParams;
  /** Seed of the one random generator used for initialisation (the fit on the first batch). Default 0. */
  randomState?: number;
  /** Decay κ of the step size (t + t0)^−κ, in (0.5, 1]. Default 0.6. */
  stepDecay?: number;
  /** Offset t0 of the step size (t + t0)^−κ, ≥ 0: larger values make the early steps smaller. Default 0. */
  stepOffset?: number;
  /** Batches averaged before the parameters first move (their statistics under the first parameters). Default 0. */
  warmUp?: number;
}

/** Options of `fit(X, options)` and `fitPredict(X, options)`. */
export interface FitOptions {
  /** Non-negative weight per sample (length n). Default: all 1. */
  sampleWeight?: ArrayLike<number>;
}

/** What ranks the cells of `selectModel` (lower is better for all three). */
export type Criterion = "bic" | "aic" | "icl";

/**
 * The numbers of one cell of the selection table (`SelectionRow`, what `selectModel` returns, adds the cell's
 * fitted model). Criteria are NaN for a cell whose fit failed (see `error`).
 */
export interface SelectionRowBase {
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
   * The fit is a spurious maximum (a component on fewer than d + 1 samples' weight, or thinner than the data's
   * resolution, the smallest gap between distinct values of a feature); such a cell is chosen only when every
   * cell is spurious.
   */
  spurious?: boolean;
  error?: { code: GaussMixErrorCode | "UNKNOWN"; message: string };
}

/** Options of `selectModel(X, options)`: the grid, the criterion, and the options of every fit. */
export interface SelectModelOptions {
  /** Candidate numbers of components. Default 1…10 (those ≤ nSamples). */
  nComponents?: readonly number[];
  /** Candidate covariance types. Default ["spherical", "diag", "tied", "full"]. */
  covarianceTypes?: readonly CovarianceType[];
  /** What picks the best cell (lower is better for all three). Default "bic". */
  criterion?: Criterion;
  /**
   * Number of initialisations of each fit; the best is kept. Default 1. With the default search the cells share
   * their starts (see the README's model selection): nInit is then the least number of random starts per cell,
   * and on a subsample of at most 600 rows, where Ward's hierarchy is each cell's first start, nInit − 1 random
   * starts join it.
   */
  nInit?: number;
  /** How the first parameters are made, in each fit. Default "auto" (see InitParams). */
  initParams?: InitParams;
  /** Seed of the one random generator used for initialisation, in each fit. Default 0. */
  randomState?: number;
  /**
   * Added to every variance (the diagonal of every covariance). A given value is that amount in the data's
   * units, as scikit-learn's `reg_covar`. Not given: 1e-6 × min(1, the (weighted) variance of each feature over
   * the data) when initParams is "auto" or "hc" and no initial parameters are given, so that features in small
   * units are not drowned by it and none gets more than scikit-learn's 1e-6 (spherical: the mean of those amounts;
   * a constant feature gets the amount of the largest feature variance, all-constant data 1e-6); else 1e-6 in the
   * data's units (scikit-learn's default).
   * The fitted model's `regCovar` holds the amounts used. An array gives one amount per feature (e.g. a fitted
   * model's `regCovar`, to continue or reproduce its fit with explicit initial parameters).
   */
  regCovar?: number | ArrayLike<number>;
  /**
   * Convergence threshold on the change of the mean per-sample log-likelihood of each fit. Default 1e-5 (a
   * single fit's is 1e-3): cells are compared by their log-likelihoods, so each is taken close to its optimum,
   * about as close as mclust's stopping rule (a relative change of 1e-5 of the total); the accelerated EM's
   * estimate of the gain still to come keeps that to few passes.
   */
  tol?: number;
  /** Maximum number of EM iterations per initialisation. Default 100. */
  maxIter?: number;
  /** Threads for each EM pass of each fit (see `GaussianMixtureOptions.threads`). Default 1. */
  threads?: number;
  /** EM accelerated by SQUAREM in each fit (see `GaussianMixtureOptions.accelerate`). Default true. */
  accelerate?: boolean;
  /** Aborts the selection with a `GaussMixError` of code "ABORTED" (checked between and during fits). */
  signal?: AbortSignal;
  /** Non-negative weight per sample (length n). Default: all 1. */
  sampleWeight?: ArrayLike<number>;
  /** Called after each cell with how many are done of how many, and the cell's row (a `SelectionRow`). */
  onProgress?: (done: number, total: number, row: SelectionRowBase) => void;
}
