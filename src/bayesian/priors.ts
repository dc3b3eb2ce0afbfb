/**
 * The priors of the Bayesian mixture resolved against the data: the options, or scikit-learn's defaults that
 * depend on the data (mean, covariance, degrees of freedom) and on nComponents, with the checks that need d.
 */
import { GaussMixError } from "../errors.js";
import type { ResolvedBayesianOptions } from "../options.js";
import type { CovarianceType } from "../types.js";
import { isArrayLike, show } from "../util.js";
import type { Priors } from "./posterior.js";

/**
 * The priors for data with d features: the options, or scikit-learn's defaults from the data (`data` is
 * called only when a default needs it: the weighted mean, Σv and the scatter around the mean, d×d).
 */
export function resolvePriors(
  o: ResolvedBayesianOptions,
  d: number,
  data: () => { mean: Float64Array; weight: number; scatter: Float64Array },
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
    throw new GaussMixError(
      "INVALID_OPTION",
      `degreesOfFreedomPrior must be greater than nFeatures − 1 = ${d - 1}, got ${nu0}`,
    );
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
      if (typeof x !== "number" || !Number.isFinite(x) || !(x > 0))
        throw err(`[${j}] is ${show(x)}; expected a finite number > 0`);
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
      if (typeof x !== "number" || !Number.isFinite(x))
        throw err(`[${i}][${j}] is ${show(x)}; expected a finite number`);
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
