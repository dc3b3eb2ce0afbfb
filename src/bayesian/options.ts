/**
 * Options of the Bayesian mixture: the estimator options it shares with GaussianMixture (validated by the same
 * code) and the priors, validated at the edge; the priors' defaults that depend on the data (mean, covariance,
 * degrees of freedom) are resolved at fit time by `resolvePriors`.
 */
import { isArrayLike } from "../covariance.js";
import { GaussMixError } from "../errors.js";
import { resolveOptions, type ResolvedOptions, show } from "../options.js";
import type { CovarianceType, GaussianMixtureOptions } from "../types.js";
import type { Priors, WeightConcentrationPriorType } from "./variational.js";

export type { WeightConcentrationPriorType } from "./variational.js";

/** Options of `BayesianGaussianMixture`: scikit-learn's, in camelCase, with its defaults. */
export interface BayesianGaussianMixtureOptions
  extends Omit<GaussianMixtureOptions, "weightsInit" | "meansInit" | "precisionsInit"> {
  /**
   * Upper bound on the number of components; surplus components get weights near 0. Default 1.
   */
  nComponents?: number;
  /**
   * The prior on the weights: "dirichlet_process" (stick-breaking, an infinite mixture truncated at
   * nComponents: components are switched off in order) or "dirichlet_distribution" (a finite mixture).
   * Default "dirichlet_process".
   */
  weightConcentrationPriorType?: WeightConcentrationPriorType;
  /**
   * γ (Dirichlet process) or α₀ (Dirichlet distribution), > 0: smaller values put more weight on fewer
   * components. Default 1 / nComponents.
   */
  weightConcentrationPrior?: number;
  /** β₀ > 0, how strongly the means are pulled towards `meanPrior`. Default 1. */
  meanPrecisionPrior?: number;
  /** m₀, the prior mean (nFeatures values). Default: the (weighted) mean of X. */
  meanPrior?: ArrayLike<number>;
  /** ν₀ > nFeatures − 1, the Wishart prior's degrees of freedom. Default nFeatures. */
  degreesOfFreedomPrior?: number;
  /**
   * The Wishart prior's scale: full and tied a symmetric positive definite nFeatures × nFeatures matrix,
   * diag nFeatures positive values, spherical one positive number. Default: the covariance of X (ddof 1;
   * its diagonal for diag, the mean of that for spherical).
   */
  covariancePrior?: number | ArrayLike<number> | ArrayLike<ArrayLike<number>>;
}

export interface ResolvedBayesianOptions extends ResolvedOptions {
  readonly weightConcentrationPriorType: WeightConcentrationPriorType;
  readonly weightConcentrationPrior?: number;
  readonly meanPrecisionPrior?: number;
  readonly meanPrior?: Float64Array;
  readonly degreesOfFreedomPrior?: number;
  readonly covariancePrior?: number | ArrayLike<number> | ArrayLike<ArrayLike<number>>;
}

const PRIOR_KEYS = [
  "weightConcentrationPriorType", "weightConcentrationPrior", "meanPrecisionPrior", "meanPrior",
  "degreesOfFreedomPrior", "covariancePrior",
] as const;

const KNOWN: ReadonlySet<string> = new Set([
  "nComponents", "covarianceType", "tol", "regCovar", "maxIter", "nInit", "initParams", "randomState", "warmStart",
  "onIteration", "signal", "threads", ...PRIOR_KEYS,
]);

const PRIOR_TYPES: readonly WeightConcentrationPriorType[] = ["dirichlet_process", "dirichlet_distribution"];

function bad(name: string, expected: string, got: unknown): GaussMixError {
  return new GaussMixError("INVALID_OPTION", `${name} must be ${expected}, got ${show(got)}`);
}

function positive(name: string, v: unknown): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== "number" || !Number.isFinite(v) || !(v > 0)) throw bad(name, "a finite number > 0", v);
  return v;
}

