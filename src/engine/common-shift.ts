/**
 * The passes around one common shift s (the weighted data mean), for tied and spherical covariances: s, the
 * per-component vectors the kernels read (tied B_c = F (μ_c − s), spherical M_c = μ_c − s and ‖M_c‖²) and, for
 * tied, the data scatter T = Σ v (x − s)(x − s)ᵀ, which the tied pass leaves to this side. Also the data moments
 * the initialisation needs (mean, per-feature variance), from the same engine sweep.
 */
import { tri } from "../util.js";
import type { CovarianceType } from "../types.js";
import { commonShiftLayout, momentsLayout, type PassVariant, shiftedPassOf, statsLayout } from "../wasm/abi.js";
import type { Engine, Kernels } from "../wasm/engine.js";
import type { ThreadPool } from "../wasm/threads.js";
import { runSplit, splitPoint, sumBlocks } from "./threaded-pass.js";
import type { Regions } from "./regions.js";

/**
 * The passes around the common shift s are used while every mean is within this squared Mahalanobis distance
 * of s (100 standard deviations): there the tied scatter T − Σ N_c (μ_c − s)(μ_c − s)ᵀ and the spherical
 * distance ‖x − s‖² − 2(x − s)·(μ_c − s) + ‖μ_c − s‖² lose at most four of their sixteen digits. Farther apart,
 * the passes around each component's own mean are used.
 */
const COMMON_SHIFT_MAX_DISTANCE2 = 1e4;

/** Sweeps over at least this many pairs × features are split over the pool's threads (smaller ones: one thread). */
const SWEEP_THREADS_MIN = 1 << 16;

export class CommonShift {
  /** s (and for tied T) are computed once per loaded data. */
  private ready = false;
  /**
   * The data mean of the one-thread sweep, kept until new data are loaded: the initialisation asks for it once
   * per start, and a sweep would give the same bits again.
   */
  private mean?: Float64Array;
  private readonly layout: ReturnType<typeof commonShiftLayout>;

  constructor(
    private readonly engine: Engine,
    private readonly type: CovarianceType,
    private readonly regions: Regions,
    private readonly pairs: number,
    private readonly d: number,
    private readonly k: number,
    /** Worker threads sharing the memory: each has its own block of the moments region and its own scratch. */
    private readonly pool?: ThreadPool,
  ) {
    this.layout = commonShiftLayout(d, k);
  }

  /** New data were loaded. */
  invalidate(): void {
    this.ready = false;
    this.mean = undefined;
  }

  /** Byte offset of the per-component vectors a pass around s reads (B_c or M_c, then ‖M_c‖²). */
  get means(): number {
    return this.regions.ptr.common + this.layout.means * 8;
  }

  /** Byte offset of s repeated k times: the M-step's shifts after the tied pass around s. */
  get shifts(): number {
    return this.regions.ptr.common + this.layout.shifts * 8;
  }

  /**
   * Moments of the data around the shift now at ptr.common (one engine sweep; full: the whole scatter, else its
   * diagonal); returns Σv.
   */
  private sweepMoments(full: 0 | 1): number {
    const { ptr } = this.regions;
    const d = this.d;
    const f = this.engine.f64;
    const M = ptr.moments >>> 3;
    f.fill(0, M, M + 2 * momentsLayout(d).entries);
    this.engine.kernels.dataMoments(full, ptr.X, ptr.W, 0, this.pairs, d, ptr.common, ptr.moments, ptr.scratch);
    return f[M + 2 * momentsLayout(d).nk] + f[M + 2 * momentsLayout(d).nk + 1];
  }

  /**
   * sweepMoments split over the pool's threads (contiguous ranges of pairs, each into its own moments block and
   * scratch, the blocks then summed into the first), where the data are large enough for that to pay.
   */
  private async sweepMomentsAsync(full: 0 | 1): Promise<number> {
    const { pool, d, pairs } = this;
    if (!pool || pairs * d < SWEEP_THREADS_MIN) return this.sweepMoments(full);
    const { ptr, scratchSize } = this.regions;
    const T = pool.workers + 1;
    const size = 2 * momentsLayout(d).entries;
    const M = ptr.moments >>> 3;
    this.engine.f64.fill(0, M, M + T * size);
    const args = (t: number): Parameters<Kernels["dataMoments"]> => [
      full,
      ptr.X,
      ptr.W,
      splitPoint(pairs, T, t),
      splitPoint(pairs, T, t + 1),
      d,
      ptr.common,
      ptr.moments + t * size * 8,
      ptr.scratch + t * scratchSize,
    ];
    await runSplit(
      pool,
      (t) => ["dataMoments", ...args(t)],
      () => this.engine.kernels.dataMoments(...args(0)),
    );
    const f = this.engine.f64;
    sumBlocks(f, M, size, T);
    return f[M + 2 * momentsLayout(d).nk] + f[M + 2 * momentsLayout(d).nk + 1];
  }

  /** Lanes-summed S1_j (j < d) or S2 entry j − d (j ≥ d) of the last sweep. */
  private moment(j: number): number {
    const f = this.engine.f64;
    const at = (this.regions.ptr.moments >>> 3) + 2 * (momentsLayout(this.d).s1 + j);
    return f[at] + f[at + 1];
  }

