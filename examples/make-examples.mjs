// Writes the bundled example data sets with gaussmix's own sampler (seeded, so the files are reproducible):
//   three-gaussians.csv: three correlated 2-D Gaussians, 1,000 points each;
//   two-classes-1d.csv: N(-4.5, 0.5²) and N(2.5, 1), 200 points each.
// Usage: npm run build && node examples/make-examples.mjs
import { writeFileSync } from "node:fs";
import { FittedGaussianMixture } from "../dist/index.js";

/** n draws from one Gaussian, as rows (a one-component model; sample() uses its mean and covariance). */
function draw(mean, cov, n, seed) {
  const d = mean.length;
  const model = FittedGaussianMixture.fromJSON({
    format: "gaussmix-model",
    version: 1,
    covarianceType: "full",
    nComponents: 1,
    nFeatures: d,
    weights: [1],
    means: mean,
    covariances: cov.flat(),
    factors: d === 1 ? [1 / Math.sqrt(cov[0][0])] : precisionFactor(cov),
    converged: true,
    nIter: 0,
    lowerBound: 0,
    lowerBounds: [],
  });
  const { X } = model.sample(n, { randomState: seed });
  return Array.from({ length: n }, (_, i) => Array.from(X.data.subarray(i * d, (i + 1) * d)));
}

/** Packed L⁻¹ of a 2×2 covariance (cov = L Lᵀ): the model's precision factor. */
function precisionFactor([[a, b], [, c]]) {
  const l00 = Math.sqrt(a);
  const l10 = b / l00;
  const l11 = Math.sqrt(c - l10 * l10);
  return [1 / l00, -l10 / (l00 * l11), 1 / l11];
}

const round = (v) => Number(v.toFixed(6));
const three = [
  [
    [1, 2],
    [
      [1, 0.7],
      [0.7, 1],
    ],
  ],
  [
    [-1, -1],
    [
      [0.5, 0.1],
      [0.1, 0.5],
    ],
  ],
  [
    [2, -2],
    [
      [0.8, -0.3],
      [-0.3, 0.8],
    ],
  ],
].flatMap(([mean, cov], label) => draw(mean, cov, 1000, 2026 + label).map((r) => [...r.map(round), label].join(",")));
writeFileSync(new URL("./three-gaussians.csv", import.meta.url), ["x,y,label", ...three].join("\n") + "\n");

const oned = [
  [[-4.5], [[0.25]]],
  [[2.5], [[1]]],
].flatMap(([mean, cov], label) => draw(mean, cov, 200, 7 + label).map((r) => `${round(r[0])},${label}`));
writeFileSync(new URL("./two-classes-1d.csv", import.meta.url), ["x,label", ...oned].join("\n") + "\n");
console.log("wrote examples/three-gaussians.csv (3,000 rows) and examples/two-classes-1d.csv (400 rows)");
