/** Small helpers shared by validation and the covariance table; they import nothing. */

/** An array or a typed array (what the API accepts wherever it takes a list of numbers or rows). */
export function isArrayLike(x: unknown): x is ArrayLike<unknown> {
  return Array.isArray(x) || ArrayBuffer.isView(x);
}

/** A value as an error message shows it: strings quoted, numbers as written, arrays by their length. */
export function show(x: unknown): string {
  if (typeof x === "string") return JSON.stringify(x);
  if (typeof x === "number" || typeof x === "boolean" || x == null) return String(x);
  if (Array.isArray(x)) return `an array of length ${x.length}`;
  return typeof x;
}

/** Entries of a packed triangular d×d matrix: d(d+1)/2. */
export const tri = (d: number): number => (d * (d + 1)) / 2;
