/**
 * The per-sample methods' pass over data: the estimate kernel in chunks of rows (log p(x), responsibilities,
 * labels), and the rows whose densities leave the float64 range finished exactly in TypeScript.
 */
import { checkFeatures, type Data, describe, writePairs } from "./data.js";
import { GaussMixError } from "./errors.js";
import type { CovarianceType, DataInput } from "./types.js";
import { tri } from "./util.js";
import type { Params } from "./engine/types.js";
import { acquireEngineSync, releaseEngine } from "./wasm/engine.js";
import { factorEntries, familyOf, KernelFamily, paramsSizes, strides } from "./wasm/abi.js";

/** What the estimate needs of a model. */
export interface EstimateModel {
  readonly covarianceType: CovarianceType;
  readonly nComponents: number;
  readonly nFeatures: number;
  readonly params: Params;
  /** The per-component constants of the estimate kernel (2k), when they are not the model's own. */
  readonly logConstants?: Float64Array;
}

/** Engine bytes of one chunk of rows of the per-sample methods (small enough for the engine to be pooled). */
const ESTIMATE_CHUNK_BYTES = 32 * 1024 * 1024;

/** A typed array of `length`, or DATA_TOO_LARGE (with what needed it) when the runtime cannot allocate it. */
export function allocate<T>(Type: { new (n: number): T; BYTES_PER_ELEMENT: number }, length: number, what: string): T {
  try {
    return new Type(length);
  } catch (e) {
    throw new GaussMixError(
      "DATA_TOO_LARGE",
      `${what} needs an array of ${length} values (${length * Type.BYTES_PER_ELEMENT} bytes) that this runtime ` +
        "cannot allocate: pass fewer samples per call (the results of separate calls on slices of X are the same).",
      { cause: e },
    );
  }
}

/**
 * Runs the estimate kernel on Y, in chunks of rows so that the engine's memory stays small whatever n and
 * k are. Returns log p(y) per sample and, when asked, the responsibilities (n × k) and labels. Rows whose
 * densities overflow or underflow in the kernel are finished in `extremeRow`.
 */
export function estimate(
  model: EstimateModel,
  Y: DataInput,
  want: { logNorm?: boolean; resp?: boolean; labels?: boolean },
) {
  const data = describe(Y, "X");
  checkFeatures(data, model.nFeatures);
  const { n } = data;
  const { nFeatures: d, nComponents: k } = model;
  const logNorm = allocate(Float64Array, n, "scoreSamples");
  const resp = want.resp ? allocate(Float64Array, n * k, `predictProba (${n} × ${k})`) : undefined;
  const labels = want.labels ? allocate(Int32Array, n, "predict") : undefined;
  const perRow = d * 8 + 8 + (want.resp ? k * 8 : 0) + (want.labels ? 4 : 0);
  const rows = Math.max(2, 2 * Math.floor(ESTIMATE_CHUNK_BYTES / perRow / 2));
  const chunk = Math.min(n + (n % 2), rows);
  const pairs = chunk / 2;
  const engine = acquireEngineSync();
  try {
    const sizes = paramsSizes(model.covarianceType, d, k);
    const ptr = engine.layout(
      {
        X: pairs * d * 16,
        weights: sizes.weights * 8,
        means: sizes.means * 8,
        factors: sizes.factors * 8,
        logConst: 2 * k * 8,
        scratch: engine.kernels.scratchBytes(d, k),
        logNorm: pairs * 16,
        resp: want.resp ? pairs * 2 * k * 8 : 0,
        labels: want.labels ? pairs * 8 : 0,
      },
      `the per-sample methods of a model with ${k} components × ${d} features`,
      "use a model with fewer components or features",
    );
    const f = engine.f64;
    f.set(model.params.weights, ptr.weights >>> 3);
    f.set(model.params.means, ptr.means >>> 3);
    f.set(model.params.factors, ptr.factors >>> 3);
    const family = familyOf(model.covarianceType);
    const stride = strides(model.covarianceType, d).factorStride;
    if (model.logConstants) f.set(model.logConstants, ptr.logConst >>> 3);
    else engine.kernels.logConstants(family, d, k, ptr.weights, ptr.factors, stride, ptr.logConst);
    const logConst = f.slice(ptr.logConst >>> 3, (ptr.logConst >>> 3) + k);
    for (let i0 = 0; i0 < n; i0 += chunk) {
      const i1 = Math.min(n, i0 + chunk);
      const m = i1 - i0;
      writePairs(data, f, ptr.X >>> 3, "X", i0, i1);
      engine.kernels.estimate(
        family,
        ptr.X,
        0,
        Math.ceil(m / 2),
        d,
        k,
        ptr.means,
        ptr.factors,
        stride,
        ptr.logConst,
        ptr.logNorm,
        want.resp ? ptr.resp : 0,
        want.labels ? ptr.labels : 0,
        ptr.scratch,
      );
      logNorm.set(f.subarray(ptr.logNorm >>> 3, (ptr.logNorm >>> 3) + m), i0);
      if (resp) resp.set(f.subarray(ptr.resp >>> 3, (ptr.resp >>> 3) + m * k), i0 * k);
      if (labels) labels.set(engine.i32.subarray(ptr.labels >>> 2, (ptr.labels >>> 2) + m), i0);
      for (let i = i0; i < i1; i++) {
        // Finite input always has a finite score or −∞, never NaN: the kernel's NaN means every component's
        // density overflowed the float64 range (values near 1e300, say) and the row is redone here.
        if (!(logNorm[i] > -Infinity)) extremeRow(model, data, i, logConst, logNorm, resp, labels);
      }
    }
    return { n, logNorm, resp, labels };
  } finally {
    releaseEngine(engine);
  }
}

