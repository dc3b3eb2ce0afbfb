/**
 * A fit's view of one engine: the regions of its memory (data, weights, parameters, statistics, scratch) and
 * typed calls of the kernels on them. X and the sample weights are copied in once per fit; nothing is
 * allocated inside the EM loop.
 */
import { COVARIANCE_MODELS, type CovarianceModel } from "./covariance.js";
import { tri } from "./util.js";
import { type Data, writePairs, writeWeights } from "./data.js";
import { GaussMixError } from "./errors.js";
import type { CovarianceType } from "./types.js";
import type { Engine } from "./wasm/engine.js";
import type { PassArgs, ThreadPool } from "./wasm/threads.js";

/** Parameters in engine storage order (see covariance.ts), as the fitted model keeps them. */
export interface Params {
  readonly weights: Float64Array; // k
  readonly means: Float64Array; // k·d
  readonly cov: Float64Array; // engine covariance storage
  readonly factors: Float64Array; // engine factor storage
}

/** Pairs of samples per call of the responsibility-based accumulation during initialisation. */
const RESP_CHUNK = 512;

/**
 * The passes around the common shift s are used while every mean is within this squared Mahalanobis distance
 * of s (100 standard deviations): there the tied scatter T − Σ N_c (μ_c − s)(μ_c − s)ᵀ and the spherical
 * distance ‖x − s‖² − 2(x − s)·(μ_c − s) + ‖μ_c − s‖² lose at most four of their sixteen digits. Farther apart,
 * the passes around each component's own mean are used.
 */
const COMMON_SHIFT_MAX_DISTANCE2 = 1e4;

export class Workspace {
  readonly model: CovarianceModel;
  readonly pairs: number;
  readonly ptr: {
    X: number; W: number; weights: number; means: number; cov: number; factors: number; logConst: number;
    stats: number; scratch: number; work: number; rv: number; aux: number; common: number; moments: number;
    end: number;
  };
  /** f64 entries of one statistics block (one per thread). */
  readonly statsSize: number;
  private readonly scratchSize: number;
  private readonly factorStride: number;
  private readonly s2Stride: number;
  /** The common shift s (and for tied the data scatter T around it) is computed once per loaded data. */
  private commonReady = false;
  /** Kernel kind of the statistics now in block 0 (the M-step's shift depends on it). */
  private statsKind = 0;

  constructor(
    readonly engine: Engine,
    readonly type: CovarianceType,
    readonly n: number,
    readonly d: number,
    readonly k: number,
    /** Extra bytes for the caller (k-means labels and distances). */
    auxBytes = 0,
    /** Worker threads that share this engine's memory: each gets its own statistics block and scratch. */
    readonly pool?: ThreadPool,
    /** Byte offset to lay the regions out from (another workspace's `ptr.end`); default the heap base. */
    start?: number,
  ) {
    const model = (this.model = COVARIANCE_MODELS[type]);
    this.pairs = (n + 1) >> 1;
    const fs = model.factorSize(d);
    const t = model.scatterSize(d);
    const nFactors = model.shared ? 1 : k;
    this.factorStride = model.shared ? 0 : fs * 8;
    this.s2Stride = model.shared ? 0 : t * 16;
    this.statsSize = 2 * (2 + k + k * d + nFactors * t);
    const threads = 1 + (pool?.workers ?? 0);
    this.scratchSize = engine.k.scratchBytes(d, k);
    this.ptr = engine.layout({
      X: this.pairs * d * 16,
      W: this.pairs * 16,
      weights: k * 8,
      means: k * d * 8,
      cov: (model.shared ? 1 : k) * model.covSize(d) * 8,
      factors: nFactors * fs * 8,
      logConst: 2 * k * 8, // log-constants, then the flush thresholds
      stats: threads * this.statsSize * 8,
      scratch: threads * this.scratchSize,
      work: 5 * d * d * 8,
      rv: RESP_CHUNK * k * 16,
      aux: auxBytes,
      // s (d), B_c = F (μ_c − s) or μ_c − s (k·d), ‖μ_c − s‖² (k), s repeated k times (k·d), T (tri(d) lane pairs)
      common: (d + 2 * k * d + k + 2 * tri(d)) * 8,
      moments: 2 * (3 + d + tri(d)) * 8,
      end: 0,
    }, start);
  }

  /** Copies X (validating every value) and the sample weights into the engine. */
  load(data: Data, weights: Float64Array, name = "X"): void {
    const f = this.engine.f64;
    writePairs(data, f, this.ptr.X >> 3, name);
    writeWeights(weights, f, this.ptr.W >> 3);
    this.commonReady = false;
  }

