/**
 * The sufficient statistics of one EM pass as a public value. For given parameters θ a pass over any part of the
 * data gives L = Σ v log p(x), V = Σ v, N_c = Σ v r_c, S1_c = Σ v r_c (x − μ_c) and the scatter
 * S2_c = Σ v r_c (x − μ_c)(x − μ_c)ᵀ (one shared block for tied, the diagonal for diag and spherical), all around
 * θ's means. They add up over any split of the data, so statistics computed anywhere (other processes, other
 * machines, chunk after chunk of a stream) merge into the statistics of the whole, and the M-step turns them into
 * the next parameters: one EM iteration. A fingerprint of θ travels with them, so statistics of different
 * parameters are never merged.
 */
import { GaussMixError } from "./errors.js";
import type { Params } from "./engine/types.js";
import { Workspace } from "./engine/workspace.js";
import { FittedGaussianMixture } from "./model.js";
import { resolveToModelOptions } from "./options.js";
import type { CovarianceType } from "./types.js";
import { isArrayLike, readDocument } from "./util.js";
import { blocksOf, scatterEntries, STATS_LOGLIK, STATS_NK, STATS_WEIGHT, statsLayout } from "./wasm/abi.js";
import { acquireEngineSync, releaseEngine } from "./wasm/engine.js";

const FORMAT = "gaussmix-statistics";
const VERSION = 1;
const COVARIANCE_TYPES: readonly CovarianceType[] = ["full", "tied", "diag", "spherical"];

/** The JSON document of a SufficientStatistics (`toJSON` / `fromJSON`): every number round-trips exactly. */
export interface StatisticsJSON {
  format: "gaussmix-statistics";
  version: 1;
  covarianceType: CovarianceType;
  nComponents: number;
  nFeatures: number;
  /** Identifies the parameters the pass used (see `fingerprintOf`). */
  fingerprint: string;
  /** Number of samples (rows) the statistics cover. */
  nSamples: number;
  /** L = Σ v log p(x). */
  logLikelihood: number;
  /** V = Σ v (nSamples without sample weights). */
  weightSum: number;
  /** The shifts: the means of the parameters (k × d, row-major). */
  shift: number[];
  /** N_c (k). */
  nk: number[];
  /** S1_c (k × d). */
  s1: number[];
  /** S2: packed lower triangles (full: k blocks, tied: one) or diagonals (diag, spherical: k × d). */
  s2: number[];
}

/**
 * A 64-bit FNV-1a hash (hex) of the parameters' exact bits: weights, means, covariances and factors. Two models
 * have the same fingerprint when their parameters are bit-identical (a JSON round trip keeps it).
 */
export function fingerprintOf(type: CovarianceType, params: Params): string {
  let lo = 0x84222325;
  let hi = 0xcbf29ce4;
  const eat = (byte: number) => {
    lo ^= byte;
    // multiply (hi, lo) by the 64-bit FNV prime 0x100000001b3 modulo 2^64
    const l = lo * 0x1b3;
    const h = hi * 0x1b3 + lo * 0x100 + Math.floor(l / 0x100000000);
    lo = l >>> 0;
    hi = h >>> 0;
  };
  for (const ch of type) eat(ch.charCodeAt(0));
  for (const a of [params.weights, params.means, params.cov, params.factors]) {
    const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    for (let i = 0; i < bytes.length; i++) eat(bytes[i]);
    eat(0xff);
  }
  return hi.toString(16).padStart(8, "0") + lo.toString(16).padStart(8, "0");
}

/** The statistics of one EM pass over some data for given parameters: mergeable, serialisable, M-step ready. */
export class SufficientStatistics {
  /** @internal Made by `model.statistics`, `merge` and the readers. */
  constructor(
    readonly covarianceType: CovarianceType,
    readonly nComponents: number,
    readonly nFeatures: number,
    readonly fingerprint: string,
    readonly nSamples: number,
    readonly logLikelihood: number,
    readonly weightSum: number,
    /** @internal k·d */
    readonly shift: Float64Array,
    /** @internal k */
    readonly nk: Float64Array,
    /** @internal k·d */
    readonly s1: Float64Array,
    /** @internal */
    readonly s2: Float64Array,
  ) {
    Object.freeze(this);
  }