/**
 * One sample whose Mahalanobis distances overflow float64: the distances are computed on (x − μ)/s with s
 * the largest magnitude involved, so that each component's log-density is log c − (s·‖y‖/√2)², which is
 * −∞ only when it truly is beyond the float64 range. log p(x) is then −∞ (the density underflows), and the
 * responsibilities are their limit: all of it to the component with the largest density (the smallest
 * scaled distance; the first on ties), which is also the label.
 */
function extremeRow(
  model: EstimateModel,
  data: Data,
  i: number,
  logConst: Float64Array,
  logNorm: Float64Array,
  resp: Float64Array | undefined,
  labels: Int32Array | undefined,
): void {
  const { nFeatures: d, nComponents: k } = model;
  const { means, factors } = model.params;
  const triangular = familyOf(model.covarianceType) === KernelFamily.triangular;
  const fs = factorEntries(model.covarianceType, d);
  const tied = model.covarianceType === "tied";
  const x = Array.from({ length: d }, (_, j) => data.at(i, j));
  let s = 0;
  for (let j = 0; j < d; j++) s = Math.max(s, Math.abs(x[j]));
  for (const v of means) s = Math.max(s, Math.abs(v));
  const lp = new Float64Array(k);
  const scaled = new Float64Array(k);
  const u = new Float64Array(d);
  for (let c = 0; c < k; c++) {
    for (let j = 0; j < d; j++) u[j] = x[j] / s - means[c * d + j] / s;
    const F = (tied ? 0 : c) * fs;
    let q = 0;
    for (let j = 0; j < d; j++) {
      let y = 0;
      if (triangular) for (let a = 0; a <= j; a++) y += factors[F + tri(j) + a] * u[a];
      else y = factors[F + j] * u[j];
      q += y * y;
    }
    const t = s * Math.sqrt(0.5 * q); // ½·‖y‖² squared last: finite whenever it is representable
    lp[c] = logConst[c] - t * t;
    scaled[c] = logConst[c] / s / s - 0.5 * q;
  }
  let best = 0;
  for (let c = 1; c < k; c++) if (lp[c] > lp[best] || (lp[c] === lp[best] && scaled[c] > scaled[best])) best = c;
  let sum = 0;
  if (lp[best] > -Infinity) for (let c = 0; c < k; c++) sum += Math.exp(lp[c] - lp[best]);
  logNorm[i] = lp[best] > -Infinity ? lp[best] + Math.log(sum) : -Infinity;
  if (resp) {
    for (let c = 0; c < k; c++) {
      resp[i * k + c] = lp[best] > -Infinity ? Math.exp(lp[c] - lp[best]) / sum : c === best ? 1 : 0;
    }
  }
  if (labels) labels[i] = best;
}
