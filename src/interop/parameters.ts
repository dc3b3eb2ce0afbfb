/**
 * Parameters in scikit-learn's shapes → the engine storage of a fitted model (see covariance.ts), validated.
 * `FittedGaussianMixture.fromParameters` and the importers (scikit-learn JSON, Spark) all come through here, so a
 * model is checked the same way whatever it was read from.
 */
import { GaussMixError, type GaussMixErrorCode } from "../errors.js";
import type { CovarianceType, ReadonlyCovarianceShape } from "../types.js";
import { acquireEngineSync, releaseEngine } from "../wasm/engine.js";
import type { Params } from "../engine/types.js";
import { blocksOf, CovarianceCode, covarianceEntries, factorEntries, familyOf, KernelFamily } from "../wasm/abi.js";
import { isArrayLike, tri } from "../util.js";

/** A mixture's parameters in scikit-learn's shapes (k = nComponents, d = nFeatures). */
export interface ModelParameters {
  covarianceType: CovarianceType;
  /** k mixture weights, ≥ 0, summing to 1 (within rounding). */
  weights: ArrayLike<number>;
  /** k × d component means. */
  means: ArrayLike<ArrayLike<number>>;
  /** Covariances: full k×d×d, tied d×d, diag k×d, spherical k. Positive definite. */
  covariances?: ReadonlyCovarianceShape;
  /**
   * scikit-learn's `precisions_cholesky_`, same shapes: U upper triangular with precision = U·Uᵀ (diag and
   * spherical: 1/√variance). When both this and `covariances` are given, predictions use this one exactly, and the
   * two must agree to rounding.
   */
  precisionsCholesky?: ReadonlyCovarianceShape;
  /** What the fit that made these parameters reported, if known. Defaults: true, 0, −Infinity, []. */
  converged?: boolean;
  nIter?: number;
  lowerBound?: number;
  lowerBounds?: readonly number[];
}

/** How errors name things: the error code and the caller's name of each field. */
export interface ParameterNaming {
  code: GaussMixErrorCode;
  /** Prefix of every message, e.g. "fromParameters". */
  where: string;
  names: { covarianceType: string; weights: string; means: string; covariances: string; precisionsCholesky: string };
}

export const FROM_PARAMETERS: ParameterNaming = {
  code: "INVALID_OPTION",
  where: "fromParameters",
  names: {
    covarianceType: "covarianceType",
    weights: "weights",
    means: "means",
    covariances: "covariances",
    precisionsCholesky: "precisionsCholesky",
  },
};

/** What a FittedGaussianMixture is made of. */
export interface BuiltModel {
  covarianceType: CovarianceType;
  nComponents: number;
  nFeatures: number;
  params: Params;
  summary: { converged: boolean; nIter: number; lowerBound: number; lowerBounds: number[] };
}

/** Tolerance of |Σ wᵢ − 1|: weights written by another system sum to 1 only to rounding. */
const WEIGHT_SUM_TOLERANCE = 1e-8;
/**
 * Agreement asked of covariances and precisionsCholesky given together: max |Uᵀ·Σ·U − I| ≤ this, plus a bound
 * on the rounding of that product (1e3·d²·eps·max|Σ|·max|UUᵀ|, which grows with the condition number), so
 * ill-conditioned models of one fit pass and factors of another model do not.
 */
const AGREEMENT_TOLERANCE = 1e-6;
const EPS = 2.220446049250313e-16;

const show = (v: unknown) => {
  const s = typeof v === "number" && !Number.isFinite(v) ? String(v) : JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
};

