/**
 * A fitted Bayesian Gaussian mixture: the variational posterior in scikit-learn's shapes (its fitted
 * attributes), the per-sample methods (which use E[log π_c] and E[log |Λ_c|], as scikit-learn's), sampling
 * from the posterior-mean mixture, and JSON round trips.
 */
import { COVARIANCE_MODELS } from "../covariance.js";
import { GaussMixError } from "../errors.js";
import { FittedGaussianMixture } from "../model.js";
import type {
  CovarianceType,
  DataInput,
  Matrix,
  ReadonlyCovarianceShape,
  WeightConcentrationPriorType,
} from "../types.js";
import { isArrayLike, readDocument, tri } from "../util.js";
import { blocksOf, covarianceEntries, factorEntries, familyOf, KernelFamily } from "../wasm/abi.js";
import { expectedWeights } from "./expectations.js";
import type { Posterior, Priors } from "./posterior.js";
import { logConstants } from "./variational.js";

/** What the fit found, besides the posterior. */
export interface BayesianFitSummary {
  readonly converged: boolean;
  readonly nIter: number;
  readonly lowerBound: number;
  readonly lowerBounds: readonly number[];
  readonly threads?: number;
}

/** The JSON document of a Bayesian model (`toJSON` / `fromJSON`). */
export interface BayesianModelJSON {
  format: "gaussmix-bayesian-model";
  version: 1;
  covarianceType: CovarianceType;
  weightConcentrationPriorType: WeightConcentrationPriorType;
  nComponents: number;
  nFeatures: number;
  priors: {
    weightConcentration: number;
    meanPrecision: number;
    mean: number[];
    degreesOfFreedom: number;
    covariance: number[];
  };
  /** Engine storage (see covariance.ts): exact, so predictions round-trip bit for bit. */
  posterior: {
    nk: number[];
    weightConcentration: number[];
    meanPrecision: number[];
    means: number[];
    degreesOfFreedom: number[];
    covariances: number[];
    factors: number[];
  };
  converged: boolean;
  nIter: number;
  lowerBound: number;
  lowerBounds: number[];
}

const FORMAT = "gaussmix-bayesian-model";
const VERSION = 1;

/** The posterior-mean mixture with the variational constants: the engine's per-sample methods run on it. */
class VariationalMixture extends FittedGaussianMixture {
  constructor(type: CovarianceType, k: number, d: number, post: Posterior, priors: Priors) {
    const weights = expectedWeights(priors.weightConcentrationPriorType, post.weightConcentration, k);
    super(
      type,
      k,
      d,
      { weights, means: post.means, cov: post.cov, factors: post.factors },
      {
        converged: true,
        nIter: 0,
        lowerBound: NaN,
        lowerBounds: [],
      },
    );
    this.logConstants = logConstants(type, d, k, post, priors);
  }
}

function freeze<T>(x: T): T {
  if (Array.isArray(x)) {
    for (const v of x) freeze(v);
    Object.freeze(x);
  }
  return x;
}

export class FittedBayesianGaussianMixture {
  readonly covarianceType: CovarianceType;
  readonly weightConcentrationPriorType: WeightConcentrationPriorType;
  readonly nComponents: number;
  readonly nFeatures: number;
  readonly converged: boolean;
  readonly nIter: number;
  /** scikit-learn's `lower_bound_`: the evidence lower bound (up to constants, not divided by n) of the last iteration. */
  readonly lowerBound: number;
  /** The lower bound after every iteration of the kept initialisation (never decreasing). */
  readonly lowerBounds: readonly number[];
  /** Threads the passes of this fit ran on (1 for restored models). */
  readonly threads: number;
  /** @internal */
  readonly posterior: Posterior;
  /** @internal */
  readonly priors: Priors;
  private readonly mixture: VariationalMixture;
  private cache = new Map<string, unknown>();

  /** @internal Made by `BayesianGaussianMixture.fit` and `fromJSON`. */
  constructor(
    type: CovarianceType,
    k: number,
    d: number,
    posterior: Posterior,
    priors: Priors,
    summary: BayesianFitSummary,
  ) {
    this.covarianceType = type;
    this.weightConcentrationPriorType = priors.weightConcentrationPriorType;
    this.nComponents = k;
    this.nFeatures = d;
    this.posterior = Object.freeze(posterior);
    this.priors = Object.freeze(priors);
    this.converged = summary.converged;
    this.nIter = summary.nIter;
    this.lowerBound = summary.lowerBound;
    this.lowerBounds = Object.freeze([...summary.lowerBounds]);
    this.threads = summary.threads ?? 1;
    this.mixture = new VariationalMixture(type, k, d, posterior, priors);
  }

  private memo<T>(key: string, make: () => T): T {
    if (!this.cache.has(key)) this.cache.set(key, freeze(make()));
    return this.cache.get(key) as T;
  }

  /** The posterior-mean weights (scikit-learn's `weights_`, summing to 1); surplus components get ≈ 0. */
  get weights(): readonly number[] {
    return this.mixture.weights;
  }

