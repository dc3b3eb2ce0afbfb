/**
 * Every option of every entry point, declared once: a table per entry point (`new GaussianMixture`, `fit`,
 * `selectModel`) of name → { doc, default, check }. The resolved types, the defaults, the unknown-option check
 * with its "did you mean" hint all derive from these tables; the public interfaces in types.ts carry the doc
 * comments users see in their editor, and test/options.test.ts checks they agree with the tables.
 * Shapes that depend on the data (weightsInit, meansInit, precisionsInit, sampleWeight) are checked at fit time.
 */
import { GaussMixError, invalidOption, unknownOption } from "./errors.js";
import type {
  BayesianGaussianMixtureOptions,
  CovarianceType,
  Criterion,
  FitOptions,
  GaussianMixtureOptions,
  InitParams,
  IterationInfo,
  OnlineOptions,
  ReadonlyCovarianceShape,
  SelectionRowBase,
  SelectModelOptions,
  WeightConcentrationPriorType,
  StreamCsvOptions,
  StreamFitOptions,
} from "./types.js";
import { isArrayLike, show } from "./util.js";
import { DEFAULT_REG_COVAR, regCovarIsRelative } from "./regularization.js";
import {
  abortSignal,
  boolean,
  type Check,
  checkedLater,
  finiteNumber,
  finiteVector,
  fn,
  integerSeed,
  listOf,
  nonNegative,
  oneOf,
  type OptionSpec,
  type OptionTable,
  optional,
  positive,
  positiveInt,
  quoted,
  type Resolved,
  resolve,
  withDefault,
} from "./option-table.js";

export { closestOption, MAX_SEED, type OptionSpec, type Resolved, resolve } from "./option-table.js";

const COVARIANCE_TYPES: readonly CovarianceType[] = ["full", "tied", "diag", "spherical"];
/** scikit-learn's initialisations (the variational estimator takes only these). */
const SKLEARN_INIT_PARAMS: readonly InitParams[] = ["kmeans", "k-means++", "random", "random_from_data"];
const INIT_PARAMS: readonly InitParams[] = ["auto", "hc", ...SKLEARN_INIT_PARAMS];
const CRITERIA: readonly Criterion[] = ["bic", "aic", "icl"];

/** regCovar: a finite number ≥ 0, or one per feature (their number is checked against the data at fit time). */
const regCovarAmount: Check<number | ArrayLike<number>> = (v, name) => {
  if (!isArrayLike(v)) return nonNegative(v, name);
  const i = Array.from(v).findIndex((x) => typeof x !== "number" || !Number.isFinite(x) || x < 0);
  if (v.length === 0 || i >= 0) {
    const what = "a finite number ≥ 0 or a non-empty array of them (one per feature)";
    if (i < 0) throw invalidOption(name, what, v);
    throw new GaussMixError("INVALID_OPTION", `${name} must be ${what}, got ${show(v[i])} at index ${i}`);
  }
  return Float64Array.from(v as ArrayLike<number>);
};

/** Options of `new GaussianMixture(options)`. */
export const ESTIMATOR_OPTIONS = {
  nComponents: withDefault("Number of mixture components, k.", 1, positiveInt),
  covarianceType: withDefault("The covariance model.", "full" as CovarianceType, oneOf(COVARIANCE_TYPES)),
  tol: withDefault("Convergence threshold on the change of the mean per-sample log-likelihood.", 1e-3, nonNegative),
  regCovar: optional("Added to every variance (the diagonal of every covariance).", regCovarAmount),
  maxIter: withDefault("Maximum number of EM iterations per initialisation.", 100, positiveInt),
  nInit: withDefault("Number of initialisations", 1, positiveInt),
  initParams: withDefault("How the first parameters are made", "auto" as InitParams, oneOf(INIT_PARAMS)),
  weightsInit: optional("Initial weights (k), summing to 1.", checkedLater<ArrayLike<number>>()),
  meansInit: optional("Initial means (k × d).", checkedLater<ArrayLike<ArrayLike<number>>>()),
  precisionsInit: optional("Initial precisions (inverse covariances)", checkedLater<ReadonlyCovarianceShape>()),
  randomState: withDefault("Seed of the one random generator used for initialisation", 0, integerSeed),
  warmStart: withDefault("Start the next `fit` from the previous fit's parameters", false, boolean),
  onIteration: optional(
    "Called after each M-step;",
    fn<(info: IterationInfo) => boolean | void | Promise<boolean | void>>(),
  ),
  signal: optional("Aborts the fit", abortSignal),
  threads: withDefault("Threads for each EM pass", 1, positiveInt),
  accelerate: withDefault("EM accelerated by SQUAREM", true, boolean),
} as const;

