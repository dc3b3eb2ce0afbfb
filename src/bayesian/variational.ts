/**
 * The variational maths of the Bayesian mixture (scikit-learn's `BayesianGaussianMixture`), as pure functions
 * over the engine's storage: the M-step that turns a pass's sufficient statistics into the posterior's
 * parameters, the per-component constants that fold E[log π_c] and E[log |Λ_c|] into the engine's
 * log-densities, and the lower bound. Everything here is O(k·d²) (O(k·d³) for the Cholesky factors).
 * The values and their storage are in posterior.ts, the expectations under the posterior in expectations.ts.
 */
import { illDefined } from "../errors.js";
import type { CovarianceType } from "../types.js";
import { tri } from "../util.js";
import { TEN_EPS } from "../wasm/abi.js";
import { expectedLogDetWishart, expectedLogWeights, logDetFactors, traceProduct } from "./expectations.js";
import {
  factorFromCovariance,
  type Posterior,
  type Priors,
  type Statistics,
  type Storage,
  storage,
} from "./posterior.js";
import { betaln, gammaln } from "./special.js";

const LOG_2PI = Math.log(2 * Math.PI);
const LOG_2 = Math.LN2;

/**
 * The variational updates of one fit (one covariance type, d, k, priors and regCovar), with their scratch
 * memory allocated once: an iteration allocates nothing.
 */
export class VariationalUpdates {
  private readonly cm: Storage;
  private readonly xk: Float64Array;
  private readonly delta: Float64Array;
  private readonly C: Float64Array;
  private readonly L: Float64Array;
  private readonly sk: Float64Array;
  private readonly M: Float64Array;
  private readonly logW: Float64Array;
  private readonly logDet: Float64Array;

  constructor(
    readonly type: CovarianceType,
    readonly d: number,
    readonly k: number,
    readonly priors: Priors,
    readonly regCovar: number,
  ) {
    const cm = (this.cm = storage(type));
    this.xk = new Float64Array(k * d);
    this.delta = new Float64Array(d);
    this.C = new Float64Array(d * d);
    this.L = new Float64Array(d * d);
    this.M = new Float64Array(d * d);
    this.sk = new Float64Array(cm.kind === 0 ? (cm.shared ? 1 : k) * d * d : k * d);
    this.logW = new Float64Array(k);
    this.logDet = new Float64Array(cm.shared ? 1 : k);
  }

  /** Storage for a pass's statistics. */
  allocateStatistics(): Statistics {
    const { d, k, cm } = this;
    return {
      N: new Float64Array(k),
      S1: new Float64Array(k * d),
      S2: new Float64Array(cm.scatterSize(d) * (cm.shared ? 1 : k)),
      shift: new Float64Array(k * d),
    };
  }

  /** The weighted scatter of component c around its shift moved by e (S2 − S1 eᵀ − e S1ᵀ + N e eᵀ) into C. */
  private scatterAround(st: Statistics, c: number, e: Float64Array): void {
    const { d, cm, C } = this;
    const t = cm.scatterSize(d);
    const s2 = cm.shared ? 0 : c * t;
    const s1 = c * d;
    const n = st.N[c];
    if (cm.kind === 0) {
      let idx = s2;
      for (let i = 0; i < d; i++) {
        for (let j = i; j < d; j++) {
          const v = st.S2[idx++] - st.S1[s1 + i] * e[j] - e[i] * st.S1[s1 + j] + n * e[i] * e[j];
          C[i * d + j] = v;
          C[j * d + i] = v;
        }
      }
    } else {
      // Only the diagonal is kept (the spherical pass around the common shift stores the trace in entry 0).
      for (let j = 0; j < d; j++) C[j * d + j] = st.S2[s2 + j] - 2 * st.S1[s1 + j] * e[j] + n * e[j] * e[j];
    }
  }

