// The benchmarks' data: k Gaussian clusters with random linear shapes, seeded by the problem's size (the same
// kind of problem as sklearn_timing.py, made in JS when Python is not available).

/**
 * n samples × d features (row-major) and the generator's uniform draw function, which goes on from where the
 * data left it (bench/run.mjs draws the initial means from it).
 */
export function clusters(n, d, k) {
  let s = 12345 + n + d * 7 + k;
  const u = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296;
  const g = () => Math.sqrt(-2 * Math.log(u() + 1e-300)) * Math.cos(2 * Math.PI * u());
  const centers = Array.from({ length: k }, () => Array.from({ length: d }, () => 5 * g()));
  const A = Array.from({ length: k }, () => Array.from({ length: d * d }, () => g() / Math.sqrt(d)));
  const X = new Float64Array(n * d);
  const z = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const c = Math.floor(u() * k);
    for (let j = 0; j < d; j++) z[j] = g();
    for (let a = 0; a < d; a++) {
      let v = centers[c][a];
      for (let b = 0; b < d; b++) v += A[c][a * d + b] * z[b];
      X[i * d + a] = v;
    }
  }
  return { X, u };
}
