/**
 * The four covariance models as a table of small pure functions (as scikit-learn's
 * `{"full": …, "tied": …}[covariance_type]`): the number of free parameters and conversions between the
 * engine's flat storage and scikit-learn's public shapes.
 *
 * Engine storage (sizes in src/wasm/abi.ts): covariances full k·d·d, tied d·d, diag k·d, spherical k·d (the one
 * variance repeated); factors F = Uᵀ packed lower-triangular (full k·t, tied t, t = d(d+1)/2), or one value
 * per feature (diag and spherical k·d).
 */
import type { CovarianceType, Covariances } from "./types.js";
import { isArrayLike, tri } from "./util.js";

export interface CovarianceModel {
  /** Free covariance parameters (scikit-learn's `_n_parameters`). */
  covarianceParameters(d: number, k: number): number;
  /** Engine covariances → public shape. */
  covariances(cov: Float64Array, d: number, k: number): Covariances;
  /** Engine factors → scikit-learn's precisions_cholesky_. */
  precisionsCholesky(f: Float64Array, d: number, k: number): Covariances;
  /** Engine factors → precisions (inverse covariances). */
  precisions(f: Float64Array, d: number, k: number): Covariances;
  /** Public precisions (e.g. precisionsInit) → one d×d matrix (row-major) or d-vector per factor, or a shape error. */
  splitPrecisions(p: unknown, d: number, k: number): Float64Array[] | string;
}

/** U (d×d upper, scikit-learn's convention) from the packed F = Uᵀ at offset `o`. */
function upperFromPacked(f: Float64Array, o: number, d: number): number[][] {
  const u = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  for (let j = 0; j < d; j++) for (let i = 0; i <= j; i++) u[i][j] = f[o + tri(j) + i];
  return u;
}

/** U·Uᵀ from the packed F = Uᵀ: precision[a][b] = Σ_j U[a][j] U[b][j]. */
function precisionFromPacked(f: Float64Array, o: number, d: number): number[][] {
  const u = upperFromPacked(f, o, d);
  const p = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  for (let a = 0; a < d; a++) {
    for (let b = a; b < d; b++) {
      let s = 0;
      for (let j = b; j < d; j++) s += u[a][j] * u[b][j];
      p[a][b] = s;
      p[b][a] = s;
    }
  }
  return p;
}

function square(cov: Float64Array, o: number, d: number): number[][] {
  return Array.from({ length: d }, (_, i) => Array.from(cov.subarray(o + i * d, o + (i + 1) * d)));
}

function isMatrix(m: unknown, d: number): m is ArrayLike<ArrayLike<number>> {
  if (!isArrayLike(m) || m.length !== d) return false;
  for (let i = 0; i < d; i++) if (!isArrayLike(m[i]) || (m[i] as ArrayLike<unknown>).length !== d) return false;
  return true;
}

function isVector(v: unknown, d: number): v is ArrayLike<number> {
  return isArrayLike(v) && v.length === d;
}

function flatMatrix(m: ArrayLike<ArrayLike<number>>, d: number): Float64Array {
  const out = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) out[i * d + j] = Number(m[i][j]);
  return out;
}

const full: CovarianceModel = {
  covarianceParameters: (d, k) => (k * d * (d + 1)) / 2,
  covariances: (cov, d, k) => Array.from({ length: k }, (_, c) => square(cov, c * d * d, d)),
  precisionsCholesky: (f, d, k) => Array.from({ length: k }, (_, c) => upperFromPacked(f, c * tri(d), d)),
  precisions: (f, d, k) => Array.from({ length: k }, (_, c) => precisionFromPacked(f, c * tri(d), d)),
  splitPrecisions(p, d, k) {
    if (!isArrayLike(p) || p.length !== k || !Array.from(p).every((m) => isMatrix(m, d))) {
      return `an array of ${k} matrices of ${d}×${d} (nComponents × nFeatures × nFeatures)`;
    }
    return Array.from(p as ArrayLike<ArrayLike<ArrayLike<number>>>, (m) => flatMatrix(m, d));
  },
};

const tied: CovarianceModel = {
  covarianceParameters: (d) => (d * (d + 1)) / 2,
  covariances: (cov, d) => square(cov, 0, d),
  precisionsCholesky: (f, d) => upperFromPacked(f, 0, d),
  precisions: (f, d) => precisionFromPacked(f, 0, d),
  splitPrecisions(p, d) {
    if (!isMatrix(p, d)) return `a ${d}×${d} matrix (nFeatures × nFeatures)`;
    return [flatMatrix(p, d)];
  },
};

const diag: CovarianceModel = {
  covarianceParameters: (d, k) => k * d,
  covariances: (cov, d, k) => Array.from({ length: k }, (_, c) => Array.from(cov.subarray(c * d, (c + 1) * d))),
  precisionsCholesky: (f, d, k) => Array.from({ length: k }, (_, c) => Array.from(f.subarray(c * d, (c + 1) * d))),
  precisions: (f, d, k) =>
    Array.from({ length: k }, (_, c) => Array.from(f.subarray(c * d, (c + 1) * d), (u) => u * u)),
  splitPrecisions(p, d, k) {
    if (!isArrayLike(p) || p.length !== k || !Array.from(p).every((v) => isVector(v, d))) {
      return `an array of ${k} vectors of ${d} values (nComponents × nFeatures)`;
    }
    return Array.from(p as ArrayLike<ArrayLike<number>>, (v) => Float64Array.from(v, Number));
  },
};

const spherical: CovarianceModel = {
  covarianceParameters: (_d, k) => k,
  covariances: (cov, d, k) => Array.from({ length: k }, (_, c) => cov[c * d]),
  precisionsCholesky: (f, d, k) => Array.from({ length: k }, (_, c) => f[c * d]),
  precisions: (f, d, k) => Array.from({ length: k }, (_, c) => f[c * d] * f[c * d]),
  splitPrecisions(p, d, k) {
    if (!isArrayLike(p) || p.length !== k || !Array.from(p).every((v) => typeof v === "number")) {
      return `an array of ${k} numbers (nComponents)`;
    }
    return Array.from(p as ArrayLike<number>, (v) => new Float64Array(d).fill(v));
  },
};

export const COVARIANCE_MODELS: Readonly<Record<CovarianceType, CovarianceModel>> = { full, tied, diag, spherical };
