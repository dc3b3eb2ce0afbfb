/**
 * What both estimators do before their first pass: the data and its checks (size, enough samples, a warm start
 * of the same width) and the engine the fit runs on (threads only where they pay). Written once so that the
 * maximum-likelihood and the variational fits refuse the same inputs with the same codes.
 */
import { checkAborted } from "../engine/cancel.js";
import { checkFitSize, type Data, describe } from "../data.js";
import { GaussMixError } from "../errors.js";
import type { CovarianceType, DataInput } from "../types.js";
import { familyOf, KernelFamily } from "../wasm/abi.js";
import { Workspace } from "../engine/workspace.js";
import {
  acquireEngine,
  acquireThreadedEngine,
  type Engine,
  releaseEngine,
  releaseThreadedEngine,
} from "../wasm/engine.js";
import type { ThreadPool } from "../wasm/threads.js";

/** Samples × components × (d² or d) below which `threads` is ignored. */
let THREADS_MIN_WORK = 4_000_000;
/** @internal For tests: changes the threshold above (returns the previous value). */
export function setThreadsMinWork(work: number): number {
  const prev = THREADS_MIN_WORK;
  THREADS_MIN_WORK = work;
  return prev;
}

/** Whether passes over n samples pay for threads (starting workers and each pass's messages cost time). */
export function threadsPay(type: CovarianceType, n: number, d: number, k: number): boolean {
  return n * k * (familyOf(type) === KernelFamily.triangular ? d * d : d) >= THREADS_MIN_WORK;
}

/** The validated data of a fit: X described (every value checked while copied later), n ≥ max(2, k). */
export function fitData(
  X: DataInput,
  k: number,
  signal: AbortSignal | undefined,
  warm: { readonly nFeatures: number } | undefined,
): Data {
  checkAborted(signal);
  const data = describe(X, "X", checkFitSize);
  const { n, d } = data;
  if (n < 2) throw new GaussMixError("TOO_FEW_SAMPLES", `X has ${n} sample; a mixture needs at least 2 samples`);
  if (n < k) {
    throw new GaussMixError(
      "TOO_FEW_SAMPLES",
      `X has ${n} samples but nComponents is ${k}; need nSamples ≥ nComponents`,
    );
  }
  if (warm && warm.nFeatures !== d) {
    throw new GaussMixError(
      "FEATURE_MISMATCH",
      `warmStart: X has ${d} features, but the previous fit had ${warm.nFeatures}`,
    );
  }
  return data;
}

/** A fit's engine and workspace with the data loaded; `release(completed)` hands the engine back. */
export interface OpenFit {
  readonly engine: Engine;
  readonly ws: Workspace;
  readonly pool?: ThreadPool;
  release(completed: boolean): void;
}

/**
 * An engine for a fit on `threads` threads: with worker threads sharing its memory (the idle pool when there is
 * one) where more than one is asked for and available, else a plain one. `release(completed)` hands it back:
 * a completed fit's workers may be kept idle for the next.
 */
export async function fitEngine(
  threads: number,
): Promise<{ engine: Engine; pool?: ThreadPool; release(completed: boolean): void }> {
  const threaded = threads > 1 ? await acquireThreadedEngine(threads - 1) : undefined;
  const engine = threaded?.engine ?? (await acquireEngine());
  const release = (completed: boolean) => {
    if (threaded) releaseThreadedEngine(threaded, completed);
    else releaseEngine(engine);
  };
  return { engine, pool: threaded?.pool, release };
}

/**
 * The engine of a fit (with worker threads sharing its memory when asked for and worth starting), its workspace
 * and the data copied in (chunked; the signal is honoured between chunks). `labels`: room for fitPredict's labels.
 */
export async function openFit(
  type: CovarianceType,
  data: Data,
  weights: Float64Array | undefined,
  k: number,
  o: { readonly threads: number; readonly signal?: AbortSignal },
  auxBytes: number,
  labels: boolean,
): Promise<OpenFit> {
  const { n, d } = data;
  // Threads only pay for themselves on enough work per pass (starting workers costs milliseconds).
  const { engine, pool, release } = await fitEngine(threadsPay(type, n, d, k) ? o.threads : 1);
  try {
    const aux = Math.max(auxBytes, labels ? ((n + 1) >> 1) * 8 : 0);
    const ws = new Workspace(engine, type, n, d, k, aux, pool);
    await ws.load(data, weights, "X", o.signal);
    return { engine, ws, pool, release };
  } catch (e) {
    release(false);
    throw e;
  }
}
