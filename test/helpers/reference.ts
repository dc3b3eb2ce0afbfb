/**
 * A plain, unoptimised TypeScript transcription of scikit-learn's GaussianMixture maths (n×k responsibilities,
 * dense matrices, textbook formulas), used as an independent oracle for the WASM kernels.
 */
export type Type = "full" | "tied" | "diag" | "spherical";

export interface RefParams {
  weights: number[];
  means: number[][];
  /** full k×d×d, tied d×d, diag k×d, spherical k */
  covariances: any;
  /** scikit-learn's precisions_cholesky_ */
  precisionsCholesky: any;
}

export function cholesky(A: number[][]): number[][] {
  const d = A.length;
  const L = A.map(() => new Array<number>(d).fill(0));
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i][j];
      for (let m = 0; m < j; m++) s -= L[i][m] * L[j][m];
      if (i === j) {
        if (!(s > 0)) throw new Error("not positive definite");
        L[i][i] = Math.sqrt(s);
      } else L[i][j] = s / L[j][j];
    }
  }
  return L;
}

/** (L⁻¹)ᵀ for the Cholesky factor L of a covariance: scikit-learn's `_compute_precision_cholesky`. */
export function precisionCholesky(cov: number[][]): number[][] {
  const L = cholesky(cov);
  const d = L.length;
  const inv = L.map(() => new Array<number>(d).fill(0));
  for (let c = 0; c < d; c++) {
    for (let i = c; i < d; i++) {
      let s = i === c ? 1 : 0;
      for (let m = c; m < i; m++) s -= L[i][m] * inv[m][c];
      inv[i][c] = s / L[i][i];
    }
  }
  return inv[0].map((_, i) => inv.map((row) => row[i])); // transpose
}

export function weightedLogProb(X: number[][], p: RefParams, type: Type): number[][] {
  const d = X[0].length;
  const k = p.weights.length;
  return X.map((x) =>
    Array.from({ length: k }, (_, c) => {
      const mu = p.means[c];
      let sq = 0;
      let logDet = 0;
      if (type === "full" || type === "tied") {
        const U: number[][] = type === "full" ? p.precisionsCholesky[c] : p.precisionsCholesky;
        for (let j = 0; j < d; j++) {
          let y = 0;
          for (let i = 0; i < d; i++) y += (x[i] - mu[i]) * U[i][j];
          sq += y * y;
          logDet += Math.log(U[j][j]);
        }
      } else {
        for (let j = 0; j < d; j++) {
          const u: number = type === "diag" ? p.precisionsCholesky[c][j] : p.precisionsCholesky[c];
          const y = (x[j] - mu[j]) * u;
          sq += y * y;
          logDet += Math.log(u);
        }
      }
      return Math.log(p.weights[c]) - 0.5 * (d * Math.log(2 * Math.PI) + sq) + logDet;
    }),
  );
}

export function logSumExp(row: number[]): number {
  const m = Math.max(...row);
  return m + Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0));
}

/** scikit-learn's `_estimate_gaussian_parameters` + precision Cholesky: the M-step from responsibilities. */
export function mstep(X: number[][], resp: number[][], reg: number, type: Type): RefParams {
  const d = X[0].length;
  const k = resp[0].length;
  const eps = 2.220446049250313e-16;
  const nk = Array.from({ length: k }, (_, c) => resp.reduce((s, r) => s + r[c], 0) + 10 * eps);
  const means = nk.map((v, c) =>
    Array.from({ length: d }, (_, j) => X.reduce((s, x, i) => s + resp[i][c] * x[j], 0) / v),
  );
  const scatter = (c: number) =>
    Array.from({ length: d }, (_, a) =>
      Array.from({ length: d }, (_, b) =>
        X.reduce((s, x, i) => s + resp[i][c] * (x[a] - means[c][a]) * (x[b] - means[c][b]), 0),
      ),
    );
  const total = nk.reduce((a, b) => a + b, 0);
  const weights = nk.map((v) => v / total);
  let covariances: any;
  let precisionsCholesky: any;
  if (type === "full") {
    covariances = nk.map((v, c) => scatter(c).map((row, a) => row.map((s, b) => s / v + (a === b ? reg : 0))));
    precisionsCholesky = covariances.map(precisionCholesky);
  } else if (type === "tied") {
    const sum = Array.from({ length: d }, () => new Array<number>(d).fill(0));
    for (let c = 0; c < k; c++) scatter(c).forEach((row, a) => row.forEach((s, b) => (sum[a][b] += s)));
    covariances = sum.map((row, a) => row.map((s, b) => s / total + (a === b ? reg : 0)));
    precisionsCholesky = precisionCholesky(covariances);
  } else {
    const diag = nk.map((v, c) => scatter(c).map((row, a) => row[a] / v + reg));
    covariances = type === "diag" ? diag : diag.map((row) => row.reduce((a, b) => a + b, 0) / d);
    precisionsCholesky =
      type === "diag"
        ? covariances.map((row: number[]) => row.map((v) => 1 / Math.sqrt(v)))
        : covariances.map((v: number) => 1 / Math.sqrt(v));
  }
  return { weights, means, covariances, precisionsCholesky };
}

/** One EM iteration from p: returns the lower bound of the E-step and the parameters of the M-step. */
export function emStep(X: number[][], p: RefParams, reg: number, type: Type): { lowerBound: number; next: RefParams } {
  const lp = weightedLogProb(X, p, type);
  const norms = lp.map(logSumExp);
  const resp = lp.map((row, i) => row.map((v) => Math.exp(v - norms[i])));
  return { lowerBound: norms.reduce((a, b) => a + b, 0) / X.length, next: mstep(X, resp, reg, type) };
}

/** precisions (scikit-learn's shapes) from covariances. */
export function invert(A: number[][]): number[][] {
  const d = A.length;
  const M = A.map((row, i) => [...row, ...Array.from({ length: d }, (_, j) => (i === j ? 1 : 0))]);
  for (let c = 0; c < d; c++) {
    let piv = c;
    for (let r = c + 1; r < d; r++) if (Math.abs(M[r][c]) > Math.abs(M[piv][c])) piv = r;
    [M[c], M[piv]] = [M[piv], M[c]];
    const v = M[c][c];
    for (let j = 0; j < 2 * d; j++) M[c][j] /= v;
    for (let r = 0; r < d; r++) {
      if (r === c) continue;
      const f = M[r][c];
      for (let j = 0; j < 2 * d; j++) M[r][j] -= f * M[c][j];
    }
  }
  return M.map((row) => row.slice(d));
}
