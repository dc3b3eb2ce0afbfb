/** Reading a model document (`toJSON()` output, versions 1 and 2): every field validated before use. */
import { COVARIANCE_MODELS } from "./covariance.js";
import { GaussMixError, MAX_SQUARABLE } from "./errors.js";
import type { CovarianceType } from "./types.js";
import { isArrayLike, show, tri } from "./util.js";
import type { Params } from "./engine/types.js";
import { factorEntries, familyOf, KernelFamily, paramsSizes } from "./wasm/abi.js";
import { flattenParams } from "./model-json.js";
import type { FitSummary } from "./model.js";

export const FORMAT = "gaussmix-model";
export const VERSION = 2;

/** A model document's parts, as the model's constructor takes them. */
export interface ModelDocument {
  type: CovarianceType;
  k: number;
  d: number;
  params: Params;
  summary: FitSummary;
  featureNames?: string[];
}

/** The parts of a model from `toJSON()` output (an object or its JSON string), every number checked. */
export function readModelJSON(json: unknown): ModelDocument {
  const doc = typeof json === "string" ? parse(json) : json;
  const bad = (m: string) => new GaussMixError("INVALID_MODEL_JSON", `fromJSON: ${m}`);
  if (typeof doc !== "object" || doc === null) throw bad("expected an object made by toJSON()");
  let o = doc as Record<string, unknown>;
  if (o.format !== FORMAT) throw bad(`format must be "${FORMAT}", got ${JSON.stringify(o.format)}`);
  if (o.version !== 1 && o.version !== VERSION)
    throw bad(`unsupported version ${JSON.stringify(o.version)} (this library reads 1 and ${VERSION})`);
  const type = o.covarianceType as CovarianceType;
  if (typeof type !== "string" || !Object.prototype.hasOwnProperty.call(COVARIANCE_MODELS, type)) {
    throw bad(`unknown covarianceType ${JSON.stringify(o.covarianceType)}`);
  }
  const k = o.nComponents;
  const d = o.nFeatures;
  if (!Number.isInteger(k) || (k as number) < 1) throw bad("nComponents must be a positive integer");
  if (!Number.isInteger(d) || (d as number) < 1) throw bad("nFeatures must be a positive integer");
  if (o.version === 2) {
    // Nested parameters → the flat engine storage of version 1, checked below like a version 1 document.
    const flat = flattenParams(o, type, d as number, k as number);
    if (typeof flat === "string") throw bad(flat);
    o = { ...o, ...flat };
  }
  const names = o.featureNames;
  if (
    names !== undefined &&
    !(Array.isArray(names) && names.length === d && names.every((s) => typeof s === "string"))
  ) {
    throw bad(`featureNames must be an array of ${d} strings (one per feature) when present`);
  }
  const sizes = paramsSizes(type, d as number, k as number);
  const fs = factorEntries(type, d as number);
  const vec = (name: string, len: number, check?: (v: number) => boolean) => {
    const v = o[name];
    if (!isArrayLike(v) || v.length !== len) throw bad(`${name} must be an array of ${len} numbers`);
    const out = new Float64Array(len);
    for (let i = 0; i < len; i++) {
      const x = v[i];
      if (typeof x !== "number" || !Number.isFinite(x) || (check && !check(x))) {
        throw bad(`${name}[${i}] is ${JSON.stringify(x)}, not a valid value`);
      }
      out[i] = x;
    }
    return out;
  };
  // Every number the per-sample methods rely on: finite weights that form a distribution, means whose
  // distances to data can be squared, positive-definite covariances and factors, finite bounds.
  const params: Params = {
    weights: vec("weights", k as number, (w) => w >= 0),
    means: vec("means", (k as number) * (d as number), (m) => Math.abs(m) <= MAX_SQUARABLE),
    cov: vec("covariances", sizes.cov),
    factors: vec("factors", sizes.factors),
  };
  let total = 0;
  for (const w of params.weights) total += w;
  if (!(Math.abs(total - 1) <= WEIGHT_SUM_TOLERANCE)) {
    throw bad(`weights must be ≥ 0 and sum to 1, but they sum to ${total}`);
  }
  const triangular = familyOf(type) === KernelFamily.triangular;
  const blocks = sizes.factors / fs;
  // Factors must have a positive diagonal (their logarithm is the log-determinant).
  for (let c = 0; c < blocks; c++) {
    for (let j = 0; j < (d as number); j++) {
      const v = params.factors[c * fs + (triangular ? tri(j) + j : j)];
      if (!(v > 0)) throw bad(`factors of block ${c} must have a positive diagonal; entry ${j} is ${v}`);
    }
  }
  const ce = sizes.cov / blocks;
  for (let c = 0; c < blocks; c++) {
    const C = params.cov.subarray(c * ce, (c + 1) * ce);
    const ok = triangular ? isPositiveDefinite(C, d as number) : C.every((v) => v > 0);
    if (!ok) {
      throw bad(
        `covariances of ${type === "tied" ? "the tied block" : `component ${c}`} must be ` +
          (triangular ? "symmetric positive definite" : "> 0"),
      );
    }
  }
  const lowerBounds = o.lowerBounds;
  if (!Array.isArray(lowerBounds)) throw bad("lowerBounds must be an array of finite numbers");
  lowerBounds.forEach((v, i) => {
    if (typeof v !== "number" || !Number.isFinite(v)) throw bad(`lowerBounds[${i}] is ${show(v)}, not a finite number`);
  });
  if (typeof o.converged !== "boolean") throw bad("converged must be a boolean");
  if (!Number.isInteger(o.nIter) || (o.nIter as number) < 0) throw bad("nIter must be a non-negative integer");
  // A model built from parameters has no EM pass behind it: its lower bound −Infinity is null in JSON.
  const lowerBound = o.lowerBound === null ? -Infinity : o.lowerBound;
  if (typeof lowerBound !== "number" || (o.lowerBound !== null && !Number.isFinite(lowerBound))) {
    throw bad(`lowerBound is ${show(o.lowerBound)}, not a finite number (or null: no EM pass)`);
  }
  // Absent from documents of fits before it was recorded, and from models made from parameters.
  const regCovar = o.regCovar === undefined ? undefined : vec("regCovar", d as number, (v) => v >= 0);
  return {
    type,
    k: k as number,
    d: d as number,
    params,
    summary: {
      converged: o.converged,
      nIter: o.nIter as number,
      lowerBound,
      lowerBounds: lowerBounds as number[],
      ...(regCovar && { regCovar }),
    },
    featureNames: names as string[] | undefined,
  };
}

/** How far from 1 the weights of a document may sum (rounding of k terms, and of JSON's decimal digits). */
const WEIGHT_SUM_TOLERANCE = 1e-8;

/** Whether a symmetric d×d matrix (row-major) is positive definite, by a Cholesky factorisation. */
function isPositiveDefinite(a: Float64Array, d: number): boolean {
  const L = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      if (a[i * d + j] !== a[j * d + i]) return false;
      let s = a[i * d + j];
      for (let m = 0; m < j; m++) s -= L[i * d + m] * L[j * d + m];
      if (i === j) {
        if (!(s > 0)) return false;
        L[i * d + i] = Math.sqrt(s);
      } else L[i * d + j] = s / L[j * d + j];
    }
  }
  return true;
}

function parse(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch (e) {
    throw new GaussMixError("INVALID_MODEL_JSON", `fromJSON: not valid JSON (${(e as Error).message})`);
  }
}
