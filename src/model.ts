/**
 * A fitted Gaussian mixture: immutable parameters in scikit-learn's shapes and conventions, and the
 * per-sample methods (predict, predictProba, scoreSamples, score, bic, aic), sampling and JSON round trips.
 */
import { COVARIANCE_MODELS } from "./covariance.js";
import { isArrayLike, tri } from "./util.js";
import { checkFeatures, describe, sampleWeights, writePairs } from "./data.js";
import { GaussMixError } from "./errors.js";
import { Random } from "./rng.js";
import type { CovarianceType, Covariances, DataInput, Matrix } from "./types.js";
import { acquireEngineSync, releaseEngine } from "./wasm/engine.js";
import type { Params } from "./engine/types.js";
import { factorEntries, familyOf, KernelFamily, paramsSizes, strides } from "./wasm/abi.js";
import { buildModel, type ModelParameters } from "./interop/parameters.js";

/** What the fit found, besides the parameters. */
export interface FitSummary {
  readonly converged: boolean;
  readonly nIter: number;
  readonly lowerBound: number;
  readonly lowerBounds: readonly number[];
  /** Threads the passes ran on (1 for restored models). */
  readonly threads?: number;
}

/** The JSON document of a model (`toJSON` / `fromJSON`). */
export interface ModelJSON {
  format: "gaussmix-model";
  version: 1;
  covarianceType: CovarianceType;
  nComponents: number;
  nFeatures: number;
  weights: number[];
  means: number[];
  /** Engine storage (see covariance.ts): exact, so predictions round-trip bit for bit. */
  covariances: number[];
  factors: number[];
  converged: boolean;
  nIter: number;
  lowerBound: number;
  lowerBounds: number[];
}

const FORMAT = "gaussmix-model";
const VERSION = 1;

function freeze<T>(x: T): T {
  if (Array.isArray(x)) {
    for (const v of x) freeze(v);
    Object.freeze(x);
  }
  return x;
}

export class FittedGaussianMixture {
  readonly covarianceType: CovarianceType;
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
  /** @internal engine storage; never mutated. */
  readonly params: Params;
  private cache = new Map<string, unknown>();

  /** @internal Made by `GaussianMixture.fit` and `fromJSON`. */
  constructor(type: CovarianceType, k: number, d: number, params: Params, summary: FitSummary) {
    this.covarianceType = type;
    this.nComponents = k;
    this.nFeatures = d;
    this.params = params;
    this.converged = summary.converged;
    this.nIter = summary.nIter;
    this.lowerBound = summary.lowerBound;
    this.lowerBounds = Object.freeze([...summary.lowerBounds]);
    this.threads = summary.threads ?? 1;
    Object.freeze(this.params);
  }

