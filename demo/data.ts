/** The demo's data sets, made with a small seeded generator (so the browser test can make them too). */

export interface DataSet {
  /** Row-major n × d. */
  data: Float64Array;
  d: 1 | 2;
  n: number;
  /** Axis names, one per column. */
  names: string[];
}

/** A seeded normal generator: splitmix32 for uniforms, Box–Muller for normals (the demo's own, not the library's). */
function normals(seed: number): () => number {
  let s = (Math.trunc(seed) >>> 0) ^ 0x9e3779b9;
  const uniform = () => {
    s = (s + 0x9e3779b9) | 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
    z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
    return (((z ^ (z >>> 15)) >>> 0) + 0.5) / 4294967296;
  };
  let spare = NaN;
  return () => {
    if (!Number.isNaN(spare)) {
      const v = spare;
      spare = NaN;
      return v;
    }
    const r = Math.sqrt(-2 * Math.log(uniform()));
    const t = 2 * Math.PI * uniform();
    spare = r * Math.sin(t);
    return r * Math.cos(t);
  };
}

function gaussians(normal: () => number, parts: { n: number; mean: number[]; cov: number[][] }[]): DataSet {
  const n = parts.reduce((s, p) => s + p.n, 0);
  const d = parts[0].mean.length as 1 | 2;
  const data = new Float64Array(n * d);
  let i = 0;
  for (const { n: m, mean, cov } of parts) {
    const l00 = Math.sqrt(cov[0][0]);
    const l10 = d === 2 ? cov[1][0] / l00 : 0;
    const l11 = d === 2 ? Math.sqrt(cov[1][1] - l10 * l10) : 0;
    for (let s = 0; s < m; s++, i++) {
      const z0 = normal();
      data[i * d] = mean[0] + l00 * z0;
      if (d === 2) data[i * d + 1] = mean[1] + l10 * z0 + l11 * normal();
    }
  }
  return { data, d, n, names: d === 2 ? ["x", "y"] : ["x"] };
}

/** N(−4.5, 0.5²) and N(2.5, 1), 200 each. */
export function twoClasses1D(seed: number): DataSet {
  return gaussians(normals(seed), [
    { n: 200, mean: [-4.5], cov: [[0.25]] },
    { n: 200, mean: [2.5], cov: [[1]] },
  ]);
}

/** The bundled example: three correlated 2-D Gaussians, 1,000 points each. */
export function threeGaussians(seed: number, each = 1000): DataSet {
  return gaussians(normals(seed), [
    {
      n: each,
      mean: [1, 2],
      cov: [
        [1, 0.7],
        [0.7, 1],
      ],
    },
    {
      n: each,
      mean: [-1, -1],
      cov: [
        [0.5, 0.1],
        [0.1, 0.5],
      ],
    },
    {
      n: each,
      mean: [2, -2],
      cov: [
        [0.8, -0.3],
        [-0.3, 0.8],
      ],
    },
  ]);
}

/** Round blobs pushed through one linear map: long thin clusters where k-means fails. */
export function stretchedBlobs(seed: number): DataSet {
  const normal = normals(seed);
  const base = gaussians(normal, [
    {
      n: 400,
      mean: [0, 0],
      cov: [
        [1, 0],
        [0, 1],
      ],
    },
    {
      n: 400,
      mean: [0, 5],
      cov: [
        [1, 0],
        [0, 1],
      ],
    },
    {
      n: 400,
      mean: [5, 2.5],
      cov: [
        [1, 0],
        [0, 1],
      ],
    },
  ]);
  const a = [0.7 + 0.05 * normal(), -0.63, -0.4, 0.9 + 0.03 * normal()];
  const { data } = base;
  for (let i = 0; i < base.n; i++) {
    const x = data[2 * i];
    const y = data[2 * i + 1];
    data[2 * i] = (a[0] * x + a[1] * y) * 1.6;
    data[2 * i + 1] = (a[2] * x + a[3] * y) * 0.35;
  }
  return base;
}

/** A large data set for the responsiveness check: 100,002 points of the 2-D example's kind. */
export function large(seed: number): DataSet {
  return threeGaussians(seed, 33334);
}
