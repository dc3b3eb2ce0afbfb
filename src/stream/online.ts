/**
 * Online EM for data that never end (stepwise EM, Cappé & Moulines 2009): each batch's sufficient statistics,
 * per unit weight, are blended into running statistics with the step size γ_t, and the M-step of the running
 * statistics gives the parameters. The running statistics are kept around the current means, re-centred after
 * every M-step, so a batch's statistics (taken around the same means) blend in directly.
 */
import { describe as describeData, checkFeatures } from "../data.js";
import { GaussMixError } from "../errors.js";
import { GaussianMixture } from "../gmm.js";
import type { FittedGaussianMixture } from "../model.js";
import { ONLINE_OPTIONS, type Resolved, resolve } from "../options.js";
import { SufficientStatistics } from "../statistics.js";
import type { DataInput, OnlineOptions } from "../types.js";

/** Running statistics per unit weight, around `shift`. */
interface Running {
  logLikelihood: number;
  nk: Float64Array;
  s1: Float64Array;
  s2: Float64Array;
}

export class OnlineGaussianMixture {
  /** The validated options, defaults filled in. */
  readonly options: Resolved<typeof ONLINE_OPTIONS>;
  private current?: FittedGaussianMixture;
  private running?: Running;
  private t = 0;

  /** Validates the options at once (INVALID_OPTION). */
  constructor(options: OnlineOptions = {}) {
    this.options = resolve(ONLINE_OPTIONS, options, "OnlineGaussianMixture options");
  }

  /** The current model (undefined before the first batch). */
  get model(): FittedGaussianMixture | undefined {
    return this.current;
  }

  /** Batches seen so far. */
  get nBatches(): number {
    return this.t;
  }

  /** The step size of batch t (1-based): 1, then 1/t during the warm-up, then min(1, (t + t0)^−κ). */
  stepSize(t: number): number {
    const { warmUp, stepOffset, stepDecay } = this.options;
    if (t <= 1) return 1;
    if (t <= warmUp) return 1 / t;
    return Math.min(1, (t + stepOffset) ** -stepDecay);
  }

  /**
   * Updates the model with one batch of samples and resolves to the new model. The first batch is fitted in
   * memory (the estimator's initialisation and EM, with `randomState`) to give the first parameters.
   */
  async partialFit(X: DataInput, options: { sampleWeight?: ArrayLike<number> } = {}): Promise<FittedGaussianMixture> {
    const o = this.options;
    const data = describeData(X, "X");
    if (this.current) checkFeatures(data, this.current.nFeatures);
    else {
      if (data.n < Math.max(2, o.nComponents)) {
        throw new GaussMixError(
          "TOO_FEW_SAMPLES",
          `the first batch has ${data.n} samples; it must have at least max(2, nComponents = ${o.nComponents}) to start the model`,
        );
      }
      this.current = await new GaussianMixture({
        nComponents: o.nComponents,
        covarianceType: o.covarianceType,
        regCovar: o.regCovar,
        initParams: o.initParams,
        randomState: o.randomState,
      }).fit(X, options);
    }
    const model = this.current;
    const batch = model.statistics(X, options);
    const t = this.t + 1;
    const gamma = this.stepSize(t);
    const V = batch.weightSum;
    const prev = this.running;
    const blend = (old: Float64Array | undefined, now: Float64Array) =>
      now.map((v, i) => (old ? (1 - gamma) * old[i] : 0) + gamma * (v / V));
    const running: Running = {
      logLikelihood: (prev ? (1 - gamma) * prev.logLikelihood : 0) + gamma * (batch.logLikelihood / V),
      nk: blend(prev?.nk, batch.nk),
      s1: blend(prev?.s1, batch.s1),
      s2: blend(prev?.s2, batch.s2),
    };
    this.t = t;
    if (t <= o.warmUp) {
      this.running = running;
      return model;
    }
    const stats = new SufficientStatistics(
      model.covarianceType,
      model.nComponents,
      model.nFeatures,
      model.fingerprint,
      batch.nSamples,
      running.logLikelihood,
      1,
      batch.shift,
      running.nk,
      running.s1,
      running.s2,
    );
    // The first batch's fit chose the amounts (relative to its feature variances by default); kept for good.
    const next = stats.toModel({ regCovar: model.regCovar ?? o.regCovar });
    this.running = recentre(running, model, next);
    this.current = next;
    return next;
  }
}

/** Statistics around the old model's means moved onto the new model's means (exact algebra, see design notes). */
function recentre(r: Running, from: FittedGaussianMixture, to: FittedGaussianMixture): Running {
  const d = from.nFeatures;
  const k = from.nComponents;
  const a = from.params.means;
  const b = to.params.means;
  const s1 = r.s1.slice();
  const s2 = r.s2.slice();
  const type = from.covarianceType;
  const perComponent = type === "full" ? (d * (d + 1)) / 2 : d;
  for (let c = 0; c < k; c++) {
    const N = r.nk[c];
    const delta = (i: number) => a[c * d + i] - b[c * d + i];
    const S1 = (i: number) => r.s1[c * d + i];
    if (type === "diag" || type === "spherical") {
      for (let j = 0; j < d; j++) s2[c * d + j] += 2 * S1(j) * delta(j) + N * delta(j) * delta(j);
    } else {
      const base = type === "full" ? c * perComponent : 0;
      let idx = 0;
      for (let i = 0; i < d; i++) {
        for (let j = i; j < d; j++, idx++) {
          s2[base + idx] += S1(i) * delta(j) + delta(i) * S1(j) + N * delta(i) * delta(j);
        }
      }
    }
    for (let j = 0; j < d; j++) s1[c * d + j] += N * delta(j);
  }
  return { logLikelihood: r.logLikelihood, nk: r.nk, s1, s2 };
}
