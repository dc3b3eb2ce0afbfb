/**
 * Validation of data at the edge, and its copy into the engine's pair layout (see assembly/layout.ts):
 * sample i, feature j lives at f64 index ((i >> 1) * d + j) * 2 + (i & 1) from the region start.
 */
import { GaussMixError, invalidData as invalid } from "./errors.js";
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

/** Checks the shape of X (not yet its values: those are checked while copying) and returns a reader. */
export function describe(X: DataInput, name = "X"): Data {
  if (isFlat(X)) {
    const { data, shape } = X;
    if (!isArrayLike(shape) || shape.length !== 2 || !shape.every((s) => Number.isInteger(s) && s >= 0)) {
      throw invalid(
        name,
        `shape must be [nSamples, nFeatures] with non-negative integers, got ${JSON.stringify(shape)}`,
      );
    }
    const [n, d] = shape;
    if (!isArrayLike(data)) throw invalid(name, "data must be an array or typed array");
    if (data.length !== n * d) {
      throw invalid(name, `data has ${data.length} values but shape [${n}, ${d}] needs ${n * d}`);
    }
    checkNonEmpty(name, n, d);
    return { n, d, at: (i, j) => data[i * d + j], flat: data };
  }
  if (!isArrayLike(X)) throw invalid(name, `expected an array of samples, got ${typeName(X)}`);
  const n = X.length;
  if (n === 0) throw invalid(name, "is empty (0 samples); expected at least one sample");
  const first = X[0];
  if (!isArrayLike(first)) {
    // 1-D data: n samples of one feature.
    const v = X as ArrayLike<number>;
    return { n, d: 1, at: (i) => v[i] };
  }
  const rows = X as ArrayLike<ArrayLike<number>>;
  const d = first.length;
  for (let i = 0; i < n; i++) {
    const r = rows[i];
    if (!isArrayLike(r)) throw invalid(name, `row ${i} is ${typeName(r)}, expected an array of ${d} numbers`);
    if (r.length !== d)
      throw invalid(name, `rows have different lengths: row 0 has ${d} values, row ${i} has ${r.length}`);
  }
  checkNonEmpty(name, n, d);
  return { n, d, at: (i, j) => rows[i][j] };
}

function checkNonEmpty(name: string, n: number, d: number): void {
  if (n === 0) throw invalid(name, "is empty (0 samples); expected at least one sample");
  if (d === 0) throw invalid(name, "has 0 features; expected at least one");
}

function typeName(x: unknown): string {
  return x === null ? "null" : Array.isArray(x) ? "an array" : typeof x;
}

/**
 * Copies X into `f64` at index `off` in pair layout, checking every value is a finite number. An odd last
 * sample is repeated in the padding lane (its weight is 0).
 */
export function writePairs(data: Data, f64: Float64Array, off: number, name = "X"): void {
  const { n, d, at, flat } = data;
  if (flat instanceof Float64Array) {
    // Typed input: every value is a number; v − v is 0 exactly for the finite ones.
    for (let i = 0; i < n; i++) {
      const base = off + (i >> 1) * d * 2 + (i & 1);
      const row = i * d;
      for (let j = 0; j < d; j++) {
        const v = flat[row + j];
        if (v - v !== 0) throw invalid(name, `value at row ${i}, column ${j} is ${v}; expected a finite number`);
        f64[base + j * 2] = v;
      }
    }
  } else {
    for (let i = 0; i < n; i++) {
      const base = off + (i >> 1) * d * 2 + (i & 1);
      for (let j = 0; j < d; j++) {
        const v = at(i, j);
        if (typeof v !== "number" || !Number.isFinite(v)) {
          throw invalid(
            name,
            `value at row ${i}, column ${j} is ${typeof v === "number" ? v : (JSON.stringify(v) ?? typeof v)}; expected a finite number`,
          );
        }
        f64[base + j * 2] = v;
      }
    }
  }
  if (n & 1) {
    const base = off + (n >> 1) * d * 2;
    for (let j = 0; j < d; j++) f64[base + j * 2 + 1] = f64[base + j * 2];
  }
}

/** Validated sample weights (length n, finite, ≥ 0, positive sum), or all ones. */
export function sampleWeights(w: ArrayLike<number> | undefined, n: number): Float64Array {
  if (w === undefined) return new Float64Array(n).fill(1);
  const err = (m: string) => new GaussMixError("INVALID_SAMPLE_WEIGHT", `sampleWeight: ${m}`);
  if (!isArrayLike(w)) throw err(`expected an array of ${n} numbers, got ${typeName(w)}`);
  if (w.length !== n) throw err(`has ${w.length} values but X has ${n} samples`);
  const out = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const v = w[i];
    if (typeof v !== "number" || !Number.isFinite(v) || v < 0) {
      throw err(`value at index ${i} is ${String(v)}; expected a finite number ≥ 0`);
    }
    out[i] = v;
    sum += v;
  }
  if (!(sum > 0)) throw err("all weights are zero; at least one sample must have a positive weight");
  return out;
}

/** Writes weights in pair layout (padding lane 0). */
export function writeWeights(w: Float64Array, f64: Float64Array, off: number): void {
  f64.fill(0, off, off + ((w.length + 1) >> 1) * 2);
  f64.set(w, off);
}

export function checkFeatures(data: Data, d: number, name = "X"): void {
  if (data.d !== d) {
    throw new GaussMixError(
      "FEATURE_MISMATCH",
      `${name} has ${data.d} feature${data.d === 1 ? "" : "s"}, but the model was fitted on ${d}`,
    );
  }
}