const WEIGHT_PRIOR_TYPES: readonly WeightConcentrationPriorType[] = ["dirichlet_process", "dirichlet_distribution"];

/**
 * Options of `new BayesianGaussianMixture(options)`: GaussianMixture's that apply (no explicit initial
 * parameters) and scikit-learn's priors. The priors' defaults that depend on the data or on nComponents
 * (weightConcentrationPrior, meanPrior, degreesOfFreedomPrior, covariancePrior) are resolved at fit time.
 */
export const BAYESIAN_OPTIONS = {
  nComponents: withDefault("Upper bound on the number of components;", 1, positiveInt),
  covarianceType: ESTIMATOR_OPTIONS.covarianceType,
  tol: withDefault("Convergence threshold on the change of the lower bound (not divided by n).", 1e-3, nonNegative),
  regCovar: withDefault("Added to the diagonal of every covariance.", DEFAULT_REG_COVAR, nonNegative),
  maxIter: withDefault("Maximum number of iterations per initialisation.", 100, positiveInt),
  nInit: ESTIMATOR_OPTIONS.nInit,
  // scikit-learn's four, with its default: the variational fit starts from responsibilities (its own table entry,
  // so that a change of GaussianMixture's initialisations does not change this estimator's).
  initParams: withDefault("How the first parameters are made", "kmeans" as InitParams, oneOf(SKLEARN_INIT_PARAMS)),
  weightConcentrationPriorType: withDefault(
    "The prior on the weights:",
    "dirichlet_process" as WeightConcentrationPriorType,
    oneOf(WEIGHT_PRIOR_TYPES),
  ),
  weightConcentrationPrior: optional("γ (Dirichlet process) or α₀ (Dirichlet distribution), > 0:", positive),
  meanPrecisionPrior: withDefault("β₀ > 0: how strongly the means are pulled towards `meanPrior`.", 1, positive),
  meanPrior: optional("m₀, the prior mean (nFeatures values).", finiteVector),
  degreesOfFreedomPrior: optional("ν₀ > nFeatures − 1, the Wishart prior's degrees of freedom.", finiteNumber),
  covariancePrior: optional(
    "The Wishart prior's scale:",
    checkedLater<number | ArrayLike<number> | ArrayLike<ArrayLike<number>>>(),
  ),
  randomState: ESTIMATOR_OPTIONS.randomState,
  warmStart: ESTIMATOR_OPTIONS.warmStart,
  onIteration: ESTIMATOR_OPTIONS.onIteration,
  signal: ESTIMATOR_OPTIONS.signal,
  threads: ESTIMATOR_OPTIONS.threads,
} as const;

/** Options of `fit(X, options)` and `fitPredict(X, options)`. */
export const FIT_OPTIONS = {
  sampleWeight: optional("Non-negative weight per sample (length n).", checkedLater<ArrayLike<number>>()),
} as const;

/** Options of a fitted model's `score(X, options)`. */
export const SCORE_OPTIONS = {
  sampleWeight: FIT_OPTIONS.sampleWeight,
} as const;

/** Options of a fitted model's `statistics(X, options)`. */
export const STATISTICS_OPTIONS = {
  sampleWeight: FIT_OPTIONS.sampleWeight,
} as const;

