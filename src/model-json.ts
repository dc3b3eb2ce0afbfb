/**
 * The parameters of a model document (`toJSON` / `fromJSON`) in scikit-learn's shapes, so that a person can
 * read them: means k × d, covariances and precisionsCholesky full k×d×d, tied d×d, diag k×d, spherical k
 * (one variance per component). Both directions are exact copies of the engine's values (no arithmetic), so a
 * model restored from its document predicts bit for bit the same.
 *
 * Version 1 documents held the engine storage itself (flat arrays, `factors` packed); `flattenParams` turns a
 * version 2 document's nested fields back into that storage, so both versions share one validation.
 */
import { COVARIANCE_MODELS } from "./covariance.js";
import type { CovarianceType, Covariances } from "./types.js";
import { isArrayLike, show, tri } from "./util.js";
import { familyOf, KernelFamily } from "./wasm/abi.js";

/** Means, covariances and Cholesky factors of the precisions as a document shows them. */
export interface ReadableParams {
  means: number[][];
  covariances: Covariances;
  precisionsCholesky: Covariances;
}

/** Engine storage → scikit-learn's shapes (copies of the stored doubles). */
export function readableParams(
  type: CovarianceType,
  d: number,
  k: number,
  means: Float64Array,
  cov: Float64Array,
  factors: Float64Array,
): ReadableParams {
  const cm = COVARIANCE_MODELS[type];
  return {
    means: Array.from({ length: k }, (_, c) => Array.from(means.subarray(c * d, (c + 1) * d))),
    covariances: cm.covariances(cov, d, k),
    precisionsCholesky: cm.precisionsCholesky(factors, d, k),
  };
}

/**
 * A version 2 document's nested `means`, `covariances` and `precisionsCholesky` → the flat `means`,
 * `covariances` and `factors` of engine storage (what version 1 documents hold). Returns a message naming the
 * first field of the wrong shape instead; the values themselves are checked by the caller, as for version 1.
 */
export function flattenParams(
  o: Record<string, unknown>,
  type: CovarianceType,
  d: number,
  k: number,
): { means: unknown[]; covariances: unknown[]; factors: unknown[] } | string {
  const triangular = familyOf(type) === KernelFamily.triangular;
  const blocks = type === "tied" ? 1 : k;
  // Each field as a list of blocks (one per component, or the one tied block).
  const blockList = (name: string, shared: boolean): unknown[] | string => {
    const v = o[name];
    if (shared) return [v];
    if (!isArrayLike(v) || v.length !== k) return `${name} must be an array of ${k} entries (one per component)`;
    return Array.from(v);
  };
  const vector = (v: unknown, len: number, where: string): unknown[] | string =>
    isArrayLike(v) && v.length === len ? Array.from(v) : `${where} is ${show(v)}, not an array of ${len} numbers`;
  const matrix = (v: unknown, where: string): unknown[][] | string => {
    if (!isArrayLike(v) || v.length !== d) return `${where} is ${show(v)}, not a ${d}×${d} matrix`;
    const rows: unknown[][] = [];
    for (let i = 0; i < d; i++) {
      const row = vector(v[i], d, `${where}[${i}]`);
      if (typeof row === "string") return row;
      rows.push(row);
    }
    return rows;
  };
  const at = (name: string, c: number) => (type === "tied" ? name : `${name}[${c}]`);

  const meansList = blockList("means", false);
  if (typeof meansList === "string") return meansList;
  const means: unknown[] = [];
  for (let c = 0; c < k; c++) {
    const row = vector(meansList[c], d, `means[${c}]`);
    if (typeof row === "string") return row;
    means.push(...row);
  }

  const covList = blockList("covariances", type === "tied");
  const cholList = blockList("precisionsCholesky", type === "tied");
  if (typeof covList === "string") return covList;
  if (typeof cholList === "string") return cholList;
  const covariances: unknown[] = [];
  const factors: unknown[] = [];
  for (let c = 0; c < blocks; c++) {
    if (triangular) {
      const cov = matrix(covList[c], at("covariances", c));
      if (typeof cov === "string") return cov;
      for (const row of cov) covariances.push(...row);
      const u = matrix(cholList[c], at("precisionsCholesky", c));
      if (typeof u === "string") return u;
      // Engine storage: F = Uᵀ packed by columns of U (entry tri(j) + i is U[i][j], i ≤ j).
      const packed = new Array<unknown>(tri(d));
      for (let j = 0; j < d; j++) {
        for (let i = 0; i < d; i++) {
          if (i <= j) packed[tri(j) + i] = u[i][j];
          else if (u[i][j] !== 0)
            return `${at("precisionsCholesky", c)}[${i}][${j}] is ${show(u[i][j])}: below the diagonal it must be 0 (an upper-triangular factor)`;
        }
      }
      factors.push(...packed);
    } else if (type === "diag") {
      const cov = vector(covList[c], d, `covariances[${c}]`);
      if (typeof cov === "string") return cov;
      covariances.push(...cov);
      const u = vector(cholList[c], d, `precisionsCholesky[${c}]`);
      if (typeof u === "string") return u;
      factors.push(...u);
    } else {
      // spherical: one value per component, repeated per feature in engine storage.
      for (let j = 0; j < d; j++) {
        covariances.push(covList[c]);
        factors.push(cholList[c]);
      }
    }
  }
  return { means, covariances, factors };
}
