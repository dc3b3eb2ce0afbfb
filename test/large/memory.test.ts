// Large-memory tests (npm run test:large): the engine uses its whole 4 GiB (fits whose memory crosses 2 GiB
// give the right answer), refuses more with DATA_TOO_LARGE before allocating, and the per-sample methods give
// results of gigabytes from a small engine. Each test states its data, engine and result sizes.
import { describe, expect, it } from "vitest";
import { FittedGaussianMixture, GaussianMixture, GaussMixError } from "../../src/index.js";
import { setThreadsMinWork } from "../../src/em/fit-setup.js";
import { Random } from "../../src/rng.js";
import { engineStats } from "../../src/wasm/engine.js";

const gc = (globalThis as { gc?: () => void }).gc;
const GiB = 2 ** 30;

/** n samples of one feature: even samples around −5, odd ones around +5 (σ = 1). */
function twoBlobs(n: number, seed: number): Float64Array {
  const rng = new Random(seed);
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = (i % 2 ? 5 : -5) + rng.normal();
  return x;
}

describe("the whole 4 GiB", () => {
  // 100,000,000 × 1: 0.8 GB of data. Engine: X 0.8 + W 0.8 + labels 0.4 and k-means++ distances 0.8 = 2.8 GB,
  // so the labels and distances live above 2 GiB (the fit failed from 76,835,938 samples when offsets wrapped).
  it("fitPredict on 100,000,000 × 1 (engine 2.8 GB): right means, right labels, no weight array", async () => {
    const n = 100_000_000;
    let x: Float64Array | undefined = twoBlobs(n, 1);
    gc?.();
    const before = process.memoryUsage().arrayBuffers;
    let extra = 0;
    const { model, labels } = await new GaussianMixture({
      nComponents: 2,
      initParams: "k-means++",
      maxIter: 5,
      onIteration: () => {
        extra = Math.max(extra, process.memoryUsage().arrayBuffers - before);
      },
    }).fitPredict({ data: x, shape: [n, 1] });
    // The only array outside the engine during EM: k-means++'s cumulative sums (n f64); no weight array.
    expect(extra).toBeLessThanOrEqual(n * 8 + 64 * 2 ** 20);
    const order = model.means[0][0] < model.means[1][0] ? [0, 1] : [1, 0];
    expect(model.means[order[0]][0]).toBeCloseTo(-5, 2);
    expect(model.means[order[1]][0]).toBeCloseTo(5, 2);
    expect(model.weights[0]).toBeCloseTo(0.5, 3);
    // Labels from the region above 2 GiB: the blob of each sample (misassigned only past the midpoint, ~3e-7).
    let wrong = 0;
    for (let i = 0; i < n; i++) if (labels[i] !== order[i % 2]) wrong++;
    expect(wrong).toBeLessThan(n * 1e-5);
    x = undefined;
  });

  it("a threaded fit (shared memory) also passes 2 GiB: 140,000,000 × 1 (engine 2.24 GB) on two threads equals one thread", async () => {
    const n = 140_000_000;
    const x = twoBlobs(n, 2);
    const opts = {
      nComponents: 2,
      maxIter: 3,
      tol: 0,
      weightsInit: [0.5, 0.5],
      meansInit: [[-4], [4]],
      precisionsInit: [[[1]], [[1]]],
    };
    const prev = setThreadsMinWork(0);
    try {
      const two = await new GaussianMixture({ ...opts, threads: 2 }).fit({ data: x, shape: [n, 1] });
      expect(two.threads).toBe(2);
      const one = await new GaussianMixture(opts).fit({ data: x, shape: [n, 1] });
      expect(Math.abs(two.lowerBound - one.lowerBound)).toBeLessThan(1e-9 * Math.abs(one.lowerBound));
      expect(two.means[0][0]).toBeCloseTo(one.means[0][0], 9);
    } finally {
      setThreadsMinWork(prev);
    }
  });

  it("a fit needing more than 4 GiB is refused with DATA_TOO_LARGE before allocating it", async () => {
    // 36,000,000 rows of 16 features (one shared row: 0.3 GB of references): the engine would need ~5.3 GB.
    const row = new Float64Array(16).fill(1);
    const X = new Array<Float64Array>(36_000_000).fill(row);
    gc?.();
    const rss0 = process.memoryUsage().rss;
    const t = performance.now();
    let err: unknown;
    try {
      await new GaussianMixture({ nComponents: 2 }).fit(X);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(GaussMixError);
    expect((err as GaussMixError).code).toBe("DATA_TOO_LARGE");
    expect((err as GaussMixError).message).toMatch(
      /a fit of 36000000 samples × 16 features needs 4896000000 bytes \(4\.56 GiB\) of WebAssembly memory, but the limit is 4294967296 bytes/,
    );
    expect(process.memoryUsage().rss - rss0).toBeLessThan(0.5 * GiB);
    expect(engineStats().bytes.every((b) => b <= 64 * 2 ** 20)).toBe(true);
    expect(performance.now() - t).toBeLessThan(100); // before the rows are checked one by one
  });
});

describe("per-sample methods on results of gigabytes", () => {
  function sphericalModel(k: number, spacing: number) {
    return FittedGaussianMixture.fromJSON({
      format: "gaussmix-model",
      version: 1,
      covarianceType: "spherical",
      nComponents: k,
      nFeatures: 1,
      weights: new Array(k).fill(1 / k),
      means: Array.from({ length: k }, (_, c) => c * spacing),
      covariances: new Array(k).fill(1),
      factors: new Array(k).fill(1),
      converged: true,
      nIter: 1,
      lowerBound: -2,
      lowerBounds: [-2],
    });
  }

  it("predictProba with k = 300 on 900,000 rows (2.2 GB of responsibilities)", () => {
    const k = 300;
    const n = 900_000;
    const model = sphericalModel(k, 10);
    const X = new Float64Array(n);
    for (let i = 0; i < n; i++) X[i] = (i % k) * 10;
    const { data, shape } = model.predictProba({ data: X, shape: [n, 1] });
    expect(shape).toEqual([n, k]);
    // Each sample sits on its component's mean, 10 σ from the next: responsibility 1 − O(e^-50).
    for (const i of [0, 1, 299, 450_001, n - 1]) expect(data[i * k + (i % k)]).toBeCloseTo(1, 12);
    expect(engineStats().bytes.every((b) => b <= 64 * 2 ** 20)).toBe(true);
  });

  it("predictProba of a model with k = 200,000 on 2,000 rows (3.2 GB of responsibilities)", () => {
    const k = 200_000;
    const n = 2000;
    const model = sphericalModel(k, 10);
    const X = Array.from({ length: n }, (_, i) => [i * 100 * 10]);
    const { data } = model.predictProba(X);
    expect(data.length).toBe(n * k);
    for (const i of [0, 1, 999, n - 1]) {
      const c = i * 100;
      expect(data[i * k + c]).toBeCloseTo(1, 12);
      let s = 0;
      for (let j = 0; j < k; j++) s += data[i * k + j];
      expect(s).toBeCloseTo(1, 12);
    }
    const labels = model.predict(X);
    expect(labels[n - 1]).toBe((n - 1) * 100);
  });
});
