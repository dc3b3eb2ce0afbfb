/** Options: defaults merged in one place and validated once, at the edge. */
import { GaussMixError } from "./errors.js";
import { COVARIANCE_MODELS, isArrayLike } from "./covariance.js";
import type { CovarianceType, GaussianMixtureOptions, InitParams } from "./types.js";

export interface ResolvedOptions {
  readonly nComponents: number;
  readonly covarianceType: CovarianceType;
  readonly tol: number;
  readonly regCovar: number;
  readonly maxIter: number;
  readonly nInit: number;
  readonly initParams: InitParams;
  readonly weightsInit?: Float64Array;
  readonly meansInit?: ArrayLike<ArrayLike<number>>;
  readonly precisionsInit?: unknown;
  readonly randomState: number;
  readonly warmStart: boolean;
  readonly onIteration?: GaussianMixtureOptions["onIteration"];
  readonly signal?: AbortSignal;
  readonly threads: number;
  readonly accelerate: boolean;
}

export const DEFAULTS = {
  nComponents: 1,
  covarianceType: "full",
  tol: 1e-3,
  regCovar: 1e-6,
  maxIter: 100,
  nInit: 1,
  initParams: "auto",
  randomState: 0,
  warmStart: false,
} as const;

const INIT_PARAMS: readonly InitParams[] = ["auto", "hc", "kmeans", "k-means++", "random", "random_from_data"];

function bad(name: string, expected: string, got: unknown): GaussMixError {
  return new GaussMixError("INVALID_OPTION", `${name} must be ${expected}, got ${show(got)}`);
}

export function show(x: unknown): string {
  if (typeof x === "string") return JSON.stringify(x);
  if (typeof x === "number" || typeof x === "boolean" || x == null) return String(x);
  if (Array.isArray(x)) return `an array of length ${x.length}`;
  return typeof x;
}

function positiveInt(name: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < 1) throw bad(name, "a positive integer", v);
  return v;
}

function nonNegative(name: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isFinite(v) || v < 0) throw bad(name, "a finite number ≥ 0", v);
  return v;
}

/** Validates the constructor options (shapes that depend on the data are checked at fit time). */
const KNOWN: ReadonlySet<string> = new Set([
  "nComponents", "covarianceType", "tol", "regCovar", "maxIter", "nInit", "initParams", "weightsInit", "meansInit",
  "precisionsInit", "randomState", "warmStart", "onIteration", "signal", "threads", "accelerate",
]);

/** scikit-learn's snake_case names, for the error of an unknown option. */
function suggestion(key: string): string {
  const camel = key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
  const hit = [...KNOWN].find((k) => k.toLowerCase() === camel.toLowerCase());
  return hit ? `; did you mean ${hit}?` : `; known options: ${[...KNOWN].join(", ")}`;
}

export function resolveOptions(o: GaussianMixtureOptions = {}): ResolvedOptions {
  if (typeof o !== "object" || o === null) throw bad("options", "an object", o);
  for (const key of Object.keys(o)) {
    if (!KNOWN.has(key)) throw new GaussMixError("INVALID_OPTION", `unknown option "${key}"${suggestion(key)}`);
  }
  const nComponents = positiveInt("nComponents", o.nComponents ?? DEFAULTS.nComponents);
  const covarianceType = o.covarianceType ?? DEFAULTS.covarianceType;
  if (!Object.prototype.hasOwnProperty.call(COVARIANCE_MODELS, covarianceType)) {
    throw bad("covarianceType", 'one of "full", "tied", "diag", "spherical"', covarianceType);
  }
  const initParams = o.initParams ?? DEFAULTS.initParams;
  if (!INIT_PARAMS.includes(initParams)) {
    throw bad("initParams", 'one of "auto", "hc", "kmeans", "k-means++", "random", "random_from_data"', initParams);
  }
  const randomState = o.randomState ?? DEFAULTS.randomState;
  if (typeof randomState !== "number" || !Number.isInteger(randomState)) {
    throw bad("randomState", "an integer seed", randomState);
  }
  if (o.onIteration !== undefined && typeof o.onIteration !== "function") {
    throw bad("onIteration", "a function", o.onIteration);
  }
  if (o.signal !== undefined && (typeof o.signal !== "object" || o.signal === null || !("aborted" in o.signal))) {
    throw bad("signal", "an AbortSignal", o.signal);
  }
  let weightsInit: Float64Array | undefined;
  if (o.weightsInit !== undefined) weightsInit = checkWeightsInit(o.weightsInit, nComponents);
  if (o.meansInit !== undefined) {
    if (!isArrayLike(o.meansInit) || o.meansInit.length !== nComponents) {
      throw new GaussMixError("INVALID_INIT", `meansInit must have ${nComponents} rows (nComponents), got ${show(o.meansInit)}`);
    }
  }
  if (o.accelerate !== undefined && typeof o.accelerate !== "boolean") throw bad("accelerate", "true or false", o.accelerate);
  const explicitInit = o.weightsInit !== undefined || o.meansInit !== undefined || o.precisionsInit !== undefined;
  return {
    nComponents,
    covarianceType,
    tol: nonNegative("tol", o.tol ?? DEFAULTS.tol),
    regCovar: nonNegative("regCovar", o.regCovar ?? DEFAULTS.regCovar),
    maxIter: positiveInt("maxIter", o.maxIter ?? DEFAULTS.maxIter),
    nInit: positiveInt("nInit", o.nInit ?? DEFAULTS.nInit),
    initParams,
    weightsInit,
    meansInit: o.meansInit,
    precisionsInit: o.precisionsInit,
    randomState,
    warmStart: Boolean(o.warmStart ?? DEFAULTS.warmStart),
    onIteration: o.onIteration,
    signal: o.signal,
    threads: positiveInt("threads", o.threads ?? 1),
    accelerate: o.accelerate ?? !(explicitInit || o.warmStart),
  };
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
      throw new GaussMixError("INVALID_INIT", `meansInit must be ${k}×${d} (nComponents × nFeatures); row ${c} is ${show(row)}`);
    }
    for (let j = 0; j < d; j++) {
      const v = row[j];
      if (typeof v !== "number" || !Number.isFinite(v)) {
        throw new GaussMixError("INVALID_INIT", `meansInit value at [${c}][${j}] is ${show(v)}; expected a finite number`);
      }
      out[c * d + j] = v;
    }
  }
  return out;
}
