/**
 * A fitted Gaussian mixture: immutable parameters in scikit-learn's shapes and conventions, and the
 * per-sample methods (predict, predictProba, scoreSamples, score, bic, aic), sampling and JSON round trips.
 */
import { COVARIANCE_MODELS } from "./covariance.js";
import { isArrayLike, show, tri } from "./util.js";
import { checkFeatures, type Data, describe, sampleWeights, writePairs } from "./data.js";
import { GaussMixError, MAX_SQUARABLE } from "./errors.js";
import { resolveSampleOptions, resolveScoreOptions } from "./options.js";
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

/** Engine bytes of one chunk of rows of the per-sample methods (small enough for the engine to be pooled). */
const ESTIMATE_CHUNK_BYTES = 32 * 1024 * 1024;

/** The most values `sample` returns (n × d): the largest typed array every runtime allocates. */
export const MAX_SAMPLE_VALUES = 2 ** 31 - 1;

/** A typed array of `length`, or DATA_TOO_LARGE (with what needed it) when the runtime cannot allocate it. */
function allocate<T>(Type: { new (n: number): T; BYTES_PER_ELEMENT: number }, length: number, what: string): T {
  try {
    return new Type(length);
  } catch (e) {
    throw new GaussMixError(
      "DATA_TOO_LARGE",
      `${what} needs an array of ${length} values (${length * Type.BYTES_PER_ELEMENT} bytes) that this runtime ` +
        "cannot allocate: pass fewer samples per call (the results of separate calls on slices of X are the same).",
      { cause: e },
    );
  }
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
  /**
   * @internal The per-component constants of the estimate kernel (2k), when they are not log w_c + log det U_c
   * − d/2·log 2π (the variational model's, with expected log-weights and log-determinants).
   */
  protected logConstants?: Float64Array;

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
   * Runs the estimate kernel on Y, in chunks of rows so that the engine's memory stays small whatever n and
   * k are. Returns log p(y) per sample and, when asked, the responsibilities (n × k) and labels. Rows whose
   * densities overflow or underflow in the kernel are finished in `extremeRow`.
   */
  private estimate(Y: DataInput, want: { logNorm?: boolean; resp?: boolean; labels?: boolean }) {
    const data = describe(Y, "X");
    checkFeatures(data, this.nFeatures);
    const { n } = data;
    const { d, k } = this.shape;
    const logNorm = allocate(Float64Array, n, "scoreSamples");
    const resp = want.resp ? allocate(Float64Array, n * k, `predictProba (${n} × ${k})`) : undefined;
    const labels = want.labels ? allocate(Int32Array, n, "predict") : undefined;
    const perRow = d * 8 + 8 + (want.resp ? k * 8 : 0) + (want.labels ? 4 : 0);
    const rows = Math.max(2, 2 * Math.floor(ESTIMATE_CHUNK_BYTES / perRow / 2));
    const chunk = Math.min(n + (n % 2), rows);
    const pairs = chunk / 2;
    const engine = acquireEngineSync();
    try {
      const sizes = paramsSizes(this.covarianceType, d, k);
      const ptr = engine.layout(
        {
          X: pairs * d * 16,
          weights: sizes.weights * 8,
          means: sizes.means * 8,
          factors: sizes.factors * 8,
          logConst: 2 * k * 8,
          scratch: engine.kernels.scratchBytes(d, k),
          logNorm: pairs * 16,
          resp: want.resp ? pairs * 2 * k * 8 : 0,
          labels: want.labels ? pairs * 8 : 0,
        },
        `the per-sample methods of a model with ${k} components × ${d} features`,
        "use a model with fewer components or features",
      );
      const f = engine.f64;
      f.set(this.params.weights, ptr.weights >>> 3);
      f.set(this.params.means, ptr.means >>> 3);
      f.set(this.params.factors, ptr.factors >>> 3);
      const family = familyOf(this.covarianceType);
      const stride = strides(this.covarianceType, d).factorStride;
      if (this.logConstants) f.set(this.logConstants, ptr.logConst >>> 3);
      else engine.kernels.logConstants(family, d, k, ptr.weights, ptr.factors, stride, ptr.logConst);
      const logConst = f.slice(ptr.logConst >>> 3, (ptr.logConst >>> 3) + k);
      for (let i0 = 0; i0 < n; i0 += chunk) {
        const i1 = Math.min(n, i0 + chunk);
        const m = i1 - i0;
        writePairs(data, f, ptr.X >>> 3, "X", i0, i1);
        engine.kernels.estimate(
          family,
          ptr.X,
          0,
          Math.ceil(m / 2),
          d,
          k,
          ptr.means,
          ptr.factors,
          stride,
          ptr.logConst,
          ptr.logNorm,
          want.resp ? ptr.resp : 0,
          want.labels ? ptr.labels : 0,
          ptr.scratch,
        );
        logNorm.set(f.subarray(ptr.logNorm >>> 3, (ptr.logNorm >>> 3) + m), i0);
        if (resp) resp.set(f.subarray(ptr.resp >>> 3, (ptr.resp >>> 3) + m * k), i0 * k);
        if (labels) labels.set(engine.i32.subarray(ptr.labels >>> 2, (ptr.labels >>> 2) + m), i0);
        for (let i = i0; i < i1; i++) {
          // Finite input always has a finite score or −∞, never NaN: the kernel's NaN means every component's
          // density overflowed the float64 range (values near 1e300, say) and the row is redone here.
          if (!(logNorm[i] > -Infinity)) this.extremeRow(data, i, logConst, logNorm, resp, labels);
        }
      }
      return { n, logNorm, resp, labels };
    } finally {
      releaseEngine(engine);
    }
  }

  /**
   * One sample whose Mahalanobis distances overflow float64: the distances are computed on (x − μ)/s with s
   * the largest magnitude involved, so that each component's log-density is log c − (s·‖y‖/√2)², which is
   * −∞ only when it truly is beyond the float64 range. log p(x) is then −∞ (the density underflows), and the
   * responsibilities are their limit: all of it to the component with the largest density (the smallest
   * scaled distance; the first on ties), which is also the label.
   */
  private extremeRow(
    data: Data,
    i: number,
    logConst: Float64Array,
    logNorm: Float64Array,
    resp: Float64Array | undefined,
    labels: Int32Array | undefined,
  ): void {
    const { d, k } = this.shape;
    const { means, factors } = this.params;
    const triangular = familyOf(this.covarianceType) === KernelFamily.triangular;
    const fs = factorEntries(this.covarianceType, d);
    const tied = this.covarianceType === "tied";
    const x = Array.from({ length: d }, (_, j) => data.at(i, j));
    let s = 0;
    for (let j = 0; j < d; j++) s = Math.max(s, Math.abs(x[j]));
    for (const v of means) s = Math.max(s, Math.abs(v));
    const lp = new Float64Array(k);
    const scaled = new Float64Array(k);
    const u = new Float64Array(d);
    for (let c = 0; c < k; c++) {
      for (let j = 0; j < d; j++) u[j] = x[j] / s - means[c * d + j] / s;
      const F = (tied ? 0 : c) * fs;
      let q = 0;
      for (let j = 0; j < d; j++) {
        let y = 0;
        if (triangular) for (let a = 0; a <= j; a++) y += factors[F + tri(j) + a] * u[a];
        else y = factors[F + j] * u[j];
        q += y * y;
      }
      const t = s * Math.sqrt(0.5 * q); // ½·‖y‖² squared last: finite whenever it is representable
      lp[c] = logConst[c] - t * t;
      scaled[c] = logConst[c] / s / s - 0.5 * q;
    }
    let best = 0;
    for (let c = 1; c < k; c++) if (lp[c] > lp[best] || (lp[c] === lp[best] && scaled[c] > scaled[best])) best = c;
    let sum = 0;
    if (lp[best] > -Infinity) for (let c = 0; c < k; c++) sum += Math.exp(lp[c] - lp[best]);
    logNorm[i] = lp[best] > -Infinity ? lp[best] + Math.log(sum) : -Infinity;
    if (resp) {
      for (let c = 0; c < k; c++) {
        resp[i * k + c] = lp[best] > -Infinity ? Math.exp(lp[c] - lp[best]) / sum : c === best ? 1 : 0;
      }
    }
    if (labels) labels[i] = best;
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
    // Every number the per-sample methods rely on: finite weights that form a distribution, means whose
    // distances to data can be squared, positive-definite covariances and factors, finite bounds.
    const params: Params = {
      weights: vec("weights", k as number, (w) => w >= 0),
      means: vec("means", (k as number) * (d as number), (m) => Math.abs(m) <= MAX_SQUARABLE),
      cov: vec("covariances", sizes.cov),
      factors: vec("factors", sizes.factors),
    };
    let total = 0;
    for (const w of params.weights) total += w;
    if (!(Math.abs(total - 1) <= WEIGHT_SUM_TOLERANCE)) {
      throw bad(`weights must be ≥ 0 and sum to 1, but they sum to ${total}`);
    }
    const triangular = familyOf(type) === KernelFamily.triangular;
    const blocks = sizes.factors / fs;
    // Factors must have a positive diagonal (their logarithm is the log-determinant).
    for (let c = 0; c < blocks; c++) {
      for (let j = 0; j < (d as number); j++) {
        const v = params.factors[c * fs + (triangular ? tri(j) + j : j)];
        if (!(v > 0)) throw bad(`factors of block ${c} must have a positive diagonal; entry ${j} is ${v}`);
      }
    }
    const ce = sizes.cov / blocks;
    for (let c = 0; c < blocks; c++) {
      const C = params.cov.subarray(c * ce, (c + 1) * ce);
      const ok = triangular ? isPositiveDefinite(C, d as number) : C.every((v) => v > 0);
      if (!ok) {
        throw bad(
          `covariances of ${type === "tied" ? "the tied block" : `component ${c}`} must be ` +
            (triangular ? "symmetric positive definite" : "> 0"),
        );
      }
    }
    const lowerBounds = o.lowerBounds;
    if (!Array.isArray(lowerBounds)) throw bad("lowerBounds must be an array of finite numbers");
    lowerBounds.forEach((v, i) => {
      if (typeof v !== "number" || !Number.isFinite(v))
        throw bad(`lowerBounds[${i}] is ${show(v)}, not a finite number`);
    });
    if (typeof o.converged !== "boolean") throw bad("converged must be a boolean");
    if (!Number.isInteger(o.nIter) || (o.nIter as number) < 0) throw bad("nIter must be a non-negative integer");
    // A model built from parameters has no EM pass behind it: its lower bound −Infinity is null in JSON.
    const lowerBound = o.lowerBound === null ? -Infinity : o.lowerBound;
    if (typeof lowerBound !== "number" || (o.lowerBound !== null && !Number.isFinite(lowerBound))) {
      throw bad(`lowerBound is ${show(o.lowerBound)}, not a finite number (or null: no EM pass)`);
    }
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

/** How far from 1 the weights of a document may sum (rounding of k terms, and of JSON's decimal digits). */
const WEIGHT_SUM_TOLERANCE = 1e-8;

/** Whether a symmetric d×d matrix (row-major) is positive definite, by a Cholesky factorisation. */
function isPositiveDefinite(a: Float64Array, d: number): boolean {
  const L = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      if (a[i * d + j] !== a[j * d + i]) return false;
      let s = a[i * d + j];
      for (let m = 0; m < j; m++) s -= L[i * d + m] * L[j * d + m];
      if (i === j) {
        if (!(s > 0)) return false;
        L[i * d + i] = Math.sqrt(s);
      } else L[i * d + j] = s / L[j * d + j];
    }
  }
  return true;
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
