/**
 * Validation of data at the edge, and its copy into the engine's pair layout (see assembly/layout.ts):
 * sample i, feature j lives at f64 index ((i >> 1) * d + j) * 2 + (i & 1) from the region start.
 */
import { dataTooLarge, GaussMixError, invalidData as invalid, WASM_MEMORY_LIMIT } from "./errors.js";
import type { DataInput, FlatMatrix } from "./types.js";
import { isArrayLike } from "./util.js";

/** Validated data: its shape and a reader of element (i, j). */
export interface Data {
  readonly n: number;
  readonly d: number;
  readonly at: (i: number, j: number) => number;
  /** The row-major values, for { data, shape } input (read directly: the copy's hot path). */
  readonly flat?: ArrayLike<number>;
}

function isFlat(x: unknown): x is FlatMatrix {
  return typeof x === "object" && x !== null && !isArrayLike(x) && "data" in x && "shape" in x;
}

/**
 * Checks the shape of X (not yet its values: those are checked while copying) and returns a reader.
 * `checkSize(n, d)` runs as soon as the shape is known, before the rows are checked one by one (the fit
 * refuses data too large for the engine there, before any work).
 */
export function describe(X: DataInput, name = "X", checkSize?: (n: number, d: number) => void): Data {
  checkContainer(X, name);
  if (isFlat(X)) {
    const { data, shape } = X;
    if (!isArrayLike(shape) || shape.length !== 2 || !shape.every((s) => Number.isInteger(s) && s >= 0)) {
      throw invalid(
        name,
        `shape must be [nSamples, nFeatures] with non-negative integers, got ${JSON.stringify(shape)}`,
      );
    }
    const [n, d] = shape;
    checkContainer(data, `${name}.data`);
    if (!isArrayLike(data)) throw invalid(name, "data must be an array or typed array");
    if (data.length !== n * d) {
      throw invalid(name, `data has ${data.length} values but shape [${n}, ${d}] needs ${n * d}`);
    }
    checkNonEmpty(name, n, d);
    checkSize?.(n, d);
    return { n, d, at: (i, j) => data[i * d + j], flat: data };
  }
  if (!isArrayLike(X)) throw invalid(name, `expected an array of samples, got ${typeName(X)}`);
  const n = X.length;
  if (n === 0) throw invalid(name, "is empty (0 samples); expected at least one sample");
  const first = X[0];
  if (!isArrayLike(first)) {
    // 1-D data: n samples of one feature.
    const v = X as ArrayLike<number>;
    checkSize?.(n, 1);
    return { n, d: 1, at: (i) => v[i] };
  }
  const rows = X as ArrayLike<ArrayLike<number>>;
  const d = first.length;
  if (d > 0) checkSize?.(n, d);
  for (let i = 0; i < n; i++) {
    const r = rows[i];
    if (!isArrayLike(r)) throw invalid(name, `row ${i} is ${typeName(r)}, expected an array of ${d} numbers`);
    checkContainer(r, `${name} row ${i}`);
    if (r.length !== d)
      throw invalid(name, `rows have different lengths: row 0 has ${d} values, row ${i} has ${r.length}`);
  }
  checkNonEmpty(name, n, d);
  return { n, d, at: (i, j) => rows[i][j] };
}

/**
 * Views that pass for arrays but hold no float64 numbers: a DataView (bytes of no declared type) and the
 * 64-bit integer arrays (bigint values). Refused by name, so that they neither fail later nor reach a message
 * that cannot print them.
 */
function checkContainer(x: unknown, name: string): void {
  if (Array.isArray(x) || x instanceof Float64Array) return; // the common cases, fast (called per row)
  if (typeof DataView !== "undefined" && x instanceof DataView) {
    throw invalid(
      name,
      "is a DataView; expected an array of numbers or a Float64Array (e.g. new Float64Array(buffer))",
    );
  }
  const tag = ArrayBuffer.isView(x) ? Object.prototype.toString.call(x).slice(8, -1) : "";
  if (tag === "BigInt64Array" || tag === "BigUint64Array") {
    throw invalid(name, `is a ${tag} (bigint values); expected numbers: convert it, e.g. Float64Array.from(x, Number)`);
  }
}

function checkNonEmpty(name: string, n: number, d: number): void {
  if (n === 0) throw invalid(name, "is empty (0 samples); expected at least one sample");
  if (d === 0) throw invalid(name, "has 0 features; expected at least one");
}

function typeName(x: unknown): string {
  return x === null ? "null" : Array.isArray(x) ? "an array" : typeof x;
}

/** A value as a message shows it; never throws (bigint and symbols included). */
function shown(v: unknown): string {
  if (typeof v === "number" || typeof v === "bigint") return String(v);
  if (typeof v === "symbol" || typeof v === "function") return typeof v;
  try {
    return JSON.stringify(v) ?? typeof v;
  } catch {
    return typeof v;
  }
}