/** Options of `SufficientStatistics.toModel(options)` (the amounts' number is checked against d there). */
export const TO_MODEL_OPTIONS = {
  regCovar: withDefault(
    "Added to every variance: a number, or one per feature.",
    DEFAULT_REG_COVAR as number | ArrayLike<number>,
    regCovarAmount,
  ),
} as const;

/** Options of a fitted model's `sample(n, options)`. */
export const SAMPLE_OPTIONS = {
  randomState: withDefault("Seed of the generator of the draws.", 0, integerSeed),
} as const;

/** Options of `selectModel(X, options)`: the fitting options it passes on, and its own. */
export const SELECT_OPTIONS = {
  nComponents: optional(
    "Candidate numbers of components.",
    listOf<number>("positive integers", (k) => Number.isInteger(k) && (k as number) >= 1),
  ),
  covarianceTypes: withDefault(
    "Candidate covariance types.",
    ["spherical", "diag", "tied", "full"] as readonly CovarianceType[],
    listOf<CovarianceType>(quoted(["spherical", "diag", "tied", "full"]), (t) =>
      COVARIANCE_TYPES.includes(t as CovarianceType),
    ),
  ),
  criterion: withDefault("What picks the best cell", "bic" as Criterion, oneOf(CRITERIA)),
  nInit: ESTIMATOR_OPTIONS.nInit,
  initParams: ESTIMATOR_OPTIONS.initParams,
  randomState: ESTIMATOR_OPTIONS.randomState,
  regCovar: ESTIMATOR_OPTIONS.regCovar,
  // Cells are compared by criteria in units of the total log-likelihood: each fit is taken closer to its optimum
  // than a single fit's default (about mclust's stopping rule, a relative change of 1e-5).
  tol: withDefault(
    "Convergence threshold on the change of the mean per-sample log-likelihood of each fit.",
    1e-5,
    nonNegative,
  ),
  maxIter: ESTIMATOR_OPTIONS.maxIter,
  threads: ESTIMATOR_OPTIONS.threads,
  accelerate: ESTIMATOR_OPTIONS.accelerate,
  signal: optional("Aborts the selection", abortSignal),
  sampleWeight: FIT_OPTIONS.sampleWeight,
  onProgress: optional("Called after each cell", fn<(done: number, total: number, row: SelectionRowBase) => void>()),
} as const;

/** Options of `fitStream(source, options)`: the estimator's (but warmStart) and how the stream is read. */
export const STREAM_OPTIONS = {
  ...(({ warmStart: _, ...rest }) => rest)(ESTIMATOR_OPTIONS),
  sampleSize: withDefault("Samples kept by the reservoir sample of the first pass", 20000, positiveInt),
  chunkSize: withDefault("Samples the engine holds at a time", 65536, positiveInt),
  csv: optional("How CSV text sources are read", checkedLater<StreamCsvOptions>()),
} as const;

const stepDecay: Check<number> = (v, name) => {
  if (typeof v !== "number" || !(v > 0.5 && v <= 1)) throw invalidOption(name, "a number in (0.5, 1]", v);
  return v;
};

/** Options of `new OnlineGaussianMixture(options)`. */
export const ONLINE_OPTIONS = {
  nComponents: ESTIMATOR_OPTIONS.nComponents,
  covarianceType: ESTIMATOR_OPTIONS.covarianceType,
  regCovar: ESTIMATOR_OPTIONS.regCovar,
  initParams: ESTIMATOR_OPTIONS.initParams,
  randomState: ESTIMATOR_OPTIONS.randomState,
  stepDecay: withDefault("Decay κ of the step size (t + t0)^−κ", 0.6, stepDecay),
  stepOffset: withDefault("Offset t0 of the step size (t + t0)^−κ", 0, nonNegative),
  warmUp: withDefault("Batches averaged before the parameters first move", 0, (v, name) => {
    if (typeof v !== "number" || !Number.isInteger(v) || v < 0) throw invalidOption(name, "an integer ≥ 0", v);
    return v;
  }),
} as const;

/**
 * Validated estimator options; weightsInit is checked against nComponents and copied; `accelerate` defaults to
 * true except with explicit initial parameters or a warm start (scikit-learn's EM step for step).
 */