  /** The weighted mean log-likelihood of the data under the parameters: the lower bound of that EM pass. */
  get meanLogLikelihood(): number {
    return this.logLikelihood / this.weightSum;
  }

  /**
   * The statistics of both parts together. Both must come from the same parameters (same fingerprint), else a
   * GaussMixError of code STATISTICS_MISMATCH. Commutative exactly, associative up to rounding; the counts
   * (nSamples) add exactly.
   */
  merge(other: SufficientStatistics): SufficientStatistics {
    if (!(other instanceof SufficientStatistics)) {
      throw new GaussMixError(
        "INVALID_OPTION",
        `merge: expected a SufficientStatistics (e.g. from SufficientStatistics.fromJSON), got ${typeof other}`,
      );
    }
    const [a, b] = [this as SufficientStatistics, other];
    if (
      a.covarianceType !== b.covarianceType ||
      a.nComponents !== b.nComponents ||
      a.nFeatures !== b.nFeatures ||
      a.fingerprint !== b.fingerprint
    ) {
      throw new GaussMixError(
        "STATISTICS_MISMATCH",
        `merge: these statistics were computed for other parameters (${describeOf(a)} vs ${describeOf(b)}); ` +
          "compute every part with the same model (send the model's toJSON() to every worker)",
      );
    }
    const add = (x: Float64Array, y: Float64Array) => x.map((v, i) => v + y[i]);
    return new SufficientStatistics(
      a.covarianceType,
      a.nComponents,
      a.nFeatures,
      a.fingerprint,
      a.nSamples + b.nSamples,
      a.logLikelihood + b.logLikelihood,
      a.weightSum + b.weightSum,
      a.shift,
      add(a.nk, b.nk),
      add(a.s1, b.s1),
      add(a.s2, b.s2),
    );
  }

  /** Merges one or more statistics of the same parameters (left to right). */
  static merge(first: SufficientStatistics, ...rest: SufficientStatistics[]): SufficientStatistics {
    return rest.reduce((acc, s) => acc.merge(s), first);
  }

  /**
   * The M-step: the model one EM iteration gives from these statistics (scikit-learn's M-step). `regCovar`: the
   * amount added to every variance (default 1e-6, in the data's units), or one amount per feature (d values,
   * e.g. the `regCovar` of the model that computed the statistics, to continue its fit exactly). Its `lowerBound`
   * is the mean log-likelihood of the pass that made them. Throws ILL_DEFINED_COVARIANCE as a fit does.
   */
  toModel(options: { regCovar?: number | ArrayLike<number> } = {}): FittedGaussianMixture {
    const { covarianceType: type, nComponents: k, nFeatures: d } = this;
    const amounts = checkRegCovar(options, d);
    const engine = acquireEngineSync();
    try {
      const ws = new Workspace(engine, type, 2, d, k);
      writeStatistics(ws, this);
      ws.mstepWith(amounts);
      const lb = this.meanLogLikelihood;
      return new FittedGaussianMixture(type, k, d, ws.readParams(), {
        converged: false,
        nIter: 1,
        lowerBound: lb,
        lowerBounds: [lb],
        regCovar: amounts,
      });
    } finally {
      releaseEngine(engine);
    }
  }

  /** A JSON document that `fromJSON` reads back exactly (every f64 round-trips). */
  toJSON(): StatisticsJSON {
    return {
      format: FORMAT,
      version: VERSION,
      covarianceType: this.covarianceType,
      nComponents: this.nComponents,
      nFeatures: this.nFeatures,
      fingerprint: this.fingerprint,
      nSamples: this.nSamples,
      logLikelihood: this.logLikelihood,
      weightSum: this.weightSum,
      shift: Array.from(this.shift),
      nk: Array.from(this.nk),
      s1: Array.from(this.s1),
      s2: Array.from(this.s2),
    };
  }

