/** The dense row-major matrices that the per-sample methods return (`predictProba`, `sample`). */
import { GaussMixError } from "./errors.js";
import type { Matrix } from "./types.js";

/** `data` (row-major, shape[0]·shape[1] values) with readers by row; the methods live on the prototype. */
class DenseMatrix implements Matrix {
  readonly data: Float64Array;
  readonly shape: readonly [number, number];

  constructor(data: Float64Array, shape: readonly [number, number]) {
    this.data = data;
    this.shape = shape;
  }

  row(i: number): Float64Array {
    const [n, m] = this.shape;
    if (!Number.isInteger(i) || i < 0 || i >= n) {
      throw new GaussMixError("INVALID_OPTION", `row: i must be an integer in [0, ${n}), got ${String(i)}`);
    }
    return this.data.subarray(i * m, (i + 1) * m);
  }

  *rows(): IterableIterator<Float64Array> {
    const [n, m] = this.shape;
    for (let i = 0; i < n; i++) yield this.data.subarray(i * m, (i + 1) * m);
  }

  [Symbol.iterator](): IterableIterator<Float64Array> {
    return this.rows();
  }

  toArray(): number[][] {
    return Array.from(this.rows(), (r) => Array.from(r));
  }
}

/** A Matrix over `data` (not copied). */
export function matrix(data: Float64Array, shape: readonly [number, number]): Matrix {
  return new DenseMatrix(data, shape);
}