export type ResolvedOptions = Omit<Resolved<typeof ESTIMATOR_OPTIONS>, "weightsInit" | "regCovar"> & {
  readonly weightsInit?: Float64Array;
  /** The regularisation factor: the given regCovar, 1 with amounts per feature, else 1e-6 (src/regularization.ts). */
  readonly regCovar: number;
  /** The amounts per feature when regCovar is given as an array (checked against the data's d at fit time). */
  readonly regCovarAmounts?: Float64Array;
  /**
   * Whether regCovar shrinks with each feature's variance below 1 (not given, and initParams "auto" or "hc"
   * without explicit initial parameters) rather than an absolute amount in the data's units.
   */
  readonly regCovarRelative: boolean;
};

/** Validates the constructor options (shapes that depend on the data are checked at fit time). */
export function resolveOptions(options?: GaussianMixtureOptions): ResolvedOptions {
  const o = resolve(ESTIMATOR_OPTIONS, options, "options");
  const weightsInit = o.weightsInit === undefined ? undefined : checkWeightsInit(o.weightsInit, o.nComponents);
  if (o.meansInit !== undefined && (!isArrayLike(o.meansInit) || o.meansInit.length !== o.nComponents)) {
    throw new GaussMixError(
      "INVALID_INIT",
      `meansInit must have ${o.nComponents} rows (nComponents), got ${show(o.meansInit)}`,
    );
  }
  const explicitInit = o.weightsInit !== undefined || o.meansInit !== undefined || o.precisionsInit !== undefined;
  const given = (options as { accelerate?: unknown } | undefined)?.accelerate !== undefined;
  return {
    ...o,
    weightsInit,
    regCovar: typeof o.regCovar === "number" ? o.regCovar : o.regCovar ? 1 : DEFAULT_REG_COVAR,
    regCovarAmounts: typeof o.regCovar === "number" ? undefined : (o.regCovar as Float64Array | undefined),
    regCovarRelative: regCovarIsRelative(o),
    accelerate: given ? o.accelerate : !(explicitInit || o.warmStart),
  };
}

/** Validated options of `BayesianGaussianMixture`. */
export type ResolvedBayesianOptions = Resolved<typeof BAYESIAN_OPTIONS>;

/** Validates the options of `new BayesianGaussianMixture` (shapes that depend on the data are checked at fit time). */
export function resolveBayesianOptions(options?: BayesianGaussianMixtureOptions): ResolvedBayesianOptions {
  if (typeof options === "object" && options !== null) {
    const init = ["weightsInit", "meansInit", "precisionsInit"].find((key) => key in options);
    if (init) {
      throw unknownOption(
        init,
        "; BayesianGaussianMixture starts from initParams (explicit initial parameters are GaussianMixture's)",
      );
    }
  }
  const o = resolve(BAYESIAN_OPTIONS, options, "options");
  const p = o.covariancePrior;
  if (p !== undefined) {
    if (o.covarianceType === "spherical") {
      if (typeof p !== "number" || !Number.isFinite(p) || !(p > 0)) {
        throw invalidOption("covariancePrior", 'a finite number > 0 for covarianceType "spherical"', p);
      }
    } else if (!isArrayLike(p)) {
      const expected =
        o.covarianceType === "diag"
          ? 'an array of nFeatures values > 0 for covarianceType "diag"'
          : `an nFeatures × nFeatures matrix for covarianceType "${o.covarianceType}"`;
      throw invalidOption("covariancePrior", expected, p);
    }
  }
  return o;
}

/** Validates the options of `fit` / `fitPredict` (sampleWeight's values are checked against X by data.ts). */
export function resolveFitOptions(options?: FitOptions): Resolved<typeof FIT_OPTIONS> {
  return resolve(FIT_OPTIONS, options, "fit options");
}

/** Validates the options of `selectModel`. */
export function resolveSelectOptions(options?: SelectModelOptions): Resolved<typeof SELECT_OPTIONS> {
  return resolve(SELECT_OPTIONS, options, "selectModel options");
}