  /** Reads `toJSON()` output (an object or its string); anything else is INVALID_STATISTICS. */
  static fromJSON(json: unknown): SufficientStatistics {
    const o = readDocument(json, FORMAT, VERSION, bad);
    const { type, k, d } = checkShape(o.covarianceType, o.nComponents, o.nFeatures);
    if (typeof o.fingerprint !== "string" || !/^[0-9a-f]{16}$/.test(o.fingerprint)) {
      throw bad("fingerprint must be 16 hex digits");
    }
    const sizes = sizesOf(type, d, k);
    const vec = (name: string, len: number) => {
      const v = o[name];
      if (!isArrayLike(v) || v.length !== len) throw bad(`${name} must be an array of ${len} numbers`);
      const out = new Float64Array(len);
      for (let i = 0; i < len; i++) {
        if (typeof v[i] !== "number" || !Number.isFinite(v[i])) throw bad(`${name}[${i}] is not a finite number`);
        out[i] = v[i] as number;
      }
      return out;
    };
    const num = (name: string) => {
      const v = o[name];
      if (typeof v !== "number" || !Number.isFinite(v)) throw bad(`${name} must be a finite number`);
      return v;
    };
    const nSamples = num("nSamples");
    if (!Number.isInteger(nSamples) || nSamples < 0) throw bad("nSamples must be a non-negative integer");
    return new SufficientStatistics(
      type,
      k,
      d,
      o.fingerprint,
      nSamples,
      num("logLikelihood"),
      num("weightSum"),
      vec("shift", k * d),
      vec("nk", k),
      vec("s1", k * d),
      vec("s2", sizes.s2),
    );
  }

  /**
   * The statistics as bytes: an 8-byte magic and version, a JSON header, then the numbers as little-endian f64
   * (exact). `fromBytes` reads them back.
   */
  toBytes(): Uint8Array {
    const header = new TextEncoder().encode(
      JSON.stringify({
        covarianceType: this.covarianceType,
        nComponents: this.nComponents,
        nFeatures: this.nFeatures,
        fingerprint: this.fingerprint,
      }),
    );
    const headerPadded = (header.length + 7) & ~7;
    const values = [this.nSamples, this.logLikelihood, this.weightSum];
    const count = 3 + this.shift.length + this.nk.length + this.s1.length + this.s2.length;
    const out = new Uint8Array(16 + headerPadded + count * 8);
    const view = new DataView(out.buffer);
    out.set(MAGIC, 0);
    view.setUint32(8, VERSION, true);
    view.setUint32(12, header.length, true);
    out.set(header, 16);
    let at = 16 + headerPadded;
    const put = (v: number) => {
      view.setFloat64(at, v, true);
      at += 8;
    };
    values.forEach(put);
    for (const a of [this.shift, this.nk, this.s1, this.s2]) a.forEach(put);
    return out;
  }