  /**
   * Moments of the data around the shift now at ptr.common (one engine sweep; full: the whole scatter, else its
   * diagonal); returns Σv.
   */
  private sweepMoments(full: 0 | 1): number {
    const { ptr, d } = this;
    const f = this.engine.f64;
    const M = ptr.moments >> 3;
    f.fill(0, M, M + 2 * (3 + d + tri(d)));
    this.engine.k.dataMoments(full, ptr.X, ptr.W, 0, this.pairs, d, ptr.common, ptr.moments, ptr.scratch);
    return f[M + 4] + f[M + 5];
  }

  /** Lanes-summed S1_j (j < d) or S2 entry j (j ≥ d) of the last sweep. */
  private moment(j: number): number {
    const f = this.engine.f64;
    const at = (this.ptr.moments >> 3) + 6 + 2 * j;
    return f[at] + f[at + 1];
  }

  /** The weighted data mean, also left at ptr.common as the shift s of later sweeps and passes. */
  dataMean(): Float64Array {
    const { ptr, d } = this;
    this.commonReady = false; // prepareCommon completes the region when a pass needs it
    const s = ptr.common >> 3;
    this.engine.f64.fill(0, s, s + d);
    const N = this.sweepMoments(0);
    const mean = new Float64Array(d);
    for (let j = 0; j < d; j++) mean[j] = this.engine.f64[s + j] = this.moment(j) / N;
    return mean;
  }

  /**
   * The weighted data mean s (the common shift of the tied and spherical passes), s repeated k times (the
   * tied M-step's shifts) and, for tied, T = Σ v (x − s)(x − s)ᵀ: once per loaded data.
   */
  private prepareCommon(): void {
    const { ptr, d, k } = this;
    const f = this.engine.f64;
    const s = ptr.common >> 3;
    this.dataMean();
    const rep = s + d + k * d + k;
    for (let c = 0; c < k; c++) f.copyWithin(rep + c * d, s, s + d);
    if (this.type === "tied") {
      this.sweepMoments(1);
      const S2 = (ptr.moments >> 3) + 2 * (3 + d);
      f.copyWithin(rep + k * d, S2, S2 + 2 * tri(d));
    }
    this.commonReady = true;
  }

  /** The weighted mean of every feature and their weighted variances (two sweeps of the engine). */
  featureMoments(): { mean: Float64Array; variance: Float64Array } {
    const d = this.d;
    const mean = this.dataMean();
    const N = this.sweepMoments(0);
    const variance = new Float64Array(d);
    for (let j = 0; j < d; j++) {
      const S1 = this.moment(j);
      variance[j] = (this.moment(d + j) - (S1 * S1) / N) / N;
    }
    return { mean, variance };
  }

  /**
   * Chooses the kernel of the next pass. Tied: writes B_c = F (μ_c − s) for the pass around s; spherical: writes
   * M_c = μ_c − s and ‖M_c‖². Either is used while every mean is within COMMON_SHIFT_MAX_DISTANCE2 of s in its
   * component's metric, else the per-component pass.
   */
  private passKind(): number {
    if (this.type !== "tied" && this.type !== "spherical") return this.model.kind;
    if (!this.commonReady) this.prepareCommon();
    const { ptr, d, k } = this;
    const f = this.engine.f64;
    const s = ptr.common >> 3;
    const B = s + d;
    const F = ptr.factors >> 3;
    const mu = ptr.means >> 3;
    const tied = this.type === "tied";
    let far = 0;
    for (let c = 0; c < k; c++) {
      let q = 0;
      let m2 = 0;
      for (let j = 0; j < d; j++) {
        let v = 0;
        if (tied) {
          const row = F + (j * (j + 1)) / 2;
          for (let i = 0; i <= j; i++) v += f[row + i] * (f[mu + c * d + i] - f[s + i]);
          q += v * v;
        } else {
          v = f[mu + c * d + j] - f[s + j];
          m2 += v * v;
        }
        f[B + c * d + j] = v;
      }
      if (!tied) {
        f[B + k * d + c] = m2;
        const g = f[F + c * d]; // spherical factor: the same value d times
        q = m2 * g * g;
      }
      if (!(q <= COMMON_SHIFT_MAX_DISTANCE2)) far++;
    }
    if (far) return this.model.kind;
    return tied ? 2 : 3;
  }

  /** The tied pass around s leaves the scatter to this: T is added to the statistics of block 0. */
  private finishStats(kind: number): void {
    this.statsKind = kind;
    if (kind !== 2) return;
    const { ptr, d, k } = this;
    const f = this.engine.f64;
    const S2 = (ptr.stats >> 3) + 2 * (2 + k + k * d);
    const T = (ptr.common >> 3) + d + 2 * k * d + k;
    for (let i = 0; i < 2 * tri(d); i++) f[S2 + i] += f[T + i];
  }

