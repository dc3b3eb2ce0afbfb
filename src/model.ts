/**
 * A fitted Gaussian mixture: immutable parameters in scikit-learn's shapes and conventions, and the
 * per-sample methods (predict, predictProba, scoreSamples, score, bic, aic), sampling and JSON round trips.
 */
import { COVARIANCE_MODELS } from "./covariance.js";
import { sampleWeights } from "./data.js";
import { GaussMixError } from "./errors.js";
import { show } from "./util.js";
import { resolveSampleOptions, resolveScoreOptions } from "./options.js";
import { Random } from "./rng.js";
import { matrix } from "./matrix.js";
import type { CovarianceType, Covariances, DataInput, Matrix, ReadonlyCovarianceShape } from "./types.js";
import type { Params } from "./engine/types.js";
import { familyOf, KernelFamily } from "./wasm/abi.js";
import { readableParams } from "./model-json.js";
import { allocate, estimate } from "./model-estimate.js";
import { FORMAT, readModelJSON, VERSION } from "./model-read.js";
import { buildModel, type ModelParameters } from "./interop/parameters.js";
import { fingerprintOf, type SufficientStatistics } from "./statistics.js";
import { statisticsOf, stepOf } from "./statistics-accumulator.js";

/** What the fit found, besides the parameters. */
export interface FitSummary {
  readonly converged: boolean;
  readonly nIter: number;
  readonly lowerBound: number;
  readonly lowerBounds: readonly number[];
  /** Threads the passes ran on (1 for restored models). */
  readonly threads?: number;
  /** The amount the M-steps added to each feature's variance (d values), when known. */
  readonly regCovar?: ArrayLike<number>;
}

/**
 * The JSON document of a model (`toJSON` / `fromJSON`), version 2: parameters in scikit-learn's shapes, exact
 * copies of the fitted values, so predictions round-trip bit for bit. `fromJSON` also reads version 1 documents
 * (flat `means`, `covariances` and packed `factors`).
 */
export interface ModelJSON {
  format: "gaussmix-model";
  version: 2;
  covarianceType: CovarianceType;
  nComponents: number;
  nFeatures: number;
  /** Names of the d features (the columns of the data), when known; kept by `fromJSON` as `featureNames`. */
  featureNames?: string[];
  weights: number[];
  /** k × d. */
  means: number[][];
  /** full k×d×d, tied d×d, diag k×d, spherical k. */
  covariances: Covariances;
  /** scikit-learn's `precisions_cholesky_`, same shapes as `covariances` (upper-triangular for full and tied). */
  precisionsCholesky: Covariances;
  converged: boolean;
  nIter: number;
  lowerBound: number;
  lowerBounds: number[];
  /** The amount the M-steps added to each feature's variance (d values; the model's `regCovar`), when known. */
  regCovar?: number[];
}

/** Node's key for a custom `util.inspect` (a registered symbol: no import of node:util). */
const INSPECT: unique symbol = Symbol.for("nodejs.util.inspect.custom");

/** The most values `sample` returns (n × d): the largest typed array every runtime allocates. */
export const MAX_SAMPLE_VALUES = 2 ** 31 - 1;

function freeze<T>(x: T): T {
  if (Array.isArray(x)) {
    for (const v of x) freeze(v);
    Object.freeze(x);
  }
  return x;
}

/**
 * A fitted model of covariance type T. A value of the type `AnyFittedGaussianMixture` (what `fromJSON` returns)
 * is narrowed to one T by checking `covarianceType`.
 */
export class FittedGaussianMixture<T extends CovarianceType = CovarianceType> {
  readonly covarianceType: T;
  readonly nComponents: number;
  readonly nFeatures: number;
  readonly converged: boolean;
  readonly nIter: number;
  /** scikit-learn's `lower_bound_`: the mean per-sample log-likelihood of the last EM pass. */
  readonly lowerBound: number;
  /** The lower bound after every iteration of the kept initialisation (the log-likelihood curve). */
  readonly lowerBounds: readonly number[];
  /**
   * Threads the EM passes of this fit ran on: `threads` of the options, or 1 where threads are unavailable
   * (no shared memory or workers), for small problems, and for models restored by `fromJSON`.
   */
  readonly threads: number;
  /** Names of the features (columns), from a model document that has them (`ModelJSON.featureNames`). */
  readonly featureNames?: readonly string[];
  /**
   * The amount the M-steps of this fit added to each feature's variance (d values; spherical: their mean was
   * added): regCovar as given, or 1e-6 × min(1, each feature's variance) for the default of the library's own
   * initialisations (see `GaussianMixtureOptions.regCovar`). `step` uses it (unless told otherwise) to continue
   * this fit's EM exactly; the model document keeps it. Undefined for models not made by an M-step of this
   * library (`fromParameters`, documents without it, the variational fit).
   */
  readonly regCovar?: readonly number[];
  /** @internal engine storage; never mutated. */
  readonly params: Params;
  private readonly cache = new Map<string, unknown>();
  /**
   * @internal The per-component constants of the estimate kernel (2k), when they are not log w_c + log det U_c
   * − d/2·log 2π (the variational model's, with expected log-weights and log-determinants).
   */
  protected logConstants?: Float64Array;