  /** Reads `toBytes()` output; anything else is INVALID_STATISTICS. */
  static fromBytes(bytes: Uint8Array): SufficientStatistics {
    if (!(bytes instanceof Uint8Array) || bytes.length < 16 || MAGIC.some((b, i) => bytes[i] !== b)) {
      throw bad("fromBytes: expected the bytes of toBytes()");
    }
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (view.getUint32(8, true) !== VERSION) throw bad(`fromBytes: unsupported version ${view.getUint32(8, true)}`);
    const headerLength = view.getUint32(12, true);
    if (16 + headerLength > bytes.length) throw bad("fromBytes: truncated header");
    let header: Record<string, unknown>;
    try {
      header = JSON.parse(new TextDecoder().decode(bytes.subarray(16, 16 + headerLength)));
    } catch {
      throw bad("fromBytes: malformed header");
    }
    const { type, k, d } = checkShape(header.covarianceType, header.nComponents, header.nFeatures);
    if (typeof header.fingerprint !== "string" || !/^[0-9a-f]{16}$/.test(header.fingerprint)) {
      throw bad("fromBytes: the fingerprint must be 16 hex digits");
    }
    const sizes = sizesOf(type, d, k);
    let at = 16 + ((headerLength + 7) & ~7);
    if (bytes.length !== at + (3 + 2 * k * d + k + sizes.s2) * 8) throw bad("fromBytes: wrong length");
    const take = (len: number) => {
      const out = new Float64Array(len);
      for (let i = 0; i < len; i++, at += 8) out[i] = view.getFloat64(at, true);
      return out;
    };
    const [nSamples, logLikelihood, weightSum] = take(3);
    return new SufficientStatistics(
      type,
      k,
      d,
      String(header.fingerprint),
      nSamples,
      logLikelihood,
      weightSum,
      take(k * d),
      take(k),
      take(k * d),
      take(sizes.s2),
    );
  }
}

const MAGIC = new Uint8Array([0x47, 0x4d, 0x53, 0x54, 0x41, 0x54, 0x53, 0x00]); // "GMSTATS\0"

function bad(message: string): GaussMixError {
  return new GaussMixError("INVALID_STATISTICS", `SufficientStatistics: ${message}`);
}

function describeOf(s: SufficientStatistics): string {
  return `${s.covarianceType}, k ${s.nComponents}, d ${s.nFeatures}, fingerprint ${s.fingerprint}`;
}

/** toModel's options: regCovar as d amounts (a number repeated; default 1e-6). */
function checkRegCovar(options: { regCovar?: number | ArrayLike<number> }, d: number): Float64Array {
  const { regCovar } = resolveToModelOptions(options); // a number, or a fresh Float64Array of amounts
  if (typeof regCovar === "number") return new Float64Array(d).fill(regCovar);
  if (regCovar.length !== d) {
    throw new GaussMixError(
      "INVALID_OPTION",
      `regCovar must be a finite number ≥ 0 or an array of ${d} of them (one per feature), got an array of ${regCovar.length}`,
    );
  }
  return regCovar as Float64Array;
}

function checkShape(type: unknown, k: unknown, d: unknown): { type: CovarianceType; k: number; d: number } {
  if (!COVARIANCE_TYPES.includes(type as CovarianceType)) throw bad(`unknown covarianceType ${JSON.stringify(type)}`);
  if (!Number.isInteger(k) || (k as number) < 1) throw bad("nComponents must be a positive integer");
  if (!Number.isInteger(d) || (d as number) < 1) throw bad("nFeatures must be a positive integer");
  return { type: type as CovarianceType, k: k as number, d: d as number };
}

function sizesOf(type: CovarianceType, d: number, k: number) {
  return { s2: blocksOf(type, k) * scatterEntries(type, d) };
}

/** Writes statistics into block 0 of the workspace (lane 0: the value, lane 1: 0) and their shift as the means. */
export function writeStatistics(ws: Workspace, s: SufficientStatistics): void {
  const f = ws.engine.f64;
  const { d, k } = ws;
  const lay = statsLayout(ws.type, d, k);
  const at = ws.ptr.stats >>> 3;
  f.fill(0, at, at + ws.regions.statsSize);
  f[at + 2 * STATS_LOGLIK] = s.logLikelihood;
  f[at + 2 * STATS_WEIGHT] = s.weightSum;
  for (let c = 0; c < k; c++) f[at + 2 * (STATS_NK + c)] = s.nk[c];
  for (let i = 0; i < k * d; i++) f[at + 2 * (lay.s1 + i)] = s.s1[i];
  for (let i = 0; i < s.s2.length; i++) f[at + 2 * (lay.s2 + i)] = s.s2[i];
  f.set(s.shift, ws.ptr.means >>> 3);
}