/** Validates the options of `FittedGaussianMixture.statistics` (the weights' values are checked against X). */
export function resolveStatisticsOptions(options?: {
  sampleWeight?: ArrayLike<number>;
}): Resolved<typeof STATISTICS_OPTIONS> {
  return resolve(STATISTICS_OPTIONS, options, "statistics options");
}

/** Validates the options of `SufficientStatistics.toModel`. */
export function resolveToModelOptions(options?: {
  regCovar?: number | ArrayLike<number>;
}): Resolved<typeof TO_MODEL_OPTIONS> {
  return resolve(TO_MODEL_OPTIONS, options, "toModel options");
}

/** Validates the options of `FittedGaussianMixture.score` (the weights' values are checked against X). */
export function resolveScoreOptions(options?: { sampleWeight?: ArrayLike<number> }): Resolved<typeof SCORE_OPTIONS> {
  return resolve(SCORE_OPTIONS, options, "score options");
}

/** Validates the options of `FittedGaussianMixture.sample`. */
export function resolveSampleOptions(options?: { randomState?: number }): Resolved<typeof SAMPLE_OPTIONS> {
  return resolve(SAMPLE_OPTIONS, options, "sample options");
}

/** scikit-learn's `_check_weights`: k values in [0, 1] summing to 1. */
function checkWeightsInit(w: unknown, k: number): Float64Array {
  const err = (m: string) => new GaussMixError("INVALID_INIT", `weightsInit ${m}`);
  if (!isArrayLike(w)) throw err(`must be an array of ${k} numbers, got ${show(w)}`);
  if (w.length !== k) throw err(`must have ${k} values (nComponents), got ${w.length}`);
  const out = new Float64Array(k);
  let sum = 0;
  for (let c = 0; c < k; c++) {
    const v = w[c];
    if (typeof v !== "number" || !Number.isFinite(v) || v < 0 || v > 1) {
      throw err(`values must be finite numbers in [0, 1], got ${show(v)} at index ${c}`);
    }
    out[c] = v;
    sum += v;
  }
  if (!(Math.abs(1 - sum) <= 1e-8)) throw err(`must sum to 1, got ${sum}`);
  return out;
}

/** meansInit as k×d, checked against the data's d. */
export function checkMeansInit(m: ArrayLike<ArrayLike<number>>, k: number, d: number): Float64Array {
  const out = new Float64Array(k * d);
  for (let c = 0; c < k; c++) {
    const row = m[c];
    if (!isArrayLike(row) || row.length !== d) {
      throw new GaussMixError(
        "INVALID_INIT",
        `meansInit must be ${k}×${d} (nComponents × nFeatures); row ${c} is ${show(row)}`,
      );
    }
    for (let j = 0; j < d; j++) {
      const v = row[j];
      if (typeof v !== "number" || !Number.isFinite(v)) {
        throw new GaussMixError(
          "INVALID_INIT",
          `meansInit value at [${c}][${j}] is ${show(v)}; expected a finite number`,
        );
      }
      out[c * d + j] = v;
    }
  }
  return out;
}

// ---- the public interfaces agree with the tables (a type error here means one of them drifted) -------------

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Given<S extends OptionTable> = { -readonly [K in keyof S]?: S[K] extends OptionSpec<infer T> ? T : never };
type Agree<Public, S extends OptionTable> = Equal<Required<Public>, Required<Given<S>>>;
/** `true` only when each public interface has exactly the table's names and value types. */
export type OptionsAgree = [
  Agree<GaussianMixtureOptions, typeof ESTIMATOR_OPTIONS>,
  Agree<FitOptions, typeof FIT_OPTIONS>,
  Agree<SelectModelOptions, typeof SELECT_OPTIONS>,
  Agree<StreamFitOptions, typeof STREAM_OPTIONS>,
  Agree<OnlineOptions, typeof ONLINE_OPTIONS>,
];
const optionsAgree: OptionsAgree = [true, true, true, true, true];
void optionsAgree;