  /** @internal Made by `GaussianMixture.fit` and `fromJSON`. */
  constructor(type: T, k: number, d: number, params: Params, summary: FitSummary, featureNames?: readonly string[]) {
    this.covarianceType = type;
    this.nComponents = k;
    this.nFeatures = d;
    this.params = params;
    this.converged = summary.converged;
    this.nIter = summary.nIter;
    this.lowerBound = summary.lowerBound;
    this.lowerBounds = Object.freeze([...summary.lowerBounds]);
    this.threads = summary.threads ?? 1;
    if (featureNames !== undefined) this.featureNames = Object.freeze([...featureNames]);
    if (summary.regCovar !== undefined) this.regCovar = Object.freeze(Array.from(summary.regCovar));
    Object.freeze(this.params);
    // The engine's storage and the memo stay out of logs and Object.keys (no #fields: ES5-targeted consumers).
    for (const key of ["params", "cache"]) Object.defineProperty(this, key, { enumerable: false });
  }

  // V is the getter's declared type: the covariance table returns the union of the four shapes.
  private memo<V>(key: string, make: () => unknown): V {
    if (!this.cache.has(key)) this.cache.set(key, freeze(make()));
    return this.cache.get(key) as V;
  }

  private get cm() {
    return COVARIANCE_MODELS[this.covarianceType];
  }

  /** Mixture weights (k), summing to 1. */
  get weights(): readonly number[] {
    return this.memo("weights", () => Array.from(this.params.weights));
  }

  /** Component means (k × d). */
  get means(): readonly (readonly number[])[] {
    const { d } = this.shape;
    return this.memo("means", () =>
      Array.from({ length: this.nComponents }, (_, c) => Array.from(this.params.means.subarray(c * d, (c + 1) * d))),
    );
  }

  /** Covariances: full k×d×d, tied d×d, diag k×d, spherical k. */
  get covariances(): ReadonlyCovarianceShape<T> {
    return this.memo("cov", () => this.cm.covariances(this.params.cov, this.nFeatures, this.nComponents));
  }

  /** Precisions (inverse covariances), same shapes as `covariances`. */
  get precisions(): ReadonlyCovarianceShape<T> {
    return this.memo("prec", () => this.cm.precisions(this.params.factors, this.nFeatures, this.nComponents));
  }

  /** scikit-learn's `precisions_cholesky_`: upper-triangular U with precision = U·Uᵀ (diag/spherical: √precision). */
  get precisionsCholesky(): ReadonlyCovarianceShape<T> {
    return this.memo("pchol", () => this.cm.precisionsCholesky(this.params.factors, this.nFeatures, this.nComponents));
  }

  private get shape() {
    return { d: this.nFeatures, k: this.nComponents };
  }

  /** Number of free parameters: covariance terms + k·d means + (k − 1) weights. */
  nParameters(): number {
    const { d, k } = this.shape;
    return this.cm.covarianceParameters(d, k) + k * d + k - 1;
  }

  /** The estimate kernel on Y, in chunks of rows (`model-estimate.ts`). */
  private estimate(Y: DataInput, want: { logNorm?: boolean; resp?: boolean; labels?: boolean }) {
    const { covarianceType, nComponents, nFeatures, params, logConstants } = this;
    return estimate({ covarianceType, nComponents, nFeatures, params, logConstants }, Y, want);
  }

  /** The most likely component of each sample (n). */
  predict(X: DataInput): Int32Array {
    return this.estimate(X, { labels: true }).labels!;
  }

  /** Responsibilities: the posterior probability of each component for each sample (n × k, rows sum to 1). */
  predictProba(X: DataInput): Matrix {
    const { n, resp } = this.estimate(X, { resp: true });
    return matrix(resp!, [n, this.nComponents]);
  }