  writeParams(p: Params): void {
    const f = this.engine.f64;
    f.set(p.weights, this.ptr.weights >> 3);
    f.set(p.means, this.ptr.means >> 3);
    f.set(p.cov, this.ptr.cov >> 3);
    f.set(p.factors, this.ptr.factors >> 3);
    this.updateLogConstants();
  }

  readParams(): Params {
    const f = this.engine.f64;
    const get = (at: number, len: number) => f.slice(at >> 3, (at >> 3) + len);
    const m = this.model;
    const nBlocks = m.shared ? 1 : this.k;
    return {
      weights: get(this.ptr.weights, this.k),
      means: get(this.ptr.means, this.k * this.d),
      cov: get(this.ptr.cov, nBlocks * m.covSize(this.d)),
      factors: get(this.ptr.factors, nBlocks * m.factorSize(this.d)),
    };
  }

  /** Recomputes log w_c − d/2·log 2π + log det U_c after weights or factors changed. */
  updateLogConstants(): void {
    const { ptr, d, k } = this;
    this.engine.k.logConstants(this.model.kind, d, k, ptr.weights, ptr.factors, this.factorStride, ptr.logConst);
  }

  private zeroStats(): void {
    const at = this.ptr.stats >> 3; // block 0: the one the M-step reads
    this.engine.f64.fill(0, at, at + this.statsSize);
  }

  /** Sums the two lanes of stats entry `i`. */
  stat(i: number): number {
    const f = this.engine.f64;
    const at = (this.ptr.stats >> 3) + 2 * i;
    return f[at] + f[at + 1];
  }

  private passArgs(kind: number, p0: number, p1: number, thread: number): PassArgs {
    const { ptr, d, k } = this;
    const means = kind >= 2 ? ptr.common + d * 8 : ptr.means; // the passes around s read B or M
    return [kind, ptr.X, ptr.W, p0, p1, d, k, means, ptr.factors, this.factorStride, ptr.logConst,
      ptr.stats + thread * this.statsSize * 8, this.s2Stride, ptr.scratch + thread * this.scratchSize, ptr.common];
  }

  /** One EM pass (E-step and statistics) over all samples; returns the weighted mean log-likelihood. */
  pass(): number {
    const kind = this.passKind();
    this.zeroStats();
    this.engine.k.pass(...this.passArgs(kind, 0, this.pairs, 0));
    this.finishStats(kind);
    return this.stat(0) / this.stat(1);
  }

  /**
   * The pass split over the pool's threads and this one (each range into its own statistics block, then the
   * blocks summed into the first); the plain pass without a pool.
   */
  async passAsync(): Promise<number> {
    const pool = this.pool;
    if (!pool) return this.pass();
    const kind = this.passKind();
    const T = pool.workers + 1;
    const size = this.statsSize;
    const at = this.ptr.stats >> 3;
    this.engine.f64.fill(0, at, at + T * size);
    const bound = (t: number) => Math.round((this.pairs * t) / T);
    const tasks = Array.from({ length: pool.workers }, (_, i) => this.passArgs(kind, bound(i + 1), bound(i + 2), i + 1));
    const others = pool.run(tasks);
    this.engine.k.pass(...this.passArgs(kind, 0, bound(1), 0));
    await others;
    const f = this.engine.f64;
    for (let t = 1; t < T; t++) for (let i = 0; i < size; i++) f[at + i] += f[at + t * size + i];
    this.finishStats(kind);
    return this.stat(0) / this.stat(1);
  }

  /**
   * Statistics from responsibilities given chunk by chunk (initialisation): `fill(p0, p1, rv, at)` writes
   * rv[at + ((p − p0)·k + c)·2 + lane] = r for the pairs [p0, p1); the kernel applies the sample weights.
   * Taken around `shift` (k·d f64 at ptr.means).
   */
  statsFromResp(fill: (p0: number, p1: number, rv: Float64Array, at: number) => void): void {
    const { ptr, d, k } = this;
    this.zeroStats();
    this.statsKind = this.model.kind;
    for (let p0 = 0; p0 < this.pairs; p0 += RESP_CHUNK) {
      const p1 = Math.min(this.pairs, p0 + RESP_CHUNK);
      const f = this.engine.f64;
      const rv = ptr.rv >> 3;
      fill(p0, p1, f, rv);
      this.engine.k.accumulateResp(this.model.kind, ptr.X, ptr.W, p0, p1, d, k, ptr.means, ptr.rv, ptr.stats,
        this.s2Stride, ptr.scratch);
    }
  }