/** Validates p and converts it to engine storage; the first problem found is thrown, naming the field. */
export function buildModel(p: ModelParameters, naming: ParameterNaming = FROM_PARAMETERS): BuiltModel {
  const { names, where } = naming;
  const fail = (m: string) => new GaussMixError(naming.code, `${where}: ${m}`);
  if (typeof p !== "object" || p === null) throw fail(`expected an object of parameters, got ${show(p)}`);
  const type = p.covarianceType;
  if (typeof type !== "string" || !Object.hasOwn(CovarianceCode, type)) {
    throw fail(`${names.covarianceType} must be one of "full", "tied", "diag", "spherical", got ${show(type)}`);
  }
  const num = (v: unknown, name: string): number => {
    if (typeof v !== "number" || !Number.isFinite(v)) throw fail(`${name} is ${show(v)}; expected a finite number`);
    return v;
  };

  // weights (k)
  const w = p.weights;
  if (!isArrayLike(w) || w.length < 1)
    throw fail(`${names.weights} must be a non-empty array of numbers, got ${show(w)}`);
  const k = w.length;
  const weights = new Float64Array(k);
  let sum = 0;
  for (let c = 0; c < k; c++) {
    const v = num(w[c], `${names.weights}[${c}]`);
    if (v < 0) throw fail(`${names.weights}[${c}] is ${v}; weights must be ≥ 0`);
    weights[c] = v;
    sum += v;
  }
  if (!(Math.abs(sum - 1) <= WEIGHT_SUM_TOLERANCE)) {
    throw fail(`${names.weights} sum to ${sum}; they must sum to 1 (normalise them first)`);
  }

  // means (k × d)
  const m = p.means;
  if (!isArrayLike(m) || m.length !== k) {
    throw fail(
      `${names.means} must have ${k} rows (one per weight), got ${isArrayLike(m) ? `${m.length} rows` : show(m)}`,
    );
  }
  const row0 = m[0];
  if (!isArrayLike(row0) || row0.length < 1)
    throw fail(`${names.means}[0] must be a non-empty array of numbers, got ${show(row0)}`);
  const d = row0.length;
  const means = new Float64Array(k * d);
  for (let c = 0; c < k; c++) {
    const r = m[c];
    if (!isArrayLike(r) || r.length !== d)
      throw fail(`${names.means}[${c}] must have ${d} values (nFeatures), got ${show(r)}`);
    for (let j = 0; j < d; j++) means[c * d + j] = num(r[j], `${names.means}[${c}][${j}]`);
  }

  if (p.covariances === undefined && p.precisionsCholesky === undefined) {
    throw fail(`give ${names.covariances} or ${names.precisionsCholesky} (or both)`);
  }
  const blocks = blocksOf(type, k);
  const shared = type === "tied";
  const shape = describeShape(type, k, d);
  const cov =
    p.covariances === undefined
      ? undefined
      : readBlocks(p.covariances, type, k, d, names.covariances, shape, fail, num);
  const chol =
    p.precisionsCholesky === undefined
      ? undefined
      : readBlocks(p.precisionsCholesky, type, k, d, names.precisionsCholesky, shape, fail, num);
  const label = (name: string, c: number) => (shared ? name : `${name}[${c}]`);

  const covStore = new Float64Array(blocks * covarianceEntries(type, d));
  const factors = new Float64Array(blocks * factorEntries(type, d));
  if (familyOf(type) === KernelFamily.diagonal) {
    // diag / spherical: one variance per feature (spherical: the same d times), factor 1/√variance.
    for (let c = 0; c < blocks; c++) {
      for (let j = 0; j < d; j++) {
        const at = c * d + j;
        const name = `${type === "diag" ? `${label(names.covariances, c)}[${j}]` : label(names.covariances, c)}`;
        const cname = `${type === "diag" ? `${label(names.precisionsCholesky, c)}[${j}]` : label(names.precisionsCholesky, c)}`;
        if (cov && !(cov[c][j] > 0)) throw fail(`${name} is ${cov[c][j]}; variances must be > 0`);
        if (chol && !(chol[c][j] > 0)) throw fail(`${cname} is ${chol[c][j]}; it must be > 0`);
        const variance = cov ? cov[c][j] : 1 / (chol![c][j] * chol![c][j]);
        const u = chol ? chol[c][j] : 1 / Math.sqrt(variance);
        if (cov && chol && !(Math.abs(u * u * variance - 1) <= AGREEMENT_TOLERANCE)) {
          throw fail(
            `${cname} is ${u} but 1/√${name} is ${1 / Math.sqrt(variance)}; give values of one model, or only one of them`,
          );
        }
        if (!(variance > 0 && Number.isFinite(variance) && u > 0 && Number.isFinite(u))) {
          throw fail(`${cov ? name : cname} gives a variance of ${variance}, outside the range of double precision`);
        }
        covStore[at] = variance;
        factors[at] = u;
      }
    }
  } else {
    const t = tri(d);
    const engine = acquireEngineSync();
    try {
      const ptr = engine.layout({ A: d * d * 8, F: t * 8, work: d * d * 8 });
      for (let c = 0; c < blocks; c++) {
        const F = factors.subarray(c * t, (c + 1) * t);
        const S = covStore.subarray(c * d * d, (c + 1) * d * d);
        if (cov) {
          const a = cov[c];
          for (let i = 0; i < d; i++) {
            for (let j = i + 1; j < d; j++) {
              if (!(Math.abs(a[i * d + j] - a[j * d + i]) <= 1e-8 + 1e-5 * Math.abs(a[j * d + i]))) {
                throw fail(
                  `${label(names.covariances, c)} is not symmetric (entries [${i}][${j}] = ${a[i * d + j]} and [${j}][${i}] = ${a[j * d + i]})`,
                );
              }
            }
          }
          S.set(a);
          // Positive definiteness is the engine's Cholesky succeeding; its inverse factor is the precision factor.
          engine.f64.set(a, ptr.A >>> 3);
          if (!engine.kernels.factorFromCovariance(ptr.A, d, ptr.F, ptr.work)) {
            throw fail(`${label(names.covariances, c)} is not positive definite`);
          }
          if (!chol) F.set(engine.f64.subarray(ptr.F >>> 3, (ptr.F >>> 3) + t));
        }
        if (chol) {
          const u = chol[c];
          const cname = label(names.precisionsCholesky, c);
          for (let i = 0; i < d; i++) {
            if (!(u[i * d + i] > 0)) throw fail(`${cname}[${i}][${i}] is ${u[i * d + i]}; the diagonal must be > 0`);
            for (let j = 0; j < i; j++) {
              if (u[i * d + j] !== 0) {
                throw fail(
                  `${cname} must be upper triangular (scikit-learn's precisions_cholesky_), but [${i}][${j}] is ${u[i * d + j]}`,
                );
              }
            }
          }
          for (let j = 0; j < d; j++) for (let i = 0; i <= j; i++) F[tri(j) + i] = u[i * d + j];
          if (cov)
            checkAgreement(cov[c], u, d, () =>
              fail(
                `${cname} and ${label(names.covariances, c)} do not belong to one model (Uᵀ·Σ·U is not the identity); give values of one model, or only one of them`,
              ),
            );
          else
            covarianceFromFactor(u, d, S, () =>
              fail(`${cname} gives a covariance outside the range of double precision`),
            );
        }
      }
    } finally {
      releaseEngine(engine);
    }
  }

  const nIter = p.nIter ?? 0;
  if (!Number.isInteger(nIter) || nIter < 0) throw fail(`nIter must be a non-negative integer, got ${show(p.nIter)}`);
  if (p.converged !== undefined && typeof p.converged !== "boolean")
    throw fail(`converged must be a boolean, got ${show(p.converged)}`);
  const lowerBound = p.lowerBound ?? -Infinity;
  if (typeof lowerBound !== "number" || Number.isNaN(lowerBound))
    throw fail(`lowerBound must be a number, got ${show(p.lowerBound)}`);
  const lowerBounds = p.lowerBounds ?? [];
  if (!isArrayLike(lowerBounds) || !Array.from(lowerBounds).every((v) => typeof v === "number" && Number.isFinite(v))) {
    throw fail(`lowerBounds must be an array of finite numbers, got ${show(p.lowerBounds)}`);
  }
  return {
    covarianceType: type,
    nComponents: k,
    nFeatures: d,
    params: { weights, means, cov: covStore, factors },
    summary: { converged: p.converged ?? true, nIter, lowerBound, lowerBounds: Array.from(lowerBounds) },
  };
}

