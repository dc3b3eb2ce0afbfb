// gaussmix EM kernels: the module's exports (pointer-and-size functions over linear memory, f64x2 SIMD).
// The data layout, the statistics and the scratch are described in layout.ts.

export function heapBase(): usize {
  return __heap_base;
}

export { scratchBytes } from "./layout";
export { vectorMath } from "./vmath";
export { accumulateResp, dataMoments, estimate, pass } from "./passes";
export { cholesky, factorFromCovariance, factorFromPrecision } from "./linalg";
export { logConstants, mstep } from "./mstep";
export { kmeansAssign, kmeansClosest, kmeansCumulate, kmeansTrials, labelsToResp } from "./kmeans";
export { pairsFromRows } from "./load";
export { columnResolution, weightTotals, whitenPairs } from "./subsample";

// The shared memory layout and codes, for the test that checks src/wasm/abi.ts against them.
export {
  COVARIANCE_DIAG, COVARIANCE_FULL, COVARIANCE_SPHERICAL, COVARIANCE_TIED, FAMILY_DIAGONAL, FAMILY_TRIANGULAR,
  PASS_DIAGONAL, PASS_SPHERICAL_SHIFTED, PASS_TIED_SHIFTED, PASS_TRIANGULAR, STATS_LOGLIK, STATS_NK, STATS_WEIGHT, TEN_EPS,
  familyOf, scatterEntries, statsEntries, statsS1, statsS2,
} from "./layout";
