/**
 * `fitStream`: EM over data read once per iteration from a source (see source.ts), holding one chunk at a time.
 * The first pass counts the samples and keeps a reservoir sample, on which an in-memory fit gives the first
 * parameters (or the explicit weightsInit, meansInit and precisionsInit are used as given); every later pass
 * accumulates the sufficient statistics of all chunks for the current parameters, then the M-step. From the same
 * first parameters this is the in-memory fit, up to the order of summation. Every M-step adds the amounts of
 * the first fit (the model's regCovar): with the default regularisation of the library's initialisations they
 * are relative to the reservoir sample's feature variances, a bounded sample of the stream, so that the
 * amounts are known before the stream's own variances are (and equal them up to sampling error).
 */
import { COVARIANCE_MODELS } from "../covariance.js";
import { nonFiniteBound } from "../em/loop.js";
import { checkAborted, raceAbort, yieldIfDue } from "../engine/cancel.js";
import { GaussMixError } from "../errors.js";
import { GaussianMixture } from "../gmm.js";
import { precisionsInitOf, writeExplicitInit } from "../init/index.js";
import { FittedGaussianMixture } from "../model.js";
import { checkMeansInit, resolve, STREAM_OPTIONS } from "../options.js";
import { DEFAULT_REG_COVAR } from "../regularization.js";
import { Random } from "../rng.js";
import { StatisticsAccumulator } from "../statistics-accumulator.js";
import type { IterationInfo, StreamFitOptions } from "../types.js";
import { fitEngine } from "../em/fit-setup.js";
import type { Params } from "../engine/types.js";
import { type Chunk, chunks, type StreamSource } from "./source.js";

/** A bounded uniform sample of a stream (reservoir sampling, Algorithm R), with the samples' weights. */
class Reservoir {
  private data: Float64Array;
  private weights: Float64Array;
  seen = 0;
  weightSum = 0;
  constructor(
    readonly size: number,
    readonly d: number,
    private readonly rng: Random,
  ) {
    this.data = new Float64Array(size * d);
    this.weights = new Float64Array(size);
  }

  add(at: (i: number, j: number) => number, n: number, w: Float64Array | undefined): void {
    const { d, size } = this;
    for (let i = 0; i < n; i++, this.seen++) {
      const v = w ? w[i] : 1;
      this.weightSum += v;
      let slot = this.seen;
      if (slot >= size) {
        slot = Math.floor(this.rng.random() * (this.seen + 1));
        if (slot >= size) continue;
      }
      for (let j = 0; j < d; j++) this.data[slot * d + j] = at(i, j);
      this.weights[slot] = v;
    }
  }

  sample(): { X: { data: Float64Array; shape: [number, number] }; weights: Float64Array } {
    const m = Math.min(this.seen, this.size);
    return { X: { data: this.data.subarray(0, m * this.d), shape: [m, this.d] }, weights: this.weights.subarray(0, m) };
  }
}

/**
 * Fits a mixture to data of any size, read from `source` once per EM pass (a function returning the chunks or
 * the CSV text of one pass, or a list of CSV file paths in Node); the engine holds one chunk at a time.
 */
