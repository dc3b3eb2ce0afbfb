/**
 * The regions of a fit's engine memory, all sized from the ABI (src/wasm/abi.ts): the data in pairs, the
 * parameters, one statistics block and one scratch per thread, and the work areas of the M-step, the
 * initialisation, the common shift and the data moments.
 */
import type { CovarianceType } from "../types.js";
import { commonShiftLayout, momentsLayout, paramsSizes, statsLayout, strides } from "../wasm/abi.js";
import type { Engine } from "../wasm/engine.js";

/** Pairs of samples per call of the responsibility-based accumulation during initialisation. */
export const RESP_CHUNK = 512;

export interface Regions {
  /** Byte offsets of the regions. */
  readonly ptr: {
    X: number;
    W: number;
    weights: number;
    means: number;
    cov: number;
    factors: number;
    logConst: number;
    stats: number;
    scratch: number;
    work: number;
    rv: number;
    aux: number;
    common: number;
    moments: number;
    /** The end of the regions (where another layout may start). */
    end: number;
  };
  /** f64 entries of one statistics block (one per thread). */
  readonly statsSize: number;
  /** Bytes of one scratch area (one per thread). */
  readonly scratchSize: number;
  /** Byte strides between components' factors and scatter blocks (0 for tied). */
  readonly factorStride: number;
  readonly s2Stride: number;
}

/**
 * Lays out the regions of a fit of n samples, d features and k components on `threads` threads in the engine's
 * memory (growing it). auxBytes: extra bytes for the caller (k-means labels and distances).
 */
export function layoutRegions(
  engine: Engine,
  type: CovarianceType,
  n: number,
  d: number,
  k: number,
  auxBytes: number,
  threads: number,
  /** Byte offset to start from (another layout's `end`, to keep its regions); default the heap base. */
  start?: number,
): Regions {
  const pairs = Math.ceil(n / 2);
  const sizes = paramsSizes(type, d, k);
  const statsSize = 2 * statsLayout(type, d, k).entries;
  const scratchSize = engine.kernels.scratchBytes(d, k);
  const ptr = engine.layout(
    {
      X: pairs * d * 16,
      W: pairs * 16,
      weights: sizes.weights * 8,
      means: sizes.means * 8,
      cov: sizes.cov * 8,
      factors: sizes.factors * 8,
      logConst: 2 * k * 8, // log-constants, then the flush thresholds
      stats: threads * statsSize * 8,
      scratch: threads * scratchSize,
      work: 5 * d * d * 8, // the M-step's 3·d·d and its d amounts; setPrecisions' P, its factor and 2·d·d
      rv: RESP_CHUNK * k * 16,
      aux: auxBytes,
      common: commonShiftLayout(d, k).size * 8,
      moments: threads * 2 * momentsLayout(d).entries * 8, // one block per thread
      end: 0,
    },
    `a fit of ${n} samples × ${d} features with ${k} components (${type})`,
    "fit a random subsample of the rows (a mixture fitted on a few million samples is as good), reduce the " +
      'features (e.g. by PCA), or use covarianceType "diag" or "spherical" when d is large',
    start,
  );
  return { ptr, statsSize, scratchSize, ...strides(type, d) };
}
