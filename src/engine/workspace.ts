/**
 * A fit's view of one engine: its memory regions (regions.ts) and typed calls of the kernels on them. X and the
 * sample weights are copied in once per fit (load.ts). The passes and M-steps allocate nothing; the accelerated
 * loop reuses its parameter copies (readParamsInto), and only an extrapolation step builds its candidate.
 */
import { COVARIANCE_MODELS, type CovarianceModel } from "../covariance.js";
import type { Data } from "../data.js";
import { GaussMixError, illDefined } from "../errors.js";
import type { CovarianceType } from "../types.js";
import {
  blocksOf,
  CovarianceCode,
  covarianceEntries,
  factorEntries,
  familyOf,
  KernelFamily,
  PassVariant,
  STATS_LOGLIK,
  STATS_WEIGHT,
} from "../wasm/abi.js";
import type { Engine } from "../wasm/engine.js";
import type { PassArgs, ThreadPool } from "../wasm/threads.js";
import { CommonShift } from "./common-shift.js";
import { loadChunk, loadData } from "./load.js";
import { layoutRegions, type Regions, RESP_CHUNK } from "./regions.js";
import { passThreaded } from "./threaded-pass.js";
import type { Params } from "./types.js";

export class Workspace {
  readonly pairs: number;
  /** The covariance type's conversions (public shapes, parameter counts). */
  readonly model: CovarianceModel;
  readonly family: KernelFamily;
  readonly regions: Regions;
  /** The passes around the common shift and the data moments. */
  readonly common: CommonShift;
  /** Pass variant of the statistics now in block 0 (the M-step's shift depends on it). */
  private statsVariant: PassVariant = KernelFamily.triangular;

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
    this.pairs = Math.ceil(n / 2);
    this.model = COVARIANCE_MODELS[type];
    this.family = familyOf(type);
    this.regions = layoutRegions(engine, type, n, d, k, auxBytes, 1 + (pool?.workers ?? 0), start);
    this.common = new CommonShift(engine, type, this.regions, this.pairs, d, k, pool);
  }

  /** Byte offsets of the regions. */
  get ptr(): Regions["ptr"] {
    return this.regions.ptr;
  }

  /** The largest absolute value of the data loaded (for the messages of fits that overflow). */
  maxAbs = 0;

  /**
   * Copies X (validating every value) and the sample weights (undefined: all 1) into the engine, in chunks
   * between which the signal is honoured (load.ts).
   */
  load(data: Data, weights: Float64Array | undefined, name = "X", signal?: AbortSignal): Promise<void> {
    return loadData(this, data, weights, name, signal);
  }

  /**
   * Copies a chunk of at most n samples at once (no turns of the event loop: a streaming accumulator's chunk is
   * small); `weights` undefined: all 1. Samples past the chunk are not read by a pass over its pairs.
   */
  loadChunk(data: Data, weights: Float64Array | undefined, name = "X"): void {
    loadChunk(this, data, weights, name);
  }

  /** The weighted data mean (also the shift of later sweeps). */
  dataMean(): Float64Array {
    return this.common.dataMean();
  }

  /** The weighted mean of every feature and their weighted variances. */
  featureMoments(): { mean: Float64Array; variance: Float64Array } {
    return this.common.featureMoments();
  }

  /** featureMoments, its sweeps split over the pool's threads where that pays. */
  featureMomentsAsync(): Promise<{ mean: Float64Array; variance: Float64Array }> {
    return this.common.featureMomentsAsync();
  }

  /** The weighted data mean, Σv and the scatter around the mean (d×d; `full` false: its diagonal only). */
  dataScatter(full: boolean): { mean: Float64Array; weight: number; scatter: Float64Array } {
    return this.common.dataScatter(full);
  }

  /** Where the statistics now in block 0 are centred: the byte offset of k·d f64, one shift per component. */
  get statsShift(): number {
    return this.statsVariant === PassVariant.tiedShifted ? this.common.shifts : this.ptr.means;
  }

  writeParams(p: Params): void {
    const f = this.engine.f64;
    f.set(p.weights, this.ptr.weights >>> 3);
    f.set(p.means, this.ptr.means >>> 3);
    f.set(p.cov, this.ptr.cov >>> 3);
    f.set(p.factors, this.ptr.factors >>> 3);
    this.updateLogConstants();
  }

  readParams(): Params {
    const f = this.engine.f64;
    const get = (at: number, len: number) => f.slice(at >>> 3, (at >>> 3) + len);
    const { type, d, k } = this;
    const blocks = blocksOf(type, k);
    return {
      weights: get(this.ptr.weights, k),
      means: get(this.ptr.means, k * d),
      cov: get(this.ptr.cov, blocks * covarianceEntries(type, d)),
      factors: get(this.ptr.factors, blocks * factorEntries(type, d)),
    };
  }

  /** readParams into arrays of an earlier readParams of this workspace (no allocation); returns them. */
  readParamsInto(p: Params): Params {
    const f = this.engine.f64;
    const get = (to: Float64Array, at: number) => to.set(f.subarray(at >>> 3, (at >>> 3) + to.length));
    get(p.weights, this.ptr.weights);
    get(p.means, this.ptr.means);
    get(p.cov, this.ptr.cov);
    get(p.factors, this.ptr.factors);
    return p;
  }

  /** Recomputes log w_c − d/2·log 2π + log det U_c after weights or factors changed. */
  updateLogConstants(): void {
    const { ptr, d, k } = this;
    this.engine.kernels.logConstants(
      this.family,
      d,
      k,
      ptr.weights,
      ptr.factors,
      this.regions.factorStride,
      ptr.logConst,
    );
  }

  private zeroStats(): void {
    const at = this.ptr.stats >>> 3; // block 0: the one the M-step reads
    this.engine.f64.fill(0, at, at + this.regions.statsSize);
  }

  /** Sums the two lanes of stats entry `i` (offsets: STATS_* and statsLayout in src/wasm/abi.ts). */
  stat(i: number): number {
    const f = this.engine.f64;
    const at = (this.ptr.stats >>> 3) + 2 * i;
    return f[at] + f[at + 1];
  }

  /**
   * Chooses the variant of the next pass and writes what it reads: the pass around the common shift where it
   * applies (see CommonShift.preparePass), else the family's pass around each component's mean.
   */
  private preparePass(): PassVariant {
    return this.common.preparePass() ?? this.family;
  }

  /** The arguments of the pass kernel for the pairs [p0, p1) into thread `thread`'s statistics and scratch. */
  passArgs(variant: PassVariant, p0: number, p1: number, thread: number): PassArgs {
    const { ptr, d, k, regions } = this;
    const means = variant === this.family ? ptr.means : this.common.means; // the passes around s read B or M
    return [
      variant,
      ptr.X,
      ptr.W,
      p0,
      p1,
      d,
      k,
      means,
      ptr.factors,
      regions.factorStride,
      ptr.logConst,
      ptr.stats + thread * regions.statsSize * 8,
      regions.s2Stride,
      ptr.scratch + thread * regions.scratchSize,
      ptr.common,
    ];
  }

  /** The tied pass around s leaves the scatter to this side: T is added to the statistics of block 0. */
  private finishStats(variant: PassVariant): number {
    this.statsVariant = variant;
    if (variant === PassVariant.tiedShifted) this.common.addDataScatter(this.ptr.stats);
    return this.stat(STATS_LOGLIK) / this.stat(STATS_WEIGHT);
  }

  /** One EM pass (E-step and statistics) over all samples; returns the weighted mean log-likelihood. */
  pass(): number {
    const variant = this.preparePass();
    this.zeroStats();
    this.engine.kernels.pass(...this.passArgs(variant, 0, this.pairs, 0));
    return this.finishStats(variant);
  }

  /** The pass split over the pool's threads and this one; the plain pass without a pool. */
  async passAsync(): Promise<number> {
    if (!this.pool) return this.pass();
    const variant = this.preparePass();
    await passThreaded(this, this.pool, variant);
    return this.finishStats(variant);
  }

  /**
   * Statistics from responsibilities given chunk by chunk (initialisation): `fill(p0, p1, rv, at)` writes
   * rv[at + ((p − p0)·k + c)·2 + lane] = r for the pairs [p0, p1); the kernel multiplies them by the sample
   * weights. Taken around the shifts now at ptr.means (k·d f64).
   */
  statsFromResp(fill: (p0: number, p1: number, rv: Float64Array, at: number) => void): void {
    const { ptr, d, k } = this;
    this.zeroStats();
    this.statsVariant = this.family;
    for (let p0 = 0; p0 < this.pairs; p0 += RESP_CHUNK) {
      const p1 = Math.min(this.pairs, p0 + RESP_CHUNK);
      const f = this.engine.f64;
      const rv = ptr.rv >>> 3;
      fill(p0, p1, f, rv);
      this.engine.kernels.accumulateResp(
        this.family,
        ptr.X,
        ptr.W,
        p0,
        p1,
        d,
        k,
        ptr.means,
        ptr.rv,
        ptr.stats,
        this.regions.s2Stride,
        ptr.scratch,
      );
    }
  }

  /**
   * The unit of regCovar per feature (d values): the M-step adds regCovar × regScale[j] to feature j's variance.
   * Undefined: 1 for every feature (scikit-learn's absolute amount). A fit whose regularisation is relative to
   * the data sets it once (src/regularization.ts); every M-step on this workspace then uses it.
   */
  regScale?: Float64Array;

  /** The amounts the M-step adds for `regCovar` (d values): regCovar × regScale, or regCovar. */
  regAmounts(regCovar: number): Float64Array {
    const scale = this.regScale;
    return Float64Array.from({ length: this.d }, (_, j) => (scale ? regCovar * scale[j] : regCovar));
  }

  /**
   * The M-step from the statistics, adding regCovar × regScale[j] to feature j's variance; throws the
   * ill-defined-covariance error on failure.
   */
  mstep(regCovar: number): void {
    const f = this.engine.f64;
    const at = this.regAt >>> 3;
    const scale = this.regScale;
    let largest = 0;
    for (let j = 0; j < this.d; j++) {
      f[at + j] = scale ? regCovar * scale[j] : regCovar;
      largest = Math.max(largest, f[at + j]);
    }
    this.mstepAt(largest);
  }

  /** The M-step adding the given amount to each feature's variance (d values, e.g. a fitted model's regCovar). */
  mstepWith(amounts: ArrayLike<number>): void {
    this.engine.f64.set(amounts, this.regAt >>> 3);
    let largest = 0;
    for (let j = 0; j < this.d; j++) largest = Math.max(largest, amounts[j]);
    this.mstepAt(largest);
  }

  /** Where the M-step's amounts are written: after the kernel's 3·d·d f64 of the work region (regions.ts). */
  private get regAt(): number {
    return this.ptr.work + 3 * this.d * this.d * 8;
  }

  /** The kernel on the amounts written at regAt; `largest` (the largest amount) is for the error message. */
  private mstepAt(largest: number): void {
    const { ptr, d, k } = this;
    // After the tied pass around s, every component's statistics are around s (stored repeated k times).
    const shift = this.statsShift;
    const status = this.engine.kernels.mstep(
      CovarianceCode[this.type],
      d,
      k,
      ptr.stats,
      this.regAt,
      shift,
      ptr.means,
      ptr.weights,
      ptr.cov,
      ptr.factors,
      ptr.logConst,
      ptr.work,
    );
    if (status >= 0) throw illDefined(this.type, status, k, largest, this.maxAbs);
  }

  /**
   * Precision factors of covariances in engine storage (full k·d·d, tied d·d, diag and spherical k·d), or
   * undefined when one is not positive definite (the accelerated EM's extrapolated parameters).
   */
  factorsFromCovariances(cov: Float64Array): Float64Array | undefined {
    const { ptr, d, k, type } = this;
    const blocks = blocksOf(type, k);
    const fs = factorEntries(type, d);
    const out = new Float64Array(blocks * fs);
    if (this.family !== KernelFamily.triangular) {
      for (let i = 0; i < out.length; i++) {
        if (!(cov[i] > 0)) return undefined;
        out[i] = 1 / Math.sqrt(cov[i]);
      }
      return out;
    }
    // work region: the covariance (d·d), its factor (≤ d·d), then the kernel's own d·d.
    const C = ptr.work;
    const F = C + d * d * 8;
    const W = F + d * d * 8;
    for (let c = 0; c < blocks; c++) {
      this.engine.f64.set(cov.subarray(c * d * d, (c + 1) * d * d), C >>> 3);
      if (!this.engine.kernels.factorFromCovariance(C, d, F, W)) return undefined;
      out.set(this.engine.f64.subarray(F >>> 3, (F >>> 3) + fs), c * fs);
    }
    for (const v of out) if (!Number.isFinite(v)) return undefined;
    return out;
  }

  /**
   * Sets the factors from precision matrices (full/tied, checked symmetric by the caller) or vectors
   * (diag/spherical, checked finite and positive by the caller).
   */
  setPrecisions(precisions: Float64Array[], name = "precisionsInit"): void {
    const { ptr, d, type } = this;
    const f = this.engine.f64;
    const fs = factorEntries(type, d);
    precisions.forEach((p, c) => {
      const out = (ptr.factors >>> 3) + c * fs;
      if (this.family === KernelFamily.triangular) {
        // work region: P (d·d), then the factor (≤ d·d), then the kernel's own 2·d·d.
        const P = ptr.work;
        const F = P + d * d * 8;
        f.set(p, P >>> 3);
        if (!this.engine.kernels.factorFromPrecision(P, d, F, F + d * d * 8)) {
          throw new GaussMixError("INVALID_INIT", `${name}${type === "tied" ? "" : `[${c}]`} is not positive definite`);
        }
        f.copyWithin(out, F >>> 3, (F >>> 3) + fs);
      } else {
        for (let j = 0; j < d; j++) f[out + j] = Math.sqrt(p[j]);
      }
    });
  }

  /** Per-sample labels (argmax of the weighted log-probabilities) with the current parameters. */
  labels(out: number): void {
    const { ptr, d, k } = this;
    this.engine.kernels.estimate(
      this.family,
      ptr.X,
      0,
      this.pairs,
      d,
      k,
      ptr.means,
      ptr.factors,
      this.regions.factorStride,
      ptr.logConst,
      0,
      0,
      out,
      ptr.scratch,
    );
  }
}
