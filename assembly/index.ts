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
export { kmeansAssign, kmeansClosest, kmeansTrials } from "./kmeans";
