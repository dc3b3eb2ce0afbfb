/**
 * The memory layout and the integer codes the TypeScript side shares with the kernels, written once with names.
 * Their AssemblyScript twin is assembly/layout.ts; test/abi.test.ts checks that both agree for every covariance
 * type over many (d, k).
 *
 * Units: statistics offsets are in f64x2 entries (16 bytes: two lanes of partial sums), parameter sizes in f64.
 */
import { tri } from "../util.js";
import type { CovarianceType } from "../types.js";

/** Covariance kernel family (the `family` argument of logConstants, accumulateResp and estimate). */
export const KernelFamily = {
  /** Packed lower-triangular precision factors (full, tied). */
  triangular: 0,
  /** One precision factor per feature (diag, spherical). */
  diagonal: 1,
} as const;
export type KernelFamily = (typeof KernelFamily)[keyof typeof KernelFamily];

/** Pass variant (the `variant` argument of pass): the two families, or a pass around the common shift. */
export const PassVariant = {
  triangular: KernelFamily.triangular,
  diagonal: KernelFamily.diagonal,
  /** Tied around the common shift s: means = B_c = F (μ_c − s); the data scatter is added by the caller. */
  tiedShifted: 2,
  /** Spherical around the common shift s: means = M_c = μ_c − s, then ‖M_c‖² per component. */
  sphericalShifted: 3,
} as const;
export type PassVariant = (typeof PassVariant)[keyof typeof PassVariant];

/** Covariance type (the `type` argument of mstep). */
export const CovarianceCode = { full: 0, tied: 1, diag: 2, spherical: 3 } as const satisfies Record<
  CovarianceType,
  number
>;
export type CovarianceCode = (typeof CovarianceCode)[CovarianceType];

/** The kernel family of a covariance type. */
export function familyOf(type: CovarianceType): KernelFamily {
  return type === "full" || type === "tied" ? KernelFamily.triangular : KernelFamily.diagonal;
}

/** The pass around the common shift, for the types that have one. */
export function shiftedPassOf(type: CovarianceType): PassVariant | undefined {
  return type === "tied" ? PassVariant.tiedShifted : type === "spherical" ? PassVariant.sphericalShifted : undefined;
}

/** 10·eps, added to every N_c by the M-step (scikit-learn's `nk += 10 * eps`). */
export const TEN_EPS = 10 * 2.220446049250313e-16;

/** f64 entries of one precision factor (or of the shared one): packed triangle or one per feature. */
export function factorEntries(type: CovarianceType, d: number): number {
  return familyOf(type) === KernelFamily.triangular ? tri(d) : d;
}

/** f64x2 entries of one scatter block of the statistics (same shape as a factor). */
export const scatterEntries = factorEntries;

/** f64 entries of one covariance block in engine storage: full/tied d·d, diag/spherical d (spherical repeated). */
export function covarianceEntries(type: CovarianceType, d: number): number {
  return familyOf(type) === KernelFamily.triangular ? d * d : d;
}

/** Covariance, factor and scatter blocks: one shared block for tied, else one per component. */
export function blocksOf(type: CovarianceType, k: number): number {
  return type === "tied" ? 1 : k;
}

/** Offsets in a statistics block (f64x2 entries). */
export const STATS_LOGLIK = 0; // L = Σ v log p(x)
export const STATS_WEIGHT = 1; // V = Σ v
export const STATS_NK = 2; // N_c = Σ v r_c, k entries

/** The statistics block of a pass: offsets of S1 (k·d) and S2 (blocks × scatterEntries) and its size. */
export function statsLayout(type: CovarianceType, d: number, k: number) {
  const s1 = STATS_NK + k;
  const s2 = s1 + k * d;
  return { nk: STATS_NK, s1, s2, entries: s2 + blocksOf(type, k) * scatterEntries(type, d) };
}

/** Byte strides between components' factors and scatter blocks (0 for tied: one shared block). */
export function strides(type: CovarianceType, d: number): { factorStride: number; s2Stride: number } {
  const shared = type === "tied";
  return { factorStride: shared ? 0 : factorEntries(type, d) * 8, s2Stride: shared ? 0 : scatterEntries(type, d) * 16 };
}

/** f64 sizes of the parameters in engine storage order. */
export function paramsSizes(type: CovarianceType, d: number, k: number) {
  const blocks = blocksOf(type, k);
  return {
    weights: k,
    means: k * d,
    cov: blocks * covarianceEntries(type, d),
    factors: blocks * factorEntries(type, d),
  };
}

/**
 * The common-shift region (f64 offsets): s (d), B_c = F (μ_c − s) or M_c = μ_c − s (k·d), ‖M_c‖² (k), s repeated
 * k times (k·d: the shifts of the M-step after a tied pass around s), T = Σ v (x − s)(x − s)ᵀ (tri(d) f64x2).
 */
export function commonShiftLayout(d: number, k: number) {
  const shift = 0;
  const means = shift + d;
  const norms = means + k * d;
  const shifts = norms + k;
  const scatter = shifts + k * d;
  return { shift, means, norms, shifts, scatter, size: scatter + 2 * tri(d) };
}

/** The data-moments block: the statistics layout with k = 1 and a full scatter (f64x2 entries). */
export const momentsLayout = (d: number) => statsLayout("full", d, 1);