  /** log p(x) of each sample under the mixture (n). */
  scoreSamples(X: DataInput): Float64Array {
    return this.estimate(X, { logNorm: true }).logNorm!;
  }

  /** Mean log-likelihood of X (weighted by `sampleWeight` if given). */
  score(X: DataInput, options: { sampleWeight?: ArrayLike<number> } = {}): number {
    const { sampleWeight } = resolveScoreOptions(options);
    const ll = this.scoreSamples(X);
    if (sampleWeight === undefined) return mean(ll);
    const w = sampleWeights(sampleWeight, ll.length)!;
    let s = 0;
    let v = 0;
    for (let i = 0; i < ll.length; i++) {
      if (w[i] > 0) s += w[i] * ll[i];
      v += w[i];
    }
    return s / v;
  }

  /** Bayesian information criterion on X: −2·n·score(X) + p·ln n (lower is better). */
  bic(X: DataInput): number {
    const ll = this.scoreSamples(X);
    return -2 * mean(ll) * ll.length + this.nParameters() * Math.log(ll.length);
  }

  /** Akaike information criterion on X: −2·n·score(X) + 2p (lower is better). */
  aic(X: DataInput): number {
    const ll = this.scoreSamples(X);
    return -2 * mean(ll) * ll.length + 2 * this.nParameters();
  }

  /**
   * Draws n samples: component counts from a multinomial over the weights, then Gaussian draws; samples come
   * grouped by component, as scikit-learn's. `randomState` defaults to 0.
   */
  sample(n = 1, options: { randomState?: number } = {}): { X: Matrix; labels: Int32Array } {
    if (typeof n !== "number" || !Number.isInteger(n) || n < 1) {
      throw new GaussMixError("INVALID_OPTION", `sample: n must be a positive integer, got ${show(n)}`);
    }
    const { randomState } = resolveSampleOptions(options);
    const { d, k } = this.shape;
    if (n * d > MAX_SAMPLE_VALUES) {
      throw new GaussMixError(
        "DATA_TOO_LARGE",
        `sample: n = ${n} draws of ${d} features would be ${n * d} values, more than the ${MAX_SAMPLE_VALUES} ` +
          "one array can hold: draw in batches of fewer samples (with a different randomState per batch).",
      );
    }
    const X = allocate(Float64Array, n * d, `sample(${n})`);
    const labels = allocate(Int32Array, n, `sample(${n})`);
    const rng = new Random(randomState);
    const counts = rng.multinomial(n, this.params.weights);
    const type = this.covarianceType;
    const z = new Float64Array(d);
    let i = 0;
    for (let c = 0; c < k; c++) {
      const mu = this.params.means.subarray(c * d, (c + 1) * d);
      // x = μ + L z with cov = L Lᵀ (full/tied), or μ + σ ∘ z (diag/spherical).
      labels.fill(c, i, i + counts[c]);
      if (familyOf(type) === KernelFamily.triangular) {
        const L = choleskyLower(this.params.cov.subarray(type === "tied" ? 0 : c * d * d), d);
        for (let s = 0; s < counts[c]; s++, i++) {
          for (let j = 0; j < d; j++) z[j] = rng.normal();
          for (let a = 0; a < d; a++) {
            let v = mu[a];
            for (let b = 0; b <= a; b++) v += L[a * d + b] * z[b];
            X[i * d + a] = v;
          }
        }
      } else {
        const sd = this.params.cov.slice(c * d, (c + 1) * d).map(Math.sqrt);
        for (let s = 0; s < counts[c]; s++, i++) {
          for (let a = 0; a < d; a++) X[i * d + a] = mu[a] + sd[a] * rng.normal();
        }
      }
    }
    return { X: matrix(X, [n, d]), labels };
  }

  /** Identifies the exact parameters (a hash of their bits): statistics carry it so they merge only with their own. */
  get fingerprint(): string {
    return this.memo("fingerprint", () => fingerprintOf(this.covarianceType, this.params));
  }

  /**
   * The sufficient statistics of one EM pass over X with this model's parameters (see statistics.ts): merge
   * those of several parts of the data, then `step` (or `toModel`) gives the next model of EM.
   */
  statistics(X: DataInput, options: { sampleWeight?: ArrayLike<number> } = {}): SufficientStatistics {
    return statisticsOf(this, X, options);
  }