function unknownOption(key: string): GaussMixError {
  const camel = key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
  const hit = [...KNOWN].find((k) => k.toLowerCase() === camel.toLowerCase());
  const init = ["weightsInit", "meansInit", "precisionsInit"].includes(camel)
    ? "; BayesianGaussianMixture starts from initParams (explicit initial parameters are GaussianMixture's)"
    : undefined;
  const hint = init ?? (hit ? `; did you mean ${hit}?` : `; known options: ${[...KNOWN].join(", ")}`);
  return new GaussMixError("INVALID_OPTION", `unknown option "${key}"${hint}`);
}

/** Validates the options (shapes that depend on the data are checked at fit time). */
export function resolveBayesianOptions(o: BayesianGaussianMixtureOptions = {}): ResolvedBayesianOptions {
  if (typeof o !== "object" || o === null) throw bad("options", "an object", o);
  for (const key of Object.keys(o)) if (!KNOWN.has(key)) throw unknownOption(key);
  const shared: Record<string, unknown> = { ...o };
  for (const key of PRIOR_KEYS) delete shared[key];
  const base = resolveOptions(shared as GaussianMixtureOptions);
  const type = o.weightConcentrationPriorType ?? "dirichlet_process";
  if (!PRIOR_TYPES.includes(type)) {
    throw bad("weightConcentrationPriorType", '"dirichlet_process" or "dirichlet_distribution"', type);
  }
  let meanPrior: Float64Array | undefined;
  if (o.meanPrior !== undefined) {
    const m = o.meanPrior;
    if (!isArrayLike(m) || !Array.from(m).every((v) => typeof v === "number" && Number.isFinite(v))) {
      throw bad("meanPrior", "an array of finite numbers (nFeatures)", m);
    }
    meanPrior = Float64Array.from(m);
  }
  const dof = o.degreesOfFreedomPrior;
  if (dof !== undefined && (typeof dof !== "number" || !Number.isFinite(dof))) {
    throw bad("degreesOfFreedomPrior", "a finite number > nFeatures − 1", dof);
  }
  checkCovariancePriorType(base.covarianceType, o.covariancePrior);
  return {
    ...base,
    weightConcentrationPriorType: type,
    weightConcentrationPrior: positive("weightConcentrationPrior", o.weightConcentrationPrior),
    meanPrecisionPrior: positive("meanPrecisionPrior", o.meanPrecisionPrior),
    meanPrior,
    degreesOfFreedomPrior: dof,
    covariancePrior: o.covariancePrior,
  };
}

/** The shape-independent part of the covariancePrior check (a number for spherical, an array otherwise). */
function checkCovariancePriorType(type: CovarianceType, p: unknown): void {
  if (p === undefined) return;
  if (type === "spherical") {
    if (typeof p !== "number" || !Number.isFinite(p) || !(p > 0)) {
      throw bad("covariancePrior", 'a finite number > 0 for covarianceType "spherical"', p);
    }
  } else if (!isArrayLike(p)) {
    throw bad("covariancePrior", type === "diag" ? 'an array of nFeatures values > 0 for covarianceType "diag"'
      : `an nFeatures × nFeatures matrix for covarianceType "${type}"`, p);
  }
}

/**
 * The priors for data with d features: the options, or scikit-learn's defaults from the data (`data` is
 * called only when a default needs it: the weighted mean, Σv and the scatter around the mean, d×d).
 */