function describeShape(type: CovarianceType, k: number, d: number): string {
  return {
    full: `${k} matrices of ${d}×${d} (nComponents × nFeatures × nFeatures)`,
    tied: `one ${d}×${d} matrix (nFeatures × nFeatures)`,
    diag: `${k} rows of ${d} values (nComponents × nFeatures)`,
    spherical: `${k} numbers (nComponents)`,
  }[type];
}

/**
 * One flat block per component (full/tied: d·d row-major; diag: d values; spherical: the value d times, so every
 * block has one entry per feature as the engine stores it).
 */
function readBlocks(
  x: unknown,
  type: CovarianceType,
  k: number,
  d: number,
  name: string,
  shape: string,
  fail: (m: string) => GaussMixError,
  num: (v: unknown, name: string) => number,
): Float64Array[] {
  const wrong = () => fail(`${name} must be ${shape} for covarianceType "${type}", got ${show(x)}`);
  const matrix = (m: unknown, label: string): Float64Array => {
    if (!isArrayLike(m) || m.length !== d) throw wrong();
    const out = new Float64Array(d * d);
    for (let i = 0; i < d; i++) {
      const r = m[i];
      if (!isArrayLike(r) || r.length !== d) throw wrong();
      for (let j = 0; j < d; j++) out[i * d + j] = num(r[j], `${label}[${i}][${j}]`);
    }
    return out;
  };
  if (type === "tied") return [matrix(x, name)];
  if (!isArrayLike(x) || x.length !== k) throw wrong();
  return Array.from({ length: k }, (_, c) => {
    const v = x[c];
    if (type === "full") return matrix(v, `${name}[${c}]`);
    if (type === "spherical") return new Float64Array(d).fill(num(v, `${name}[${c}]`));
    if (!isArrayLike(v) || v.length !== d) throw wrong();
    return Float64Array.from({ length: d }, (_, j) => num(v[j], `${name}[${c}][${j}]`));
  });
}