  /** The M-step from the statistics; throws the ill-defined-covariance error on failure. */
  mstep(regCovar: number): void {
    const { ptr, d, k } = this;
    // After the tied pass around s, every component's statistics are around s (stored repeated k times).
    const shift = this.statsKind === 2 ? ptr.common + (d + k * d + k) * 8 : ptr.means;
    const status = this.engine.k.mstep(this.model.mstepType, d, k, ptr.stats, regCovar, shift, ptr.means,
      ptr.weights, ptr.cov, ptr.factors, ptr.logConst, ptr.work);
    if (status >= 0) throw illDefined(this.type, status, k, regCovar);
  }

  /**
   * Precision factors of covariances in engine storage (full k·d·d, tied d·d, diag and spherical k·d), or
   * undefined when one is not positive definite.
   */
  factorsFromCovariances(cov: Float64Array): Float64Array | undefined {
    const { ptr, d, k } = this;
    const m = this.model;
    const blocks = m.shared ? 1 : k;
    const fs = m.factorSize(d);
    const out = new Float64Array(blocks * fs);
    if (m.kind === 1) {
      for (let i = 0; i < out.length; i++) {
        if (!(cov[i] > 0)) return undefined;
        out[i] = 1 / Math.sqrt(cov[i]);
      }
      return out;
    }
    const C = ptr.work;
    const F = C + d * d * 8;
    const W = F + d * d * 8;
    for (let c = 0; c < blocks; c++) {
      const f = this.engine.f64;
      f.set(cov.subarray(c * d * d, (c + 1) * d * d), C >> 3);
      if (!this.engine.k.factorFromCovariance(C, d, F, W)) return undefined;
      out.set(this.engine.f64.subarray(F >> 3, (F >> 3) + fs), c * fs);
    }
    for (const v of out) if (!Number.isFinite(v)) return undefined;
    return out;
  }

  /** Sets the factors from precision matrices (full/tied) or vectors (diag/spherical). */
  setPrecisions(precisions: Float64Array[], name = "precisionsInit"): void {
    const { ptr, d } = this;
    const f = this.engine.f64;
    const fs = this.model.factorSize(d);
    precisions.forEach((p, c) => {
      const out = (ptr.factors >> 3) + c * fs;
      if (this.model.kind === 0) {
        if (!isSymmetric(p, d)) {
          throw new GaussMixError("INVALID_INIT", `${name}${this.model.shared ? "" : `[${c}]`} is not symmetric`);
        }
        // work region: P (d·d), then the factor (≤ d·d), then the kernel's own 2·d·d.
        const P = ptr.work;
        const F = P + d * d * 8;
        f.set(p, P >> 3);
        if (!this.engine.k.factorFromPrecision(P, d, F, F + d * d * 8)) {
          throw new GaussMixError("INVALID_INIT", `${name}${this.model.shared ? "" : `[${c}]`} is not positive definite`);
        }
        f.copyWithin(out, F >> 3, (F >> 3) + tri(d));
      } else {
        for (let j = 0; j < d; j++) {
          const v = p[j];
          if (!(Number.isFinite(v) && v > 0)) {
            throw new GaussMixError("INVALID_INIT", `${name}${`[${c}]`}${d > 1 && this.type === "diag" ? `[${j}]` : ""} is ${v}; precisions must be finite and > 0`);
          }
          f[out + j] = Math.sqrt(v);
        }
      }
    });
  }

  /** Per-sample labels (argmax of the weighted log-probabilities) with the current parameters. */
  labels(out: number): void {
    const { ptr, d, k } = this;
    this.engine.k.estimate(this.model.kind, ptr.X, 0, this.pairs, d, k, ptr.means, ptr.factors, this.factorStride,
      ptr.logConst, 0, 0, out, ptr.scratch);
  }
}

/** scikit-learn's `allclose(P, Pᵀ)`. */
function isSymmetric(p: Float64Array, d: number): boolean {
  for (let i = 0; i < d; i++) {
    for (let j = i + 1; j < d; j++) {
      const a = p[i * d + j];
      const b = p[j * d + i];
      if (!Number.isFinite(a) || !(Math.abs(a - b) <= 1e-8 + 1e-5 * Math.abs(b))) return false;
    }
  }
  for (let i = 0; i < d; i++) if (!Number.isFinite(p[i * d + i])) return false;
  return true;
}

export function illDefined(type: CovarianceType, component: number, k: number, regCovar: number): GaussMixError {
  const which = component >= k ? "the tied covariance" : `component ${component}`;
  return new GaussMixError(
    "ILL_DEFINED_COVARIANCE",
    `Fitting the mixture model failed because ${which} has an ill-defined empirical covariance ` +
      `(${type}, regCovar ${regCovar}; for instance caused by singleton or collapsed samples). ` +
      "Try to decrease the number of components, increase regCovar, or scale the input data.",
  );
}
