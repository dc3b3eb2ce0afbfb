/** The one error class of gaussmix, its stable codes, and the constructors of the errors raised by validation. */
import { show } from "./util.js";

/** Stable error codes of gaussmix. */
export type GaussMixErrorCode =
  | "INVALID_DATA" // X empty, ragged, non-numeric or non-finite
  | "TOO_FEW_SAMPLES" // fewer samples than components, or fewer than 2
  | "INVALID_OPTION" // an option of the wrong type or range
  | "INVALID_INIT" // weightsInit / meansInit / precisionsInit of the wrong shape or value
  | "INVALID_SAMPLE_WEIGHT" // sampleWeight of the wrong length, negative, non-finite, or all zero
  | "FEATURE_MISMATCH" // per-sample method called with another number of features than the fit
  | "ILL_DEFINED_COVARIANCE" // a covariance that is not positive definite during the fit
  | "INVALID_MODEL_JSON" // fromJSON given a malformed or unknown document
  | "DATA_TOO_LARGE" // the computation needs more memory than WebAssembly can address or the runtime gives
  | "ABORTED" // the AbortSignal fired
  | "WASM_UNAVAILABLE" // the WebAssembly module could not be loaded
  | "MISSING_DEPENDENCY"; // an optional package a feature needs is not installed (gaussmix/spark: hyparquet)

/** The one error class of gaussmix: `code` is stable, `message` says what to do. */
export class GaussMixError extends Error {
  readonly code: GaussMixErrorCode;
  constructor(code: GaussMixErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "GaussMixError";
    this.code = code;
  }
}

/** An option of the wrong type or range: names it, says what was expected and what came. */
export function invalidOption(name: string, expected: string, got: unknown): GaussMixError {
  return new GaussMixError("INVALID_OPTION", `${name} must be ${expected}, got ${show(got)}`);
}

/** An option name that no entry point knows; `hint` names the closest known option or lists them. */
export function unknownOption(key: string, hint: string): GaussMixError {
  return new GaussMixError("INVALID_OPTION", `unknown option "${key}"${hint}`);
}

/** X (or another data argument) of the wrong shape or with a non-finite value. */
export function invalidData(name: string, message: string): GaussMixError {
  return new GaussMixError("INVALID_DATA", `${name}: ${message}`);
}

/**
 * The error of an M-step whose covariance (of `component`, or the tied one when component ≥ k) is not
 * positive definite. `maxAbs`, the largest magnitude in the data, tells an overflow from a collapse.
 */
export function illDefined(type: string, component: number, k: number, regCovar: number, maxAbs = 0): GaussMixError {
  const which = component >= k ? "the tied covariance" : `component ${component}`;
  if (maxAbs > MAX_SQUARABLE) return tooLargeToSquare(maxAbs, `${which} (${type})`);
  return new GaussMixError(
    "ILL_DEFINED_COVARIANCE",
    `Fitting the mixture model failed because ${which} has an ill-defined empirical covariance ` +
      `(${type}, regCovar ${regCovar}; for instance caused by singleton or collapsed samples). ` +
      "Try to decrease the number of components, increase regCovar, or scale the input data.",
  );
}

/** The most bytes a 32-bit WebAssembly memory addresses (65,536 pages of 64 KiB): the engine's limit. */
export const WASM_MEMORY_LIMIT = 2 ** 32;

/** Bytes as people read them: GiB or MiB with two decimals. */
function bytes(n: number): string {
  return n >= 2 ** 30 ? `${(n / 2 ** 30).toFixed(2)} GiB` : `${(n / 2 ** 20).toFixed(2)} MiB`;
}

/**
 * `what` needs `need` bytes of engine memory but only `limit` are available (4 GiB, the most a 32-bit
 * WebAssembly memory addresses, or less where the runtime refuses to grow); `hint` says what to do instead.
 */
export function dataTooLarge(what: string, need: number, limit: number, hint: string, cause?: unknown): GaussMixError {
  return new GaussMixError(
    "DATA_TOO_LARGE",
    `${what} needs ${need} bytes (${bytes(need)}) of WebAssembly memory, but the limit is ${limit} bytes ` +
      `(${bytes(limit)}): ${hint}.`,
    cause === undefined ? undefined : { cause },
  );
}

/**
 * The largest magnitude whose square, summed over many samples, float64 still holds (about √(1.8e308) / 1e1.5):
 * data beyond it cannot have its variance computed.
 */
export const MAX_SQUARABLE = 1e153;

/** A fit that overflowed because the data is too large to square in float64. */
export function tooLargeToSquare(maxAbs: number, where: string): GaussMixError {
  return new GaussMixError(
    "ILL_DEFINED_COVARIANCE",
    `Fitting the mixture model failed: the data holds values up to ${maxAbs}, too large to square in float64 ` +
      `(the variance of ${where} overflowed to Infinity). Scale the input data (e.g. divide by its largest ` +
      "value or standardise each feature) and fit again.",
  );
}