  /** Posterior means of the component means (k × d). */
  get means(): readonly (readonly number[])[] {
    return this.mixture.means;
  }

  /** The Wishart scales normalised by their degrees of freedom (scikit-learn's `covariances_`), its shapes. */
  get covariances(): ReadonlyCovarianceShape<CovarianceType> {
    return this.mixture.covariances;
  }

  /** Their inverses (scikit-learn's `precisions_`). */
  get precisions(): ReadonlyCovarianceShape<CovarianceType> {
    return this.mixture.precisions;
  }

  /** scikit-learn's `precisions_cholesky_`: upper-triangular U with precision = U·Uᵀ (diag/spherical: √precision). */
  get precisionsCholesky(): ReadonlyCovarianceShape<CovarianceType> {
    return this.mixture.precisionsCholesky;
  }

  /**
   * The posterior of the weights (scikit-learn's `weight_concentration_`): for the Dirichlet process the Beta
   * parameters of the sticks as `[a, b]` (two arrays of k), for the Dirichlet distribution its k parameters.
   */
  get weightConcentration(): readonly number[] | readonly [readonly number[], readonly number[]] {
    const wc = this.posterior.weightConcentration;
    const k = this.nComponents;
    return this.memo("wc", () =>
      this.weightConcentrationPriorType === "dirichlet_process"
        ? [Array.from(wc.subarray(0, k)), Array.from(wc.subarray(k, 2 * k))]
        : Array.from(wc),
    );
  }

  /** β, the precision of each mean's posterior (k). */
  get meanPrecision(): readonly number[] {
    return this.memo("beta", () => Array.from(this.posterior.meanPrecision));
  }

  /** ν, the Wishart posterior's degrees of freedom: k values, one number for tied. */
  get degreesOfFreedom(): readonly number[] | number {
    const nu = this.posterior.degreesOfFreedom;
    return this.covarianceType === "tied" ? nu[0] : this.memo("nu", () => Array.from(nu));
  }

  /** The priors the fit used (scikit-learn's `weight_concentration_prior_` … `covariance_prior_`). */
  get weightConcentrationPrior(): number {
    return this.priors.weightConcentration;
  }
  get meanPrecisionPrior(): number {
    return this.priors.meanPrecision;
  }
  get meanPrior(): readonly number[] {
    return this.memo("m0", () => Array.from(this.priors.mean));
  }
  get degreesOfFreedomPrior(): number {
    return this.priors.degreesOfFreedom;
  }
  /** full/tied d×d, diag d, spherical one number. */
  get covariancePrior(): number | readonly number[] | readonly (readonly number[])[] {
    const W0 = this.priors.covariance;
    const d = this.nFeatures;
    if (this.covarianceType === "spherical") return W0[0];
    return this.memo("W0", () =>
      this.covarianceType === "diag"
        ? Array.from(W0)
        : Array.from({ length: d }, (_, i) => Array.from(W0.subarray(i * d, (i + 1) * d))),
    );
  }

  /** The most likely component of each sample (n). */
  predict(X: DataInput): Int32Array {
    return this.mixture.predict(X);
  }

  /** Responsibilities (n × k, rows sum to 1), with the expected log-weights and log-determinants. */
  predictProba(X: DataInput): Matrix {
    return this.mixture.predictProba(X);
  }

  /**
   * scikit-learn's `score_samples`: log Σ_c exp(E[log π_c] + E[log N(x | μ_c, Λ_c)]) per sample (n), the
   * normaliser of the responsibilities (a lower bound on the log predictive density, not equal to it).
   */
  scoreSamples(X: DataInput): Float64Array {
    return this.mixture.scoreSamples(X);
  }

  /** Mean of `scoreSamples` (weighted by `sampleWeight` if given). */
  score(X: DataInput, options: { sampleWeight?: ArrayLike<number> } = {}): number {
    return this.mixture.score(X, options);
  }

  /** Draws n samples from the mixture of the posterior means (weights, means, covariances), as scikit-learn's. */
  sample(n = 1, options: { randomState?: number } = {}): { X: Matrix; labels: Int32Array } {
    return this.mixture.sample(n, options);
  }

  /** A JSON document that `fromJSON` turns back into an identical model (bit-identical predictions). */
  toJSON(): BayesianModelJSON {
    const p = this.posterior;
    const a = (v: Float64Array) => Array.from(v);
    return {
      format: FORMAT,
      version: VERSION,
      covarianceType: this.covarianceType,
      weightConcentrationPriorType: this.weightConcentrationPriorType,
      nComponents: this.nComponents,
      nFeatures: this.nFeatures,
      priors: {
        weightConcentration: this.priors.weightConcentration,
        meanPrecision: this.priors.meanPrecision,
        mean: a(this.priors.mean),
        degreesOfFreedom: this.priors.degreesOfFreedom,
        covariance: a(this.priors.covariance),
      },
      posterior: {
        nk: a(p.nk),
        weightConcentration: a(p.weightConcentration),
        meanPrecision: a(p.meanPrecision),
        means: a(p.means),
        degreesOfFreedom: a(p.degreesOfFreedom),
        covariances: a(p.cov),
        factors: a(p.factors),
      },
      converged: this.converged,
      nIter: this.nIter,
      lowerBound: this.lowerBound,
      lowerBounds: [...this.lowerBounds],
    };
  }

