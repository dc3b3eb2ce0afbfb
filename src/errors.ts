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

/** The error of an M-step whose covariance (of `component`, or the tied one when component ≥ k) is not positive definite. */
export function illDefined(type: string, component: number, k: number, regCovar: number): GaussMixError {
  const which = component >= k ? "the tied covariance" : `component ${component}`;
  return new GaussMixError(
    "ILL_DEFINED_COVARIANCE",
    `Fitting the mixture model failed because ${which} has an ill-defined empirical covariance ` +
      `(${type}, regCovar ${regCovar}; for instance caused by singleton or collapsed samples). ` +
      "Try to decrease the number of components, increase regCovar, or scale the input data.",
  );
}