export async function fitStream(source: StreamSource, options: StreamFitOptions = {}): Promise<FittedGaussianMixture> {
  const o = resolve(STREAM_OPTIONS, options, "fitStream options");
  const k = o.nComponents;
  const type = o.covarianceType;
  const rng = new Random(o.randomState);
  const checkpoint = () => yieldIfDue(o.signal);

  const explicit = o.weightsInit !== undefined && o.meansInit !== undefined && o.precisionsInit !== undefined;
  const tooFew = (n: number) => {
    if (n < 2) throw new GaussMixError("TOO_FEW_SAMPLES", `the stream has ${n} sample(s); a mixture needs at least 2`);
    if (n < k)
      throw new GaussMixError(
        "TOO_FEW_SAMPLES",
        `the stream has ${n} samples but nComponents is ${k}; need nSamples ≥ nComponents`,
      );
  };
  const noWeight = () =>
    new GaussMixError(
      "INVALID_SAMPLE_WEIGHT",
      "sampleWeight: all weights of the stream are zero; at least one must be positive",
    );

  // With explicit first parameters the first EM pass also finds the shape; otherwise a first pass counts the
  // samples and keeps a reservoir sample for the first fit.
  let n: number | undefined;
  let d: number;
  let reservoir: Reservoir | undefined;
  let pending: { first: Chunk; rest: AsyncGenerator<Chunk> } | undefined;
  if (explicit) {
    const rest = chunks(source, o.chunkSize, o.csv);
    const first = await rest.next();
    if (first.done) tooFew(0);
    pending = { first: first.value as Chunk, rest };
    d = pending.first.data.d;
  } else {
    for await (const { data, weights } of chunks(source, o.chunkSize, o.csv)) {
      await checkpoint();
      reservoir ??= new Reservoir(o.sampleSize, data.d, rng);
      if (data.d !== reservoir.d) {
        throw new GaussMixError(
          "INVALID_DATA",
          `the stream's chunks have different numbers of features: ${reservoir.d}, then ${data.d} after ${reservoir.seen} samples`,
        );
      }
      // Values are validated when copied into the engine, but the reservoir reads them first.
      for (let i = 0; i < data.n; i++) {
        for (let j = 0; j < data.d; j++) {
          const v = data.at(i, j);
          if (typeof v !== "number" || !Number.isFinite(v)) {
            throw new GaussMixError(
              "INVALID_DATA",
              `the stream's sample ${reservoir.seen + i}, column ${j} is ${String(v)}; expected a finite number`,
            );
          }
        }
      }
      reservoir.add(data.at, data.n, weights);
    }
    n = reservoir?.seen ?? 0;
    tooFew(n);
    if (!(reservoir!.weightSum > 0)) throw noWeight();
    d = reservoir!.d;
  }
  /** The chunks of one pass (the first EM pass resumes the chunk read to find the shape). */
  async function* pass(): AsyncGenerator<Chunk> {
    if (pending) {
      const { first, rest } = pending;
      pending = undefined;
      yield first;
      yield* rest;
    } else yield* chunks(source, o.chunkSize, o.csv);
  }

  // The first parameters from the reservoir sample, fitted before the stream's engine is taken: with threads the
  // sample fit then reuses the idle workers and gives them back, instead of starting a second pool beside them.
  let first: FittedGaussianMixture | undefined;
  if (!explicit) {
    const { X, weights } = reservoir!.sample();
    first = await new GaussianMixture({
      nComponents: k,
      covarianceType: type,
      tol: o.tol,
      regCovar: o.regCovar,
      maxIter: o.maxIter,
      nInit: o.nInit,
      initParams: o.initParams,
      weightsInit: o.weightsInit,
      meansInit: o.meansInit,
      precisionsInit: o.precisionsInit,
      randomState: o.randomState,
      signal: o.signal,
      threads: o.threads,
      accelerate: o.accelerate, // the passes over the stream that follow are plain EM steps
    }).fit(X, { sampleWeight: weights });
  }
  // Threads split every chunk (where shared memory and workers are available).
  const { engine, pool, release } = await fitEngine(o.threads);
  let completed = false;
  try {
    const acc = new StatisticsAccumulator(engine, type, d, k, Math.min(o.chunkSize, n ?? o.chunkSize), pool);
    let params: Params;
    // What every M-step adds to each feature's variance: the amounts of the first fit (relative to the
    // reservoir sample's variances when the default regularisation is relative), else regCovar as given.
    let regAmounts: Float64Array;
    if (explicit) {
      // Explicit first parameters: used as given, as the in-memory fit does.
      const precisions = precisionsInitOf(type, o.precisionsInit, d, k);
      const weightsInit = new GaussianMixture({ nComponents: k, weightsInit: o.weightsInit }).options.weightsInit!;
      const ws = acc.ws;
      engine.f64.fill(0, ws.ptr.cov >>> 3, ws.ptr.factors >>> 3);
      writeExplicitInit(ws, weightsInit, checkMeansInit(o.meansInit, k, d), precisions);
      params = ws.readParams();
      const r = o.regCovar ?? DEFAULT_REG_COVAR;
      if (typeof r !== "number" && r.length !== d) {
        throw new GaussMixError(
          "INVALID_OPTION",
          `regCovar has ${r.length} amounts but the stream has ${d} features; give one per feature or one number`,
        );
      }
      regAmounts = typeof r === "number" ? new Float64Array(d).fill(r) : Float64Array.from(r);
    } else {
      params = first!.params;
      regAmounts = Float64Array.from(first!.regCovar!);
    }

    // EM over the stream, with the in-memory fit's loop and convergence test.
    let lb = -Infinity;
    const lowerBounds: number[] = [];
    let converged = false;
    let nIter = 0;
    for (let iter = 1; iter <= o.maxIter; iter++) {
      acc.reset(params);
      for await (const { data, weights } of pass()) {
        await checkpoint();
        await acc.addAsync(data, weights, "the stream");
      }
      const stats = acc.read();
      if (n === undefined) {
        n = stats.nSamples;
        tooFew(n);
        if (!(stats.weightSum > 0)) throw noWeight();
      }
      if (stats.nSamples !== n) {
        throw new GaussMixError(
          "INVALID_DATA",
          `the stream gave ${n} samples on its first pass and ${stats.nSamples} on pass ${iter + 1}; ` +
            "the source must yield the same data on every call",
        );
      }
      const prev = lb;
      lb = stats.meanLogLikelihood;
      if (!Number.isFinite(lb)) throw nonFiniteBound(lb, iter);
      acc.ws.mstepWith(regAmounts); // the statistics and their shift (the means) are in the accumulator's engine
      params = acc.ws.readParams();
      lowerBounds.push(lb);
      nIter = iter;
      const change = lb - prev;
      let r: boolean | undefined | void;
      if (o.onIteration) {
        const cm = COVARIANCE_MODELS[type];
        const info: IterationInfo = {
          iteration: iter,
          init: 0,
          lowerBound: lb,
          change,
          weights: Array.from(params.weights),
          means: Array.from({ length: k }, (_, c) => Array.from(params.means.subarray(c * d, (c + 1) * d))),
          covariances: cm.covariances(params.cov, d, k),
        };
        r = await raceAbort(o.onIteration(info), o.signal); // abort wins over a callback that never settles
      }
      checkAborted(o.signal);
      if (Math.abs(change) < o.tol) {
        converged = true;
        break;
      }
      if (r === false) break;
    }
    const model = new FittedGaussianMixture(type, k, d, params, {
      converged,
      nIter,
      lowerBound: lb,
      lowerBounds,
      threads: acc.threads,
      regCovar: regAmounts,
    });
    completed = true;
    return model;
  } finally {
    // Completed: the workers stay idle for the next fit, as after an in-memory fit.
    release(completed);
  }
}