/** Σ = (U·Uᵀ)⁻¹ = Vᵀ·V with V = U⁻¹ (upper triangular, by back substitution), into S (d·d row-major). */
function covarianceFromFactor(u: Float64Array, d: number, S: Float64Array, fail: () => GaussMixError): void {
  const V = new Float64Array(d * d);
  for (let col = 0; col < d; col++) {
    for (let i = col; i >= 0; i--) {
      let s = i === col ? 1 : 0;
      for (let m = i + 1; m <= col; m++) s -= u[i * d + m] * V[m * d + col];
      V[i * d + col] = s / u[i * d + i];
    }
  }
  for (let a = 0; a < d; a++) {
    for (let b = a; b < d; b++) {
      let s = 0;
      for (let m = 0; m <= a; m++) s += V[m * d + a] * V[m * d + b];
      if (!Number.isFinite(s)) throw fail();
      S[a * d + b] = s;
      S[b * d + a] = s;
    }
  }
}

/** Throws unless Uᵀ·Σ·U = I to the rounding its condition allows. */
function checkAgreement(S: Float64Array, u: Float64Array, d: number, fail: () => GaussMixError): void {
  let sMax = 0;
  let pMax = 0;
  for (let i = 0; i < d * d; i++) sMax = Math.max(sMax, Math.abs(S[i]));
  for (let a = 0; a < d; a++) {
    for (let b = 0; b < d; b++) {
      let s = 0;
      for (let m = Math.max(a, b); m < d; m++) s += u[a * d + m] * u[b * d + m];
      pMax = Math.max(pMax, Math.abs(s));
    }
  }
  const tol = AGREEMENT_TOLERANCE + 1e3 * d * d * EPS * sMax * pMax;
  const SU = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      let s = 0;
      for (let m = 0; m <= j; m++) s += S[i * d + m] * u[m * d + j];
      SU[i * d + j] = s;
    }
  }
  for (let a = 0; a < d; a++) {
    for (let b = 0; b < d; b++) {
      let s = 0;
      for (let m = 0; m <= a; m++) s += u[m * d + a] * SU[m * d + b];
      if (!(Math.abs(s - (a === b ? 1 : 0)) <= tol)) throw fail();
    }
  }
}