  /**
   * The variational M-step into `out` (scikit-learn's `_estimate_weights`, `_estimate_means`,
   * `_estimate_precisions`): nk, x̄k and Sk from the statistics (with regCovar, as scikit-learn's
   * `_estimate_gaussian_parameters`), then the Dirichlet (process), Gaussian and Wishart posteriors. Throws
   * ILL_DEFINED_COVARIANCE if a covariance is not positive definite.
   */
  mstep(st: Statistics, out: Posterior): void {
    const { type, d, k, cm, priors, regCovar, xk, delta, C, sk } = this;
    const nk = out.nk;
    for (let c = 0; c < k; c++) nk[c] = st.N[c] + TEN_EPS;
    let nkSum = 0;
    for (let c = 0; c < k; c++) nkSum += nk[c];

    // Weights: Beta(1 + N_c, α₀ + Σ_{j>c} N_j) sticks, or Dirichlet(α₀ + N).
    const wc = out.weightConcentration;
    const a0 = priors.weightConcentration;
    if (priors.weightConcentrationPriorType === "dirichlet_process") {
      let tail = 0;
      for (let c = k - 1; c >= 0; c--) {
        wc[c] = 1 + nk[c];
        wc[k + c] = a0 + tail;
        tail += nk[c];
      }
    } else {
      for (let c = 0; c < k; c++) wc[c] = a0 + nk[c];
    }

    // x̄k = shift + S1/nk; the scatter around x̄k; Sk (+ regCovar).
    for (let c = 0; c < k; c++) {
      for (let j = 0; j < d; j++) {
        delta[j] = st.S1[c * d + j] / nk[c];
        xk[c * d + j] = st.shift[c * d + j] + delta[j];
      }
      if (type === "tied") {
        // The shared scatter block holds every component's scatter around its own shift: re-centre each.
        if (c === 0) {
          let idx = 0;
          for (let i = 0; i < d; i++) for (let j = i; j < d; j++) sk[i * d + j] = sk[j * d + i] = st.S2[idx++];
        }
        for (let i = 0; i < d; i++) {
          for (let j = i; j < d; j++) {
            const v =
              sk[i * d + j] - st.S1[c * d + i] * delta[j] - delta[i] * st.S1[c * d + j] + st.N[c] * delta[i] * delta[j];
            sk[i * d + j] = sk[j * d + i] = v;
          }
        }
        continue;
      }
      this.scatterAround(st, c, delta);
      if (type === "full") {
        for (let i = 0; i < d * d; i++) sk[c * d * d + i] = C[i] / nk[c];
        for (let j = 0; j < d; j++) sk[c * d * d + j * d + j] += regCovar;
      } else {
        let mean = 0;
        for (let j = 0; j < d; j++) {
          const v = C[j * d + j] / nk[c] + regCovar;
          sk[c * d + j] = v;
          mean += v;
        }
        if (type === "spherical") sk.fill(mean / d, c * d, (c + 1) * d);
      }
    }
    if (type === "tied") {
      for (let i = 0; i < d * d; i++) sk[i] /= nkSum;
      for (let j = 0; j < d; j++) sk[j * d + j] += regCovar;
    }

    // Means: β = β₀ + nk, m = (β₀ m₀ + nk x̄k) / β.
    const b0 = priors.meanPrecision;
    const m0 = priors.mean;
    const beta = out.meanPrecision;
    for (let c = 0; c < k; c++) {
      beta[c] = b0 + nk[c];
      for (let j = 0; j < d; j++) out.means[c * d + j] = (b0 * m0[j] + nk[c] * xk[c * d + j]) / beta[c];
    }

    // Wishart: ν = ν₀ + nk (tied: ν₀ + Σnk / k) and the scale, normalised by ν.
    const nu0 = priors.degreesOfFreedom;
    const W0 = priors.covariance;
    const cov = out.cov;
    const diff = delta; // reused: x̄k − m₀
    if (type === "tied") {
      const nkMean = nkSum / k;
      const nu = (out.degreesOfFreedom[0] = nu0 + nkMean);
      const M = this.M.fill(0);
      for (let c = 0; c < k; c++) {
        for (let j = 0; j < d; j++) diff[j] = xk[c * d + j] - m0[j];
        const s = nk[c] / beta[c];
        for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) M[i * d + j] += s * diff[i] * diff[j];
      }
      for (let i = 0; i < d * d; i++) cov[i] = (W0[i] + sk[i] * nkMean + (b0 / k) * M[i]) / nu;
    } else {
      for (let c = 0; c < k; c++) {
        for (let j = 0; j < d; j++) diff[j] = xk[c * d + j] - m0[j];
        const nu = (out.degreesOfFreedom[c] = nu0 + nk[c]);
        if (type === "full") {
          const shrink = (nk[c] * b0) / beta[c];
          for (let i = 0; i < d; i++) {
            for (let j = 0; j < d; j++) {
              const at = c * d * d + i * d + j;
              cov[at] = (W0[i * d + j] + nk[c] * sk[at] + shrink * diff[i] * diff[j]) / nu;
            }
          }
        } else if (type === "diag") {
          const r = b0 / beta[c];
          for (let j = 0; j < d; j++) cov[c * d + j] = (W0[j] + nk[c] * (sk[c * d + j] + r * diff[j] * diff[j])) / nu;
        } else {
          let m2 = 0;
          for (let j = 0; j < d; j++) m2 += diff[j] * diff[j];
          cov.fill((W0[0] + nk[c] * (sk[c * d] + (b0 / beta[c]) * (m2 / d))) / nu, c * d, (c + 1) * d);
        }
      }
    }

