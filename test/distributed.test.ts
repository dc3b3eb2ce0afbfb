// examples/distributed.mjs: EM over three Node processes, each holding a third of the data, equals the
// single-process in-memory fit from the same parameters, iteration by iteration.
import { describe, expect, it } from "vitest";
import { maxRelError } from "./helpers/fixtures.js";

const dist = new URL("../dist/index.js", import.meta.url).href;
const example = new URL("../examples/distributed.mjs", import.meta.url).href;

describe("distributed EM example", () => {
  it("three processes match the single-process fit (1e-10)", async () => {
    const { GaussianMixture } = await import(dist);
    const { startWorkers, distributedEM } = await import(example);
    const n = 3001;
    const d = 3;
    const X = new Float64Array(n * d);
    let s = 12345;
    const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) + 0.5) / 2147483648;
    for (let i = 0; i < n; i++)
      for (let j = 0; j < d; j++) X[i * d + j] = (i % 3) * 4 * (j === i % 3 ? 1 : 0) + rnd() * 2 + rnd();
    // A warm-started estimator with maxIter 1: each fit is one EM iteration of the in-memory engine.
    const est = new GaussianMixture({
      nComponents: 3,
      covarianceType: "full",
      warmStart: true,
      maxIter: 1,
      randomState: 0,
    });
    const initial = await est.fit({ data: X, shape: [n, d] });
    const cuts = [0, 1000, 2001, n];
    const parts = cuts.slice(1).map((b, p) => ({ data: X.slice(cuts[p] * d, b * d), shape: [b - cuts[p], d] }));
    const workers = await startWorkers(parts);
    try {
      const iterations = 8;
      const { model, lowerBounds } = await distributedEM(workers, initial, { maxIter: iterations, tol: 0 });
      let reference = initial;
      const refBounds: number[] = [];
      for (let i = 0; i < iterations; i++) {
        reference = await est.fit({ data: X, shape: [n, d] });
        refBounds.push(reference.lowerBound);
      }
      expect(lowerBounds).toHaveLength(iterations);
      expect(maxRelError(lowerBounds, refBounds)).toBeLessThan(1e-10);
      expect(maxRelError(model.weights, reference.weights)).toBeLessThan(1e-10);
      expect(maxRelError(model.means, reference.means)).toBeLessThan(1e-10);
      expect(maxRelError(model.covariances, reference.covariances)).toBeLessThan(1e-10);
    } finally {
      workers.close();
    }
  }, 30_000);
});