  /** Restores a model from `toJSON()` output (an object or its JSON string). */
  static fromJSON(json: unknown): FittedBayesianGaussianMixture {
    const bad = (m: string) => new GaussMixError("INVALID_MODEL_JSON", `fromJSON: ${m}`);
    const o = readDocument(json, FORMAT, VERSION, bad);
    const type = o.covarianceType as CovarianceType;
    if (typeof type !== "string" || !Object.prototype.hasOwnProperty.call(COVARIANCE_MODELS, type)) {
      throw bad(`unknown covarianceType ${JSON.stringify(o.covarianceType)}`);
    }
    const priorType = o.weightConcentrationPriorType;
    if (priorType !== "dirichlet_process" && priorType !== "dirichlet_distribution") {
      throw bad(`unknown weightConcentrationPriorType ${JSON.stringify(priorType)}`);
    }
    const k = o.nComponents as number;
    const d = o.nFeatures as number;
    if (!Number.isInteger(k) || k < 1) throw bad("nComponents must be a positive integer");
    if (!Number.isInteger(d) || d < 1) throw bad("nFeatures must be a positive integer");
    const blocks = blocksOf(type, k);
    const triangular = familyOf(type) === KernelFamily.triangular;
    const vec = (from: unknown, name: string, len: number, positive = false) => {
      const v = (from as Record<string, unknown> | undefined)?.[name];
      if (!isArrayLike(v) || v.length !== len) throw bad(`${name} must be an array of ${len} numbers`);
      const out = new Float64Array(len);
      for (let i = 0; i < len; i++) {
        const x = v[i];
        if (typeof x !== "number" || !Number.isFinite(x) || (positive && !(x > 0))) {
          throw bad(`${name}[${i}] is ${JSON.stringify(x)}, not a valid value`);
        }
        out[i] = x;
      }
      return out;
    };
    const num = (from: unknown, name: string) => {
      const x = (from as Record<string, unknown> | undefined)?.[name];
      if (typeof x !== "number" || !Number.isFinite(x) || !(x > 0)) throw bad(`${name} must be a finite number > 0`);
      return x;
    };
    if (typeof o.priors !== "object" || o.priors === null) throw bad("priors must be an object");
    if (typeof o.posterior !== "object" || o.posterior === null) throw bad("posterior must be an object");
    const pr = o.priors;
    const po = o.posterior;
    const priors: Priors = {
      weightConcentrationPriorType: priorType,
      weightConcentration: num(pr, "weightConcentration"),
      meanPrecision: num(pr, "meanPrecision"),
      mean: vec(pr, "mean", d),
      degreesOfFreedom: num(pr, "degreesOfFreedom"),
      covariance: vec(pr, "covariance", type === "spherical" ? 1 : type === "diag" ? d : d * d),
    };
    const posterior: Posterior = {
      nk: vec(po, "nk", k, true),
      weightConcentration: vec(po, "weightConcentration", priorType === "dirichlet_process" ? 2 * k : k, true),
      meanPrecision: vec(po, "meanPrecision", k, true),
      means: vec(po, "means", k * d),
      degreesOfFreedom: vec(po, "degreesOfFreedom", blocks, true),
      cov: vec(po, "covariances", blocks * covarianceEntries(type, d)),
      factors: vec(po, "factors", blocks * factorEntries(type, d)),
    };
    for (let c = 0; c < blocks; c++) {
      if (!(posterior.degreesOfFreedom[c] > d - 1)) throw bad("degreesOfFreedom must be greater than nFeatures − 1");
      for (let j = 0; j < d; j++) {
        const v = posterior.factors[c * factorEntries(type, d) + (triangular ? tri(j) + j : j)];
        if (!(v > 0)) throw bad("factors must have a positive diagonal");
      }
    }
    const lowerBounds = o.lowerBounds;
    if (!Array.isArray(lowerBounds) || !lowerBounds.every((v) => typeof v === "number")) {
      throw bad("lowerBounds must be an array of numbers");
    }
    if (typeof o.converged !== "boolean") throw bad("converged must be a boolean");
    if (!Number.isInteger(o.nIter) || (o.nIter as number) < 0) throw bad("nIter must be a non-negative integer");
    if (typeof o.lowerBound !== "number") throw bad("lowerBound must be a number");
    return new FittedBayesianGaussianMixture(type, k, d, posterior, priors, {
      converged: o.converged,
      nIter: o.nIter as number,
      lowerBound: o.lowerBound,
      lowerBounds: lowerBounds as number[],
    });
  }
}