export function resolvePriors(
  o: ResolvedBayesianOptions, d: number, data: () => { mean: Float64Array; weight: number; scatter: Float64Array },
): Priors {
  const k = o.nComponents;
  const type = o.covarianceType;
  let moments: ReturnType<typeof data> | undefined;
  const m = () => (moments ??= data());
  if (o.meanPrior && o.meanPrior.length !== d) {
    throw new GaussMixError("INVALID_OPTION", `meanPrior must have ${d} values (nFeatures), got ${o.meanPrior.length}`);
  }
  const nu0 = o.degreesOfFreedomPrior ?? d;
  if (!(nu0 > d - 1)) {
    throw new GaussMixError("INVALID_OPTION", `degreesOfFreedomPrior must be greater than nFeatures − 1 = ${d - 1}, got ${nu0}`);
  }
  let covariance: Float64Array;
  if (o.covariancePrior === undefined) {
    const { weight, scatter } = m();
    // The sample covariance (ddof 1, sample weights as frequencies: integer weights = repeated rows).
    if (!(weight > 1)) {
      throw new GaussMixError(
        "INVALID_SAMPLE_WEIGHT",
        `sampleWeight sums to ${weight}: the default covariancePrior (the data covariance with ddof 1) needs a ` +
          "total weight above 1. Weights count samples here; scale them up, or give covariancePrior.",
      );
    }
    const cov = scatter.map((v) => v / (weight - 1));
    if (type === "full" || type === "tied") covariance = cov;
    else {
      const diag = Float64Array.from({ length: d }, (_, j) => cov[j * d + j]);
      covariance = type === "diag" ? diag : Float64Array.of(diag.reduce((a, v) => a + v, 0) / d);
    }
  } else {
    covariance = checkCovariancePrior(type, o.covariancePrior, d);
  }
  return {
    weightConcentrationPriorType: o.weightConcentrationPriorType,
    weightConcentration: o.weightConcentrationPrior ?? 1 / k,
    meanPrecision: o.meanPrecisionPrior ?? 1,
    mean: o.meanPrior ?? m().mean,
    degreesOfFreedom: nu0,
    covariance,
  };
}

/** covariancePrior against d: scikit-learn's shape, symmetry and positivity checks. */
function checkCovariancePrior(type: CovarianceType, p: unknown, d: number): Float64Array {
  const err = (m: string) => new GaussMixError("INVALID_OPTION", `covariancePrior ${m}`);
  if (type === "spherical") return Float64Array.of(p as number);
  if (type === "diag") {
    const v = p as ArrayLike<unknown>;
    if (v.length !== d) throw err(`must have ${d} values (nFeatures) for covarianceType "diag", got ${v.length}`);
    const out = new Float64Array(d);
    for (let j = 0; j < d; j++) {
      const x = v[j];
      if (typeof x !== "number" || !Number.isFinite(x) || !(x > 0)) throw err(`[${j}] is ${show(x)}; expected a finite number > 0`);
      out[j] = x;
    }
    return out;
  }
  const rows = p as ArrayLike<unknown>;
  if (rows.length !== d || !Array.from(rows).every((r) => isArrayLike(r) && r.length === d)) {
    throw err(`must be a ${d}×${d} matrix (nFeatures × nFeatures) for covarianceType "${type}"`);
  }
  const out = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      const x = (rows[i] as ArrayLike<unknown>)[j];
      if (typeof x !== "number" || !Number.isFinite(x)) throw err(`[${i}][${j}] is ${show(x)}; expected a finite number`);
      out[i * d + j] = x;
    }
  }
  for (let i = 0; i < d; i++) {
    for (let j = i + 1; j < d; j++) {
      const a = out[i * d + j];
      const b = out[j * d + i];
      if (!(Math.abs(a - b) <= 1e-8 + 1e-5 * Math.abs(b))) throw err("must be symmetric");
    }
  }
  if (!positiveDefinite(out, d)) throw err("must be positive definite");
  return out;
}

function positiveDefinite(a: Float64Array, d: number): boolean {
  const L = new Float64Array(d * d);
  for (let j = 0; j < d; j++) {
    let s = a[j * d + j];
    for (let m = 0; m < j; m++) s -= L[j * d + m] ** 2;
    if (!(s > 0)) return false;
    L[j * d + j] = Math.sqrt(s);
    for (let i = j + 1; i < d; i++) {
      let v = a[i * d + j];
      for (let m = 0; m < j; m++) v -= L[i * d + m] * L[j * d + m];
      L[i * d + j] = v / L[j * d + j];
    }
  }
  return true;
}