  /**
   * The model after one EM iteration: the M-step from statistics this model computed (STATISTICS_MISMATCH
   * otherwise). `regCovar` (a number or d amounts) defaults to this model's `regCovar` (else 1e-6), so that
   * steps continue the fit that made the model.
   */
  step(stats: SufficientStatistics, options: { regCovar?: number | ArrayLike<number> } = {}): FittedGaussianMixture {
    return stepOf(this, stats, options);
  }

  /** A JSON document that `fromJSON` turns back into an identical model (bit-identical predictions). */
  toJSON(): ModelJSON {
    const { d, k } = this.shape;
    const { means, cov, factors } = this.params;
    return {
      format: FORMAT,
      version: VERSION,
      covarianceType: this.covarianceType,
      nComponents: this.nComponents,
      nFeatures: this.nFeatures,
      ...(this.featureNames && { featureNames: [...this.featureNames] }),
      weights: Array.from(this.params.weights),
      ...readableParams(this.covarianceType, d, k, means, cov, factors),
      converged: this.converged,
      nIter: this.nIter,
      lowerBound: this.lowerBound,
      lowerBounds: [...this.lowerBounds],
      ...(this.regCovar && { regCovar: [...this.regCovar] }),
    };
  }

  /** Restores a model from `toJSON()` output (an object or its JSON string); check `covarianceType` to narrow it. */
  static fromJSON(json: unknown): AnyFittedGaussianMixture;
  static fromJSON(json: unknown): FittedGaussianMixture {
    const m = readModelJSON(json);
    return new FittedGaussianMixture(m.type, m.k, m.d, m.params, m.summary, m.featureNames);
  }

  /**
   * A fitted model from parameters in scikit-learn's shapes: `{ covarianceType, weights, means, covariances }`
   * and/or `precisionsCholesky` (both: predictions use `precisionsCholesky` exactly). Validated: weights ≥ 0
   * summing to 1 within rounding, finite means, positive-definite covariances; a bad field throws a GaussMixError
   * of code INVALID_OPTION naming it. `converged`, `nIter`, `lowerBound` and `lowerBounds` may be given (defaults:
   * true, 0, −Infinity, []).
   */
  static fromParameters(parameters: ModelParameters): AnyFittedGaussianMixture;
  static fromParameters(parameters: ModelParameters): FittedGaussianMixture {
    const m = buildModel(parameters);
    return new FittedGaussianMixture(m.covarianceType, m.nComponents, m.nFeatures, m.params, m.summary);
  }

  /**
   * @internal What `console.log(model)` and `util.inspect(model)` show in Node: the fitted parameters and the
   * summary, not the engine's storage.
   */
  [INSPECT](depth: number, options: object, inspect?: (value: unknown, options: object) => string): string {
    if (depth < 0) return `[FittedGaussianMixture<"${this.covarianceType}">]`;
    const summary = {
      covarianceType: this.covarianceType,
      nComponents: this.nComponents,
      nFeatures: this.nFeatures,
      converged: this.converged,
      nIter: this.nIter,
      lowerBound: this.lowerBound,
      threads: this.threads,
      weights: this.weights,
      means: this.means,
      covariances: this.covariances,
    };
    return `FittedGaussianMixture ${inspect ? inspect(summary, options) : JSON.stringify(summary)}`;
  }
}

/**
 * A fitted model of one of the covariance types T, as a union of `FittedGaussianMixture<"full">` … so that
 * checking `model.covarianceType` narrows the shapes of `covariances` and `precisions`.
 */
export type AnyFittedGaussianMixture<T extends CovarianceType = CovarianceType> = T extends CovarianceType
  ? FittedGaussianMixture<T>
  : never;

function mean(v: Float64Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i];
  return s / v.length;
}

/**
 * Lower Cholesky factor of a d×d covariance (row-major); used for sampling only. Not the cholesky kernel:
 * `sample` needs no engine (it works before the WebAssembly module is loaded, and where a synchronous compile
 * is refused, as on a browser's main thread), and it clamps a pivot that rounding left slightly below 0 in a
 * restored covariance instead of failing.
 */
function choleskyLower(a: Float64Array, d: number): Float64Array {
  const L = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * d + j];
      for (let m = 0; m < j; m++) s -= L[i * d + m] * L[j * d + m];
      L[i * d + j] = i === j ? Math.sqrt(Math.max(s, 0)) : s / L[j * d + j];
    }
  }
  return L;
}
