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

/**
 * The object of a JSON document written by one of our `toJSON`s (given as the object or its string), checked
 * for its `format` and `version`; `bad(message)` makes the caller's coded error.
 */
export function readDocument(
  json: unknown,
  format: string,
  version: number,
  bad: (message: string) => Error,
): Record<string, unknown> {
  let doc = json;
  if (typeof json === "string") {
    try {
      doc = JSON.parse(json);
    } catch (e) {
      throw bad(`not valid JSON (${(e as Error).message})`);
    }
  }
  if (typeof doc !== "object" || doc === null) throw bad("expected an object made by toJSON()");
  const o = doc as Record<string, unknown>;
  if (o.format !== format) throw bad(`format must be "${format}", got ${JSON.stringify(o.format)}`);
  if (o.version !== version) {
    throw bad(`unsupported version ${JSON.stringify(o.version)} (this library reads ${version})`);
  }
  return o;
}
