// Invariants that hold for any fit: responsibilities are distributions, predict is their argmax, fitPredict
// agrees with fit + predict, precisions invert covariances, and EM never lowers the likelihood.
import { describe, expect, it } from "vitest";
import { type CovarianceType, GaussianMixture } from "../src/index.js";
import { Random } from "../src/rng.js";
import { flat } from "./helpers/fixtures.js";
import { invert } from "./helpers/reference.js";

const TYPES: CovarianceType[] = ["full", "tied", "diag", "spherical"];

function blobs(seed: number, n: number, d: number, k: number): number[][] {
  const rng = new Random(seed);
  const centers = Array.from({ length: k }, () => Array.from({ length: d }, () => 6 * rng.normal()));
  return Array.from({ length: n }, (_, i) => centers[i % k].map((c) => c + rng.normal() * (1 + (i % 3) / 2)));
}

describe.each(TYPES)("invariants, %s", (covarianceType) => {
  const X = blobs(7, 301, 3, 3);

  it("responsibility rows sum to 1 and predict is their argmax", async () => {
    const m = await new GaussianMixture({ nComponents: 3, covarianceType, randomState: 1 }).fit(X);
    const { data, shape } = m.predictProba(X);
    const labels = m.predict(X);
    for (let i = 0; i < shape[0]; i++) {
      const row = Array.from(data.subarray(i * shape[1], (i + 1) * shape[1]));
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 14);
      expect(row.every((v) => v >= 0 && v <= 1)).toBe(true);
      expect(row.indexOf(Math.max(...row))).toBe(labels[i]);
    }
  });

  it("fitPredict equals fit then predict", async () => {
    const opts = { nComponents: 3, covarianceType, randomState: 3 } as const;
    const { model, labels } = await new GaussianMixture(opts).fitPredict(X);
    const again = await new GaussianMixture(opts).fit(X);
    expect(model.toJSON()).toEqual(again.toJSON());
    expect(Array.from(labels)).toEqual(Array.from(again.predict(X)));
  });

  it("precisions are the inverses of the covariances, and precisionsCholesky factors them", async () => {
    const m = await new GaussianMixture({ nComponents: 3, covarianceType, randomState: 2 }).fit(X);
    const covs = m.covariances as any;
    const precs = m.precisions as any;
    const chols = m.precisionsCholesky as any;
    const blocks: [any, any, any][] =
      covarianceType === "full"
        ? covs.map((c: any, i: number) => [c, precs[i], chols[i]])
        : covarianceType === "tied"
          ? [[covs, precs, chols]]
          : [];
    for (const [cov, prec, U] of blocks) {
      const inv = invert(cov);
      flat(prec).forEach((v, i) => expect(v).toBeCloseTo(flat(inv)[i], 8));
      const d = cov.length;
      for (let a = 0; a < d; a++) {
        for (let b = 0; b < d; b++) {
          let s = 0;
          for (let j = 0; j < d; j++) s += U[a][j] * U[b][j];
          expect(s).toBeCloseTo(prec[a][b], 10);
          if (a > b) expect(U[a][b]).toBe(0); // upper triangular
        }
      }
    }
    if (covarianceType === "diag" || covarianceType === "spherical") {
      flat(covs).forEach((v, i) => expect(v * flat(precs)[i]).toBeCloseTo(1, 13));
    }
    expect(m.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 14);
  });

  it("the lower bound never decreases (regCovar 0, well-conditioned data)", async () => {
    const m = await new GaussianMixture({
      nComponents: 3,
      covarianceType,
      regCovar: 0,
      tol: 0,
      maxIter: 60,
      initParams: "random",
      randomState: 4,
    }).fit(X);
    const lb = m.lowerBounds;
    for (let i = 1; i < lb.length; i++) expect(lb[i]).toBeGreaterThanOrEqual(lb[i - 1] - 1e-12 * Math.abs(lb[i - 1]));
  });
});

describe("all initialisations", () => {
  it.each(["kmeans", "k-means++", "random", "random_from_data"] as const)(
    "%s finds three separated blobs",
    async (initParams) => {
      const rng = new Random(11);
      const centers = [
        [0, 0],
        [12, 0],
        [0, 12],
      ];
      const X = Array.from({ length: 600 }, (_, i) => centers[i % 3].map((c) => c + rng.normal()));
      const m = await new GaussianMixture({ nComponents: 3, initParams, randomState: 0, nInit: 3 }).fit(X);
      expect(m.converged).toBe(true);
      // Every blob is one component: the labels of each blob's points agree.
      const labels = m.predict(X);
      for (let b = 0; b < 3; b++) {
        const own = Array.from(labels).filter((_, i) => i % 3 === b);
        expect(new Set(own).size).toBe(1);
      }
    },
  );
});