    // Precision factors of the normalised scale (scikit-learn's `_compute_precision_cholesky`).
    const blocks = cm.shared ? 1 : k;
    for (let c = 0; c < blocks; c++) {
      if (cm.kind === 0) {
        if (!factorFromCovariance(cov, c * d * d, d, this.L, out.factors, c * tri(d))) {
          throw illDefined(type, cm.shared ? k : c, k, regCovar);
        }
      } else {
        for (let j = 0; j < d; j++) {
          const v = cov[c * d + j];
          if (!(v > 0)) throw illDefined(type, c, k, regCovar);
          out.factors[c * d + j] = 1 / Math.sqrt(v);
        }
      }
    }
  }

  /**
   * The engine's per-component region (2k) into `out`: the log-constants, so that the pass's log p_ic is
   * scikit-learn's weighted log-probability E[log π_c] + E[log N(x | μ_c, Λ_c)]:
   *   E[log π_c] − ½d·log 2π + Σ log U_jj − ½d·log ν_c + ½(d·log 2 + Σ_j ψ((ν_c − j)/2) − d/β_c),
   * then the flush thresholds: max(log(nk_c / Σnk) − 50, −708). A responsibility below e^−50·nk_c/Σnk of the
   * sample's largest is taken as 0 (r = e^t / Σe^t ≤ e^t whatever the constants, so summed over the samples the
   * terms skipped are below e^−50 of the component's statistics, as in the maximum-likelihood pass).
   */
  logConstants(post: Posterior, out: Float64Array): Float64Array {
    const { d, k, cm } = this;
    expectedLogWeights(this.priors.weightConcentrationPriorType, post.weightConcentration, k, this.logW);
    logDetFactors(this.type, d, k, post.factors, this.logDet);
    let nkSum = 0;
    for (let c = 0; c < k; c++) nkSum += post.nk[c];
    for (let c = 0; c < k; c++) {
      const b = cm.shared ? 0 : c;
      const nu = post.degreesOfFreedom[b];
      const gauss = -0.5 * d * LOG_2PI + this.logDet[b] - 0.5 * d * Math.log(nu);
      out[c] = this.logW[c] + gauss + 0.5 * (expectedLogDetWishart(nu, d) - d / post.meanPrecision[c]);
      const lw = Math.log(post.nk[c] / nkSum);
      out[k + c] = Math.max(lw - 50, -708);
    }
    return out;
  }

  /**
   * Σ_i v_i Σ_c r_ic log r_ic of a pass, from its statistics: log r_ic = log p_ic − log norm_i and Σ_c r_ic = 1,
   * so it is Σ_c N_c·logConst_c − ½ Σ_c tr(P_c C_c) − L with C_c the weighted scatter around the means the pass
   * used (P_c = U_c U_cᵀ). No n×k matrix is needed for the entropy of the responsibilities.
   */
  responsibilityEntropyTerm(st: Statistics, L: number, logConst: Float64Array, post: Posterior): number {
    const { type, d, k, cm, C } = this;
    const e = this.delta;
    const total = this.M; // tied: Σ_c C_c
    let sum = 0;
    let quad = 0;
    for (let c = 0; c < k; c++) {
      sum += st.N[c] * logConst[c];
      for (let j = 0; j < d; j++) e[j] = post.means[c * d + j] - st.shift[c * d + j];
      if (type === "tied") {
        // The shared block is the sum of the components' scatters, each around its own shift.
        if (c === 0) {
          let idx = 0;
          for (let i = 0; i < d; i++) for (let j = i; j < d; j++) total[i * d + j] = total[j * d + i] = st.S2[idx++];
        }
        for (let i = 0; i < d; i++) {
          for (let j = i; j < d; j++) {
            const v = -st.S1[c * d + i] * e[j] - e[i] * st.S1[c * d + j] + st.N[c] * e[i] * e[j];
            total[i * d + j] += v;
            if (j !== i) total[j * d + i] += v;
          }
        }
        continue;
      }
      this.scatterAround(st, c, e);
      quad += traceProduct(cm.kind, d, post.factors, c * cm.factorSize(d), C);
    }
    if (type === "tied") quad = traceProduct(0, d, post.factors, 0, total);
    return sum - 0.5 * quad - L;
  }

  /**
   * scikit-learn's `_compute_lower_bound` (its ELBO up to constants, not divided by n): the entropy of the
   * responsibilities (`rLogR` = Σ v r log r of the last pass) and the normalisers of the Wishart, Dirichlet (or
   * Beta) and Gaussian posteriors.
   */
  lowerBound(post: Posterior, rLogR: number): number {
    const { d, k, cm, priors } = this;
    logDetFactors(this.type, d, k, post.factors, this.logDet);
    let logWishart = 0;
    for (let c = 0; c < (cm.shared ? 1 : k); c++) {
      const nu = post.degreesOfFreedom[c];
      const logDetPrecision = this.logDet[c] - 0.5 * d * Math.log(nu);
      let g = 0;
      for (let j = 0; j < d; j++) g += gammaln(0.5 * (nu - j));
      logWishart += -(nu * logDetPrecision + nu * d * 0.5 * LOG_2 + g);
    }
    if (cm.shared) logWishart *= k;
    const wc = post.weightConcentration;
    let logNormWeight = 0;
    if (priors.weightConcentrationPriorType === "dirichlet_process") {
      for (let c = 0; c < k; c++) logNormWeight -= betaln(wc[c], wc[k + c]);
    } else {
      let s = 0;
      for (let c = 0; c < k; c++) {
        s += wc[c];
        logNormWeight -= gammaln(wc[c]);
      }
      logNormWeight += gammaln(s);
    }
    let logBeta = 0;
    for (let c = 0; c < k; c++) logBeta += Math.log(post.meanPrecision[c]);
    return -rLogR - logWishart - logNormWeight - 0.5 * d * logBeta;
  }
}

/** The per-component constants and thresholds of a posterior (see VariationalUpdates.logConstants). */
export function logConstants(
  type: CovarianceType,
  d: number,
  k: number,
  post: Posterior,
  priors: Priors,
): Float64Array {
  return new VariationalUpdates(type, d, k, priors, 0).logConstants(post, new Float64Array(2 * k));
}