/**
 * Copies the samples [i0, i1) of X (i0 even; all of them by default) into `f64` at index `off` in pair
 * layout, sample i0 first, checking every value is a finite number. An odd last sample is repeated in the
 * padding lane (its weight is 0). Returns the largest absolute value copied.
 */
export function writePairs(data: Data, f64: Float64Array, off: number, name = "X", i0 = 0, i1 = data.n): number {
  const { d, at, flat } = data;
  const n = i1 - i0;
  let big = 0;
  if (flat instanceof Float64Array) {
    // Typed input: every value is a number; v − v is 0 exactly for the finite ones.
    for (let i = i0; i < i1; i++) {
      const base = off + ((i - i0) >> 1) * d * 2 + ((i - i0) & 1);
      const row = i * d;
      for (let j = 0; j < d; j++) {
        const v = flat[row + j];
        if (v - v !== 0) throw invalid(name, `value at row ${i}, column ${j} is ${v}; expected a finite number`);
        f64[base + j * 2] = v;
        if (v > big) big = v;
        else if (-v > big) big = -v;
      }
    }
  } else {
    for (let i = i0; i < i1; i++) {
      const base = off + ((i - i0) >> 1) * d * 2 + ((i - i0) & 1);
      for (let j = 0; j < d; j++) {
        const v = at(i, j);
        if (typeof v !== "number" || !Number.isFinite(v)) {
          throw invalid(name, `value at row ${i}, column ${j} is ${shown(v)}; expected a finite number`);
        }
        f64[base + j * 2] = v;
        if (v > big) big = v;
        else if (-v > big) big = -v;
      }
    }
  }
  if (n % 2 === 1) {
    const base = off + Math.floor(n / 2) * d * 2;
    for (let j = 0; j < d; j++) f64[base + j * 2 + 1] = f64[base + j * 2];
  }
  return big;
}

/**
 * Refuses, with DATA_TOO_LARGE, a fit whose data and weights alone (16·(d + 1) bytes per pair of samples)
 * exceed the engine's 4 GiB; the exact need, parameters and work areas included, is checked when the
 * engine's memory is laid out.
 */
export function checkFitSize(n: number, d: number): void {
  const need = Math.ceil(n / 2) * (d + 1) * 16;
  if (need > WASM_MEMORY_LIMIT) {
    throw dataTooLarge(
      `a fit of ${n} samples × ${d} features`,
      need,
      WASM_MEMORY_LIMIT,
      "fit a random subsample of the rows (a mixture fitted on a few million samples is as good), or reduce the features (e.g. by PCA)",
    );
  }
}

/** Validated sample weights (length n, finite, ≥ 0, positive sum): a copy; undefined (unit weights) when not given. */
export function sampleWeights(w: ArrayLike<number> | undefined, n: number): Float64Array | undefined {
  if (w === undefined) return undefined;
  const err = (m: string) => new GaussMixError("INVALID_SAMPLE_WEIGHT", `sampleWeight: ${m}`);
  if (!isArrayLike(w)) throw err(`expected an array of ${n} numbers, got ${typeName(w)}`);
  if (w.length !== n) throw err(`has ${w.length} values but X has ${n} samples`);
  const out = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const v = w[i];
    if (typeof v !== "number" || !Number.isFinite(v) || v < 0) {
      throw err(`value at index ${i} is ${shown(v)}; expected a finite number ≥ 0`);
    }
    out[i] = v;
    sum += v;
  }
  if (!(sum > 0)) throw err("all weights are zero; at least one sample must have a positive weight");
  return out;
}

/**
 * Sample weights for a fit: validated, then scaled to mean 1. Weights are relative (multiplying all of them
 * by a constant describes the same data), and the M-step's absolute floor of 10·eps on every component's
 * weight must stay negligible whatever their scale; unit weights are left as they are (no array at all), so
 * the unweighted fit is exactly scikit-learn's.
 */
export function fitWeights(w: ArrayLike<number> | undefined, n: number): Float64Array | undefined {
  const out = sampleWeights(w, n);
  if (!out) return undefined;
  // Scaled by the largest first, so that neither the sum overflows nor tiny weights underflow.
  let max = 0;
  for (let i = 0; i < n; i++) if (out[i] > max) max = out[i];
  let sum = 0;
  for (let i = 0; i < n; i++) sum += out[i] / max;
  const scale = n / sum;
  for (let i = 0; i < n; i++) out[i] = (out[i] / max) * scale;
  return out;
}

/** Writes n weights in pair layout (padding lane 0): `w`, or 1 for every sample when undefined. */
export function writeWeights(w: Float64Array | undefined, n: number, f64: Float64Array, off: number): void {
  f64.fill(0, off, off + Math.ceil(n / 2) * 2);
  if (w) f64.set(w, off);
  else f64.fill(1, off, off + n);
}

export function checkFeatures(data: Data, d: number, name = "X"): void {
  if (data.d !== d) {
    throw new GaussMixError(
      "FEATURE_MISMATCH",
      `${name} has ${data.d} feature${data.d === 1 ? "" : "s"}, but the model was fitted on ${d}`,
    );
  }
}