  /** The weighted data mean, also left at ptr.common as the shift s of later sweeps and passes. */
  dataMean(): Float64Array {
    const d = this.d;
    const s = (this.regions.ptr.common >>> 3) + this.layout.shift;
    if (this.mean) {
      this.engine.f64.set(this.mean, s); // s is already this mean unless another sweep wrote it
      return this.mean.slice();
    }
    this.ready = false; // prepare completes the region when a pass needs it
    this.engine.f64.fill(0, s, s + d);
    const N = this.sweepMoments(0);
    const mean = new Float64Array(d);
    for (let j = 0; j < d; j++) mean[j] = this.engine.f64[s + j] = this.moment(j) / N;
    this.mean = mean.slice();
    return mean;
  }

  /** featureMoments with both sweeps split over the pool's threads (the same sums, grouped by thread). */
  async featureMomentsAsync(): Promise<{ mean: Float64Array; variance: Float64Array }> {
    const d = this.d;
    // Threads group the sums differently: this mean may differ from the one-thread sweep's in the last bits.
    this.ready = false;
    this.mean = undefined;
    const s = (this.regions.ptr.common >>> 3) + this.layout.shift;
    const f = this.engine.f64;
    f.fill(0, s, s + d);
    let N = await this.sweepMomentsAsync(0);
    const mean = new Float64Array(d);
    for (let j = 0; j < d; j++) mean[j] = this.engine.f64[s + j] = this.moment(j) / N;
    N = await this.sweepMomentsAsync(0);
    return { mean, variance: this.variances(N) };
  }

  /** Each feature's variance from the last sweep around the mean (Σv = N). */
  private variances(N: number): Float64Array {
    const d = this.d;
    const variance = new Float64Array(d);
    for (let j = 0; j < d; j++) {
      const S1 = this.moment(j);
      variance[j] = (this.moment(d + j) - (S1 * S1) / N) / N;
    }
    return variance;
  }

  /** The weighted mean of every feature and their weighted variances (two sweeps of the engine). */
  featureMoments(): { mean: Float64Array; variance: Float64Array } {
    const mean = this.dataMean();
    return { mean, variance: this.variances(this.sweepMoments(0)) };
  }

  /**
   * The weighted data mean, Σv and the scatter Σ v (x − x̄)(x − x̄)ᵀ (d×d row-major; `full` false: its diagonal
   * only), in two sweeps of the engine.
   */
  dataScatter(full: boolean): { mean: Float64Array; weight: number; scatter: Float64Array } {
    const d = this.d;
    const mean = this.dataMean();
    const N = this.sweepMoments(full ? 1 : 0);
    const scatter = new Float64Array(d * d);
    let idx = d; // S2 follows S1: the packed upper triangle, or the diagonal
    for (let i = 0; i < d; i++) {
      for (let j = i; j < (full ? d : i + 1); j++) {
        const v = this.moment(idx++) - (this.moment(i) * this.moment(j)) / N;
        scatter[i * d + j] = v;
        scatter[j * d + i] = v;
      }
    }
    return { mean, weight: N, scatter };
  }

  /** s, s repeated k times and, for tied, T: once per loaded data. */
  private prepare(): void {
    const { d, k } = this;
    const f = this.engine.f64;
    const base = this.regions.ptr.common >>> 3;
    const s = base + this.layout.shift;
    this.dataMean();
    const rep = base + this.layout.shifts;
    for (let c = 0; c < k; c++) f.copyWithin(rep + c * d, s, s + d);
    if (this.type === "tied") {
      this.sweepMoments(1);
      const S2 = (this.regions.ptr.moments >>> 3) + 2 * momentsLayout(d).s2;
      f.copyWithin(base + this.layout.scatter, S2, S2 + 2 * tri(d));
    }
    this.ready = true;
  }

  /**
   * Writes what a pass around s reads for the current means and factors (tied: B_c = F (μ_c − s); spherical:
   * M_c = μ_c − s and ‖M_c‖²) and returns that pass, or undefined when some mean is farther than
   * COMMON_SHIFT_MAX_DISTANCE2 from s in its component's metric (or the type has no such pass).
   */
  preparePass(): PassVariant | undefined {
    const variant = shiftedPassOf(this.type);
    if (variant === undefined) return undefined;
    if (!this.ready) this.prepare();
    const { d, k } = this;
    const { ptr } = this.regions;
    const f = this.engine.f64;
    const s = (ptr.common >>> 3) + this.layout.shift;
    const B = (ptr.common >>> 3) + this.layout.means;
    const norms = (ptr.common >>> 3) + this.layout.norms;
    const F = ptr.factors >>> 3;
    const mu = ptr.means >>> 3;
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
        f[norms + c] = m2;
        const g = f[F + c * d]; // spherical factor: the same value d times
        q = m2 * g * g;
      }
      if (!(q <= COMMON_SHIFT_MAX_DISTANCE2)) far++;
    }
    return far ? undefined : variant;
  }

  /** After the tied pass around s: adds T to the scatter of the statistics block at `stats` (byte offset). */
  addDataScatter(stats: number): void {
    const { d, k } = this;
    const f = this.engine.f64;
    const S2 = (stats >>> 3) + 2 * statsLayout(this.type, d, k).s2;
    const T = (this.regions.ptr.common >>> 3) + this.layout.scatter;
    for (let i = 0; i < 2 * tri(d); i++) f[S2 + i] += f[T + i];
  }
}
