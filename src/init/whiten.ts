/**
 * The whitening transform of the initialisation (mclust's "SVD" transform): centre the data, rotate it onto
 * the principal axes of its covariance and scale every axis to unit variance. Distances in these coordinates do
 * not depend on the units of the features nor on their correlations, so k-means seeding, Lloyd steps and Ward's
 * criterion see elongated or badly scaled clusters as the mixture will, not as the raw numbers look.
 */

/** z = A·(x − mean): `transform` is row-major d'×d (d' ≤ d: directions of zero variance are dropped). */
export interface Whitening {
  readonly mean: Float64Array;
  readonly transform: Float64Array;
  /** Rows of `transform` (the kept directions). */
  readonly rank: number;
}

/**
 * Eigen-decomposition of the symmetric d×d matrix `a` (row-major, copied) by cyclic Jacobi rotations:
 * `values` in decreasing order and `vectors` with eigenvector c in column c (row-major d×d). d is small here
 * (the number of features), and Jacobi is accurate for the small eigenvalues too, which whitening divides by.
 */
export function symmetricEigen(a: Float64Array, d: number): { values: Float64Array; vectors: Float64Array } {
  const A = Float64Array.from(a);
  const V = new Float64Array(d * d);
  for (let i = 0; i < d; i++) V[i * d + i] = 1;
  let last = Infinity;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let diag = 0;
    for (let p = 0; p < d; p++) {
      diag += A[p * d + p] * A[p * d + p];
      for (let q = p + 1; q < d; q++) off += A[p * d + q] * A[p * d + q];
    }
    // Converged, or at the rounding floor (a sweep that no longer shrinks what is off the diagonal: in a few
    // dozen dimensions 1e-30 may be out of reach, and the remaining sweeps would change nothing).
    if (off <= 1e-30 * diag || off === 0 || off >= last) break;
    last = off;
    for (let p = 0; p < d - 1; p++) {
      for (let q = p + 1; q < d; q++) {
        const apq = A[p * d + q];
        if (apq === 0) continue;
        const app = A[p * d + p];
        const aqq = A[q * d + q];
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let r = 0; r < d; r++) {
          const arp = A[r * d + p];
          const arq = A[r * d + q];
          A[r * d + p] = c * arp - s * arq;
          A[r * d + q] = s * arp + c * arq;
        }
        for (let r = 0; r < d; r++) {
          const apr = A[p * d + r];
          const aqr = A[q * d + r];
          A[p * d + r] = c * apr - s * aqr;
          A[q * d + r] = s * apr + c * aqr;
        }
        for (let r = 0; r < d; r++) {
          const vrp = V[r * d + p];
          const vrq = V[r * d + q];
          V[r * d + p] = c * vrp - s * vrq;
          V[r * d + q] = s * vrp + c * vrq;
        }
      }
    }
  }
  const order = Array.from({ length: d }, (_, i) => i).sort((x, y) => A[y * d + y] - A[x * d + x]);
  const values = new Float64Array(d);
  const vectors = new Float64Array(d * d);
  order.forEach((src, c) => {
    values[c] = A[src * d + src];
    for (let r = 0; r < d; r++) vectors[r * d + c] = V[r * d + src];
  });
  return { values, vectors };
}

/**
 * The whitening of data with the given weighted mean and covariance (d×d row-major): the transform
 * A = Λ^{-1/2}·Vᵀ·S⁻¹, S the features' standard deviations and VΛVᵀ their correlation matrix, over the
 * directions whose eigenvalue is above 1e-10 of the largest (a constant or collinear feature adds no direction,
 * rather than a division by zero).
 */
export function whiteningOf(mean: Float64Array, cov: Float64Array, d: number): Whitening {
  // The correlation matrix first (each feature divided by its standard deviation), so that features whose
  // scales differ by many orders of magnitude keep their directions; a constant feature (no spread) is left out.
  const scale = new Float64Array(d);
  for (let j = 0; j < d; j++) scale[j] = cov[j * d + j] > 0 ? 1 / Math.sqrt(cov[j * d + j]) : 0;
  const corr = new Float64Array(d * d);
  for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) corr[a * d + b] = cov[a * d + b] * scale[a] * scale[b];
  const { values, vectors } = symmetricEigen(corr, d);
  let rank = 0;
  while (rank < d && values[rank] > 1e-10 * values[0] && values[rank] > 0) rank++;
  const transform = new Float64Array(rank * d);
  for (let c = 0; c < rank; c++) {
    const s = 1 / Math.sqrt(values[c]);
    for (let j = 0; j < d; j++) transform[c * d + j] = vectors[j * d + c] * s * scale[j];
  }
  return { mean, transform, rank };
}

/** The m×rank whitened rows z_i = A·(x_i − mean). */
export function applyWhitening(t: Whitening, x: Float64Array, m: number, d: number): Float64Array {
  const { mean, transform, rank } = t;
  const z = new Float64Array(m * rank);
  const r = new Float64Array(d);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < d; j++) r[j] = x[i * d + j] - mean[j];
    for (let c = 0; c < rank; c++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += transform[c * d + j] * r[j];
      z[i * rank + c] = s;
    }
  }
  return z;
}
