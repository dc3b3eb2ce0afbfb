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
import { acquireEngine, acquireThreadedEngine, type Engine } from "../wasm/engine.js";
import type { ThreadPool } from "../wasm/threads.js";

/** Samples × components × (d² or d) below which `threads` is ignored. */
let THREADS_MIN_WORK = 4_000_000;
/** @internal For tests: changes the threshold above (returns the previous value). */
export function setThreadsMinWork(work: number): number {
  const prev = THREADS_MIN_WORK;
  THREADS_MIN_WORK = work;
  return prev;
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

/** The engine of a fit, and worker threads sharing its memory when asked for and worth starting. */
export async function fitEngine(
  type: CovarianceType,
  n: number,
  d: number,
  k: number,
  threads: number,
): Promise<{ engine: Engine; threaded?: { engine: Engine; pool: ThreadPool } }> {
  // Threads only pay for themselves on enough work per pass (starting workers costs milliseconds).
  const work = n * k * (familyOf(type) === KernelFamily.triangular ? d * d : d);
  const threaded = threads > 1 && work >= THREADS_MIN_WORK ? await acquireThreadedEngine(threads - 1) : undefined;
  return { engine: threaded?.engine ?? (await acquireEngine()), threaded };
}
