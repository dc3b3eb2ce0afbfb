/**
 * Statistics of data in the engine: the accumulator that adds chunk after chunk (split over threads with a
 * pool) for fixed parameters, and the model's `statistics(X)` and `step(stats)`.
 */
import { checkFeatures, type Data, describe, sampleWeights } from "./data.js";
import { GaussMixError } from "./errors.js";
import type { Params } from "./engine/types.js";
import { Workspace } from "./engine/workspace.js";
import { runSplit, splitPoint, sumBlocks } from "./engine/threaded-pass.js";
import type { FittedGaussianMixture } from "./model.js";
import { resolveStatisticsOptions } from "./options.js";
import { fingerprintOf, SufficientStatistics } from "./statistics.js";
import type { CovarianceType, DataInput } from "./types.js";
import { STATS_LOGLIK, STATS_NK, STATS_WEIGHT, statsLayout } from "./wasm/abi.js";
import { acquireEngineSync, type Engine, releaseEngine } from "./wasm/engine.js";
import type { ThreadPool } from "./wasm/threads.js";

/** Samples per engine call when statistics are computed from data in memory (bounds the engine's memory). */
const CHUNK = 65536;

/**
 * Accumulates the statistics of data given chunk by chunk (each at most `capacity` samples) for fixed
 * parameters, in one engine. The pass is always the one around each component's mean (the shift of the value).
 * With a pool, every chunk is split over the pool's threads and this one, each adding into its own statistics
 * block across chunks; `read` folds the blocks into the first (the one the M-step reads).
 */
export class StatisticsAccumulator {
  readonly ws: Workspace;
  private params!: Params;
  private fingerprint = "";
  private count = 0;

  constructor(
    readonly engine: Engine,
    readonly type: CovarianceType,
    readonly d: number,
    readonly k: number,
    readonly capacity: number,
    readonly pool?: ThreadPool,
  ) {
    this.ws = new Workspace(engine, type, Math.max(2, capacity), d, k, 0, pool);
  }

  /** Starts a pass for these parameters. */
  reset(params: Params, fingerprint = fingerprintOf(this.type, params)): void {
    this.params = params;
    this.fingerprint = fingerprint;
    this.ws.writeParams(params);
    const at = this.ws.ptr.stats >>> 3;
    this.engine.f64.fill(0, at, at + this.threads * this.ws.regions.statsSize);
    this.count = 0;
  }

  /** Threads a chunk is split over (the pool's workers and this one). */
  get threads(): number {
    return 1 + (this.pool?.workers ?? 0);
  }

  /** Adds a chunk as `add` does, split over the pool's threads (the plain `add` without a pool). */
  async addAsync(data: Data, weights?: Float64Array, name = "X"): Promise<void> {
    const T = this.threads;
    const m = data.n;
    if (T === 1 || m < 256 * T) return this.add(data, weights, name);
    checkFeatures(data, this.d, name);
    this.ws.loadChunk(data, weights, name);
    const pairs = (m + 1) >> 1;
    const args = (t: number) =>
      this.ws.passArgs(this.ws.family, splitPoint(pairs, T, t), splitPoint(pairs, T, t + 1), t);
    await runSplit(this.pool!, args, () => this.engine.kernels.pass(...args(0)));
    this.count += m;
  }

  /** Sums the threads' statistics blocks into the first (and zeroes the others). */
  private fold(): void {
    const f = this.engine.f64;
    const size = this.ws.regions.statsSize;
    const at = this.ws.ptr.stats >>> 3;
    sumBlocks(f, at, size, this.threads);
    f.fill(0, at + size, at + this.threads * size);
  }

  /** Adds a chunk of at most `capacity` samples (validated while copied; weights already validated). */
  add(data: Data, weights?: Float64Array, name = "X"): void {
    const m = data.n;
    if (m === 0) return;
    checkFeatures(data, this.d, name);
    this.ws.loadChunk(data, weights, name);
    this.engine.kernels.pass(...this.ws.passArgs(this.ws.family, 0, (m + 1) >> 1, 0));
    this.count += m;
  }

  /** The statistics of everything added since `reset`. */
  read(): SufficientStatistics {
    this.fold();
    const f = this.engine.f64;
    const { d, k } = this;
    const lay = statsLayout(this.type, d, k);
    const at = this.ws.ptr.stats >>> 3;
    const get = (entry: number, len: number) => {
      const out = new Float64Array(len);
      for (let i = 0; i < len; i++) out[i] = f[at + 2 * (entry + i)] + f[at + 2 * (entry + i) + 1];
      return out;
    };
    return new SufficientStatistics(
      this.type,
      k,
      d,
      this.fingerprint,
      this.count,
      get(STATS_LOGLIK, 1)[0],
      get(STATS_WEIGHT, 1)[0],
      this.params.means.slice(),
      get(STATS_NK, k),
      get(lay.s1, k * d),
      get(lay.s2, lay.entries - lay.s2),
    );
  }
}

/** Rows [a, b) of validated data, without a copy. */
export function sliceData(data: Data, a: number, b: number): Data {
  const { d, at, flat } = data;
  return {
    n: b - a,
    d,
    at: (i, j) => at(a + i, j),
    flat: flat instanceof Float64Array ? flat.subarray(a * d, b * d) : undefined,
  };
}

/** `model.statistics(X, { sampleWeight })`: one pass over X, chunk by chunk, with the model's parameters. */
export function statisticsOf(
  model: FittedGaussianMixture,
  X: DataInput,
  options: { sampleWeight?: ArrayLike<number> } = {},
): SufficientStatistics {
  const { sampleWeight } = resolveStatisticsOptions(options);
  const data = describe(X, "X");
  checkFeatures(data, model.nFeatures);
  const w = sampleWeight === undefined ? undefined : sampleWeights(sampleWeight, data.n);
  const engine = acquireEngineSync();
  try {
    const acc = new StatisticsAccumulator(
      engine,
      model.covarianceType,
      model.nFeatures,
      model.nComponents,
      Math.min(CHUNK, data.n),
    );
    acc.reset(model.params, model.fingerprint);
    for (let a = 0; a < data.n; a += CHUNK) {
      const b = Math.min(data.n, a + CHUNK);
      acc.add(sliceData(data, a, b), w?.subarray(a, b));
    }
    return acc.read();
  } finally {
    releaseEngine(engine);
  }
}

/** `model.step(stats)`: checks the statistics belong to the model, then the M-step. */
export function stepOf(
  model: FittedGaussianMixture,
  stats: SufficientStatistics,
  options: { regCovar?: number | ArrayLike<number> } = {},
): FittedGaussianMixture {
  if (!(stats instanceof SufficientStatistics)) {
    throw new GaussMixError("INVALID_OPTION", "step: expected a SufficientStatistics (from model.statistics(X))");
  }
  if (stats.fingerprint !== model.fingerprint || stats.covarianceType !== model.covarianceType) {
    throw new GaussMixError(
      "STATISTICS_MISMATCH",
      `step: the statistics were computed for other parameters (fingerprint ${stats.fingerprint}, this model's is ` +
        `${model.fingerprint}); compute them with this model's statistics(X)`,
    );
  }
  // The amounts of the fit that made the model, unless given.
  const given = typeof options === "object" && options !== null && options.regCovar !== undefined;
  return stats.toModel(given || !model.regCovar ? options : { ...options, regCovar: model.regCovar });
}