  private memo<T>(key: string, make: () => T): T {
    if (!this.cache.has(key)) this.cache.set(key, freeze(make()));
    return this.cache.get(key) as T;
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
  get covariances(): Covariances {
    return this.memo("cov", () => this.cm.covariances(this.params.cov, this.nFeatures, this.nComponents));
  }

  /** Precisions (inverse covariances), same shapes as `covariances`. */
  get precisions(): Covariances {
    return this.memo("prec", () => this.cm.precisions(this.params.factors, this.nFeatures, this.nComponents));
  }

  /** scikit-learn's `precisions_cholesky_`: upper-triangular U with precision = U·Uᵀ (diag/spherical: √precision). */
  get precisionsCholesky(): Covariances {
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

  /**
   * Runs the estimate kernel on Y. Returns log p(y) per sample and, when asked, the responsibilities (n × k)
   * and labels.
   */
  private estimate(Y: DataInput, want: { logNorm?: boolean; resp?: boolean; labels?: boolean }) {
    const data = describe(Y, "X");
    checkFeatures(data, this.nFeatures);
    const { n } = data;
    const { d, k } = this.shape;
    const pairs = (n + 1) >> 1;
    const engine = acquireEngineSync();
    try {
      const sizes = paramsSizes(this.covarianceType, d, k);
      const ptr = engine.layout({
        X: pairs * d * 16,
        weights: sizes.weights * 8,
        means: sizes.means * 8,
        factors: sizes.factors * 8,
        logConst: 2 * k * 8,
        scratch: engine.kernels.scratchBytes(d, k),
        logNorm: want.logNorm ? pairs * 16 : 0,
        resp: want.resp ? pairs * 2 * k * 8 : 0,
        labels: want.labels ? pairs * 8 : 0,
      });
      const f = engine.f64;
      writePairs(data, f, ptr.X >> 3);
      f.set(this.params.weights, ptr.weights >> 3);
      f.set(this.params.means, ptr.means >> 3);
      f.set(this.params.factors, ptr.factors >> 3);
      const family = familyOf(this.covarianceType);
      const stride = strides(this.covarianceType, d).factorStride;
      engine.kernels.logConstants(family, d, k, ptr.weights, ptr.factors, stride, ptr.logConst);
      engine.kernels.estimate(
        family,
        ptr.X,
        0,
        pairs,
        d,
        k,
        ptr.means,
        ptr.factors,
        stride,
        ptr.logConst,
        want.logNorm ? ptr.logNorm : 0,
        want.resp ? ptr.resp : 0,
        want.labels ? ptr.labels : 0,
        ptr.scratch,
      );
      const out = engine.f64;
      return {
        n,
        logNorm: want.logNorm ? out.slice(ptr.logNorm >> 3, (ptr.logNorm >> 3) + n) : undefined,
        resp: want.resp ? out.slice(ptr.resp >> 3, (ptr.resp >> 3) + n * k) : undefined,
        labels: want.labels ? engine.i32.slice(ptr.labels >> 2, (ptr.labels >> 2) + n) : undefined,
      };
    } finally {
      releaseEngine(engine);
    }
  }

  /** The most likely component of each sample (n). */
  predict(X: DataInput): Int32Array {
    return this.estimate(X, { labels: true }).labels!;
  }

  /** Responsibilities: the posterior probability of each component for each sample (n × k, rows sum to 1). */
  predictProba(X: DataInput): Matrix {
    const { n, resp } = this.estimate(X, { resp: true });
    return { data: resp!, shape: [n, this.nComponents] };
  }

  /** log p(x) of each sample under the mixture (n). */
  scoreSamples(X: DataInput): Float64Array {
    return this.estimate(X, { logNorm: true }).logNorm!;
  }

  /** Mean log-likelihood of X (weighted by `sampleWeight` if given). */
  score(X: DataInput, options: { sampleWeight?: ArrayLike<number> } = {}): number {
    const ll = this.scoreSamples(X);
    if (options.sampleWeight === undefined) return mean(ll);
    const w = sampleWeights(options.sampleWeight, ll.length);
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
    if (!Number.isInteger(n) || n < 1) {
      throw new GaussMixError("INVALID_OPTION", `sample: n must be a positive integer, got ${String(n)}`);
    }
    const seed = options.randomState ?? 0;
    if (!Number.isInteger(seed)) {
      throw new GaussMixError("INVALID_OPTION", `sample: randomState must be an integer seed, got ${String(seed)}`);
    }
    const rng = new Random(seed);
    const { d, k } = this.shape;
    const counts = rng.multinomial(n, this.params.weights);
    const X = new Float64Array(n * d);
    const labels = new Int32Array(n);
    const type = this.covarianceType;
    const z = new Float64Array(d);
    let i = 0;
    for (let c = 0; c < k; c++) {
      const mu = this.params.means.subarray(c * d, (c + 1) * d);
      // x = μ + L z with cov = L Lᵀ (full/tied), or μ + σ ∘ z (diag/spherical).
      const L =
        familyOf(type) === KernelFamily.triangular
          ? choleskyLower(this.params.cov.subarray(type === "tied" ? 0 : c * d * d), d)
          : undefined;
      for (let s = 0; s < counts[c]; s++, i++) {
        labels[i] = c;
        for (let j = 0; j < d; j++) z[j] = rng.normal();
        for (let a = 0; a < d; a++) {
          let v = mu[a];
          if (L) for (let b = 0; b <= a; b++) v += L[a * d + b] * z[b];
          else v += Math.sqrt(this.params.cov[c * d + a]) * z[a];
          X[i * d + a] = v;
        }
      }
    }
    return { X: { data: X, shape: [n, d] }, labels };
  }

  /** A JSON document that `fromJSON` turns back into an identical model (bit-identical predictions). */
  toJSON(): ModelJSON {
    return {
      format: FORMAT,
      version: VERSION,
      covarianceType: this.covarianceType,
      nComponents: this.nComponents,
      nFeatures: this.nFeatures,
      weights: Array.from(this.params.weights),
      means: Array.from(this.params.means),
      covariances: Array.from(this.params.cov),
      factors: Array.from(this.params.factors),
      converged: this.converged,
      nIter: this.nIter,
      lowerBound: this.lowerBound,
      lowerBounds: [...this.lowerBounds],
    };
  }

  /** Restores a model from `toJSON()` output (an object or its JSON string). */
  static fromJSON(json: unknown): FittedGaussianMixture {
    const doc = typeof json === "string" ? parse(json) : json;
    const bad = (m: string) => new GaussMixError("INVALID_MODEL_JSON", `fromJSON: ${m}`);
    if (typeof doc !== "object" || doc === null) throw bad("expected an object made by toJSON()");
    const o = doc as Record<string, unknown>;
    if (o.format !== FORMAT) throw bad(`format must be "${FORMAT}", got ${JSON.stringify(o.format)}`);
    if (o.version !== VERSION)
      throw bad(`unsupported version ${JSON.stringify(o.version)} (this library reads ${VERSION})`);
    const type = o.covarianceType as CovarianceType;
    if (typeof type !== "string" || !Object.prototype.hasOwnProperty.call(COVARIANCE_MODELS, type)) {
      throw bad(`unknown covarianceType ${JSON.stringify(o.covarianceType)}`);
    }
    const k = o.nComponents;
    const d = o.nFeatures;
    if (!Number.isInteger(k) || (k as number) < 1) throw bad("nComponents must be a positive integer");
    if (!Number.isInteger(d) || (d as number) < 1) throw bad("nFeatures must be a positive integer");
    const sizes = paramsSizes(type, d as number, k as number);
    const fs = factorEntries(type, d as number);
    const vec = (name: string, len: number, check?: (v: number) => boolean) => {
      const v = o[name];
      if (!isArrayLike(v) || v.length !== len) throw bad(`${name} must be an array of ${len} numbers`);
      const out = new Float64Array(len);
      for (let i = 0; i < len; i++) {
        const x = v[i];
        if (typeof x !== "number" || !Number.isFinite(x) || (check && !check(x))) {
          throw bad(`${name}[${i}] is ${JSON.stringify(x)}, not a valid value`);
        }
        out[i] = x;
      }
      return out;
    };
    const params: Params = {
      weights: vec("weights", k as number, (w) => w >= 0),
      means: vec("means", (k as number) * (d as number)),
      cov: vec("covariances", sizes.cov),
      factors: vec("factors", sizes.factors),
    };
    // Factors must have a positive diagonal (their logarithm is the log-determinant).
    for (let c = 0; c < sizes.factors / fs; c++) {
      for (let j = 0; j < (d as number); j++) {
        const v = params.factors[c * fs + (familyOf(type) === KernelFamily.triangular ? tri(j) + j : j)];
        if (!(v > 0)) throw bad("factors must have a positive diagonal");
      }
    }
    const lowerBounds = o.lowerBounds;
    if (!Array.isArray(lowerBounds) || !lowerBounds.every((v) => typeof v === "number")) {
      throw bad("lowerBounds must be an array of numbers");
    }
    if (typeof o.converged !== "boolean") throw bad("converged must be a boolean");
    if (!Number.isInteger(o.nIter) || (o.nIter as number) < 0) throw bad("nIter must be a non-negative integer");
    // A model built from parameters has no EM pass behind it: its lower bound −Infinity is null in JSON.
    const lowerBound = o.lowerBound === null ? -Infinity : o.lowerBound;
    if (typeof lowerBound !== "number") throw bad("lowerBound must be a number (or null: no EM pass)");
    return new FittedGaussianMixture(type, k as number, d as number, params, {
      converged: o.converged,
      nIter: o.nIter as number,
      lowerBound,
      lowerBounds: lowerBounds as number[],
    });
  }

  /**
   * A fitted model from parameters in scikit-learn's shapes: `{ covarianceType, weights, means, covariances }`
   * and/or `precisionsCholesky` (both: predictions use `precisionsCholesky` exactly). Validated: weights ≥ 0
   * summing to 1 within rounding, finite means, positive-definite covariances; a bad field throws a GaussMixError
   * of code INVALID_OPTION naming it. `converged`, `nIter`, `lowerBound` and `lowerBounds` may be given (defaults:
   * true, 0, −Infinity, []).
   */
  static fromParameters(parameters: ModelParameters): FittedGaussianMixture {
    const m = buildModel(parameters);
    return new FittedGaussianMixture(m.covarianceType, m.nComponents, m.nFeatures, m.params, m.summary);
  }
}

function parse(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch (e) {
    throw new GaussMixError("INVALID_MODEL_JSON", `fromJSON: not valid JSON (${(e as Error).message})`);
  }
}

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
