/**
 * The Bayesian mixture's values in the engine's storage: the priors, the posterior's parameters and a pass's
 * statistics, what each covariance type's storage looks like, and the factor of a covariance.
 *
 * Storage as the engine's (see covariance.ts): covariances full k·d·d, tied d·d, diag k·d, spherical k·d (the
 * one variance repeated); factors F = Uᵀ packed lower-triangular (full k·t, tied t), or one value per feature.
 */
import type { CovarianceType, WeightConcentrationPriorType } from "../types.js";
import { tri } from "../util.js";
import { blocksOf, covarianceEntries, factorEntries, familyOf, KernelFamily, scatterEntries } from "../wasm/abi.js";

/** The priors, resolved against the data (scikit-learn's `*_prior_` attributes). */
export interface Priors {
  readonly weightConcentrationPriorType: WeightConcentrationPriorType;
  /** α₀ (default 1/k). */
  readonly weightConcentration: number;
  /** β₀ (default 1). */
  readonly meanPrecision: number;
  /** m₀ (d; default the data mean). */
  readonly mean: Float64Array;
  /** ν₀ > d − 1 (default d). */
  readonly degreesOfFreedom: number;
  /** W₀: full/tied d·d row-major, diag d, spherical 1 (default the data covariance, ddof 1). */
  readonly covariance: Float64Array;
}

/** The posterior's parameters (scikit-learn's fitted attributes) in engine storage. */
export interface Posterior {
  /** Σr + 10·eps per component, of the M-step that made these parameters (the pass's flush thresholds). */
  readonly nk: Float64Array;
  /** Dirichlet process: the Beta parameters a (k) then b (k); Dirichlet distribution: α (k). */
  readonly weightConcentration: Float64Array;
  /** β (k). */
  readonly meanPrecision: Float64Array;
  /** m (k·d). */
  readonly means: Float64Array;
  /** ν (k; tied: 1). */
  readonly degreesOfFreedom: Float64Array;
  /** The Wishart scale normalised by ν (scikit-learn's `covariances_`), engine storage. */
  readonly cov: Float64Array;
  /** Factors of cov⁻¹ (scikit-learn's `precisions_cholesky_`), engine storage. */
  readonly factors: Float64Array;
}

/** A pass's statistics with the lanes summed: N (k), S1 (k·d) and S2 (packed blocks) around `shift` (k·d). */
export interface Statistics {
  readonly N: Float64Array;
  readonly S1: Float64Array;
  readonly S2: Float64Array;
  readonly shift: Float64Array;
}

/** What the updates need to know of a covariance type's engine storage (src/wasm/abi.ts). */
export interface Storage {
  /** 0: packed triangular factors and scatters (full, tied); 1: one value per feature (diag, spherical). */
  readonly kind: 0 | 1;
  /** One block shared by all components (tied). */
  readonly shared: boolean;
  factorSize(d: number): number;
  scatterSize(d: number): number;
}

export function storage(type: CovarianceType): Storage {
  return {
    kind: familyOf(type) === KernelFamily.triangular ? 0 : 1,
    shared: blocksOf(type, 2) === 1,
    factorSize: (d) => factorEntries(type, d),
    scatterSize: (d) => scatterEntries(type, d),
  };
}

/** Lower Cholesky factor L of a row-major symmetric A, then F = L⁻¹ packed by rows; false if not positive definite. */
export function factorFromCovariance(
  A: Float64Array,
  at: number,
  d: number,
  L: Float64Array,
  F: Float64Array,
  out: number,
): boolean {
  for (let j = 0; j < d; j++) {
    let s = A[at + j * d + j];
    for (let m = 0; m < j; m++) s -= L[j * d + m] * L[j * d + m];
    if (!(s > 0)) return false;
    const ljj = Math.sqrt(s);
    L[j * d + j] = ljj;
    for (let i = j + 1; i < d; i++) {
      let v = A[at + i * d + j];
      for (let m = 0; m < j; m++) v -= L[i * d + m] * L[j * d + m];
      L[i * d + j] = v / ljj;
    }
  }
  // Row i of L⁻¹ by forward substitution: X[i][j] = −(Σ_{m=j}^{i−1} L[i][m] X[m][j]) / L[i][i].
  for (let i = 0; i < d; i++) {
    const row = out + tri(i);
    for (let j = 0; j < i; j++) {
      let s = 0;
      for (let m = j; m < i; m++) s += L[i * d + m] * F[out + tri(m) + j];
      F[row + j] = -s / L[i * d + i];
    }
    F[row + i] = 1 / L[i * d + i];
  }
  return true;
}

/** A posterior's storage for k components of d features. */
export function allocatePosterior(
  type: CovarianceType,
  d: number,
  k: number,
  priorType: WeightConcentrationPriorType,
): Posterior {
  const blocks = blocksOf(type, k);
  return {
    nk: new Float64Array(k),
    weightConcentration: new Float64Array(priorType === "dirichlet_process" ? 2 * k : k),
    meanPrecision: new Float64Array(k),
    means: new Float64Array(k * d),
    degreesOfFreedom: new Float64Array(blocks),
    cov: new Float64Array(blocks * covarianceEntries(type, d)),
    factors: new Float64Array(blocks * factorEntries(type, d)),
  };
}

/** A copy of a posterior (the one kept by a restart or the fitted model). */
export function copyPosterior(p: Posterior): Posterior {
  return {
    nk: p.nk.slice(),
    weightConcentration: p.weightConcentration.slice(),
    meanPrecision: p.meanPrecision.slice(),
    means: p.means.slice(),
    degreesOfFreedom: p.degreesOfFreedom.slice(),
    cov: p.cov.slice(),
    factors: p.factors.slice(),
  };
}
